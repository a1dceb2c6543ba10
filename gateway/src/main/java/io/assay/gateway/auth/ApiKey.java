package io.assay.gateway.auth;

/**
 * A known API key, as stored (the key itself is never stored, only its SHA-256).
 *
 * @param hash hex SHA-256 of the bearer token
 * @param name a label for operators
 * @param role user or admin
 * @param requestsPerMinute requests allowed per minute, 0 for no limit
 */
public record ApiKey(String hash, String name, Role role, int requestsPerMinute) {

  public enum Role {
    USER,
    ADMIN
  }
}
