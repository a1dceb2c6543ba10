package io.assay.gateway.auth;

/**
 * A known API key, as stored (the key itself is never stored, only its SHA-256).
 *
 * @param hash hex SHA-256 of the bearer token
 * @param name a label for operators
 * @param role user or admin
 * @param requestsPerMinute requests allowed per minute, 0 for no limit
 * @param unitsPerMinute work units (tokens, for text) served per minute, 0 for no limit
 * @param creditMicros the prepaid balance in millionths of a credit, charged per unit served at
 *     the task's price; null for a key without a budget
 */
public record ApiKey(String hash, String name, Role role, int requestsPerMinute,
    long unitsPerMinute, Long creditMicros) {

  /** A key without unit limit or budget. */
  public ApiKey(String hash, String name, Role role, int requestsPerMinute) {
    this(hash, name, role, requestsPerMinute, 0, null);
  }

  public enum Role {
    @com.fasterxml.jackson.annotation.JsonProperty("user") USER,
    @com.fasterxml.jackson.annotation.JsonProperty("admin") ADMIN
  }
}
