package io.assay.gateway.auth;

import io.assay.gateway.state.ToolStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code keys} commands: create, list and revoke API keys in a gateway's store (the
 * configured Redis, or the private one of the data directory, running or not). Tokens are shown
 * once, when made; afterwards keys are named by name and prefix only.
 */
public final class KeyCommands {

  private KeyCommands() {}

  /** Makes a key and prints its token. */
  public static int create(String redisUrl, Path dataDir, String name, boolean admin,
      int requestsPerMinute, PrintStream out) throws Exception {
    try (ToolStore store = ToolStore.open(redisUrl, dataDir)) {
      String token = keys(store).create(name, admin ? ApiKey.Role.ADMIN : ApiKey.Role.USER,
          requestsPerMinute).await(1, TimeUnit.MINUTES);
      out.println(token);
      return 0;
    }
  }

  /** Prints every key: name, role, limit, prefix, creation time; never a token. */
  public static int list(String redisUrl, Path dataDir, PrintStream out) throws Exception {
    try (ToolStore store = ToolStore.open(redisUrl, dataDir)) {
      List<ApiKeys.Listed> keys = keys(store).list().await(1, TimeUnit.MINUTES);
      out.printf("%-24s %-6s %-8s %-16s %s%n", "NAME", "ROLE", "RPM", "PREFIX", "CREATED");
      for (ApiKeys.Listed k : keys) {
        out.printf("%-24s %-6s %-8s %-16s %s%n", k.name(), k.role().name().toLowerCase(),
            k.requestsPerMinute() == 0 ? "-" : Integer.toString(k.requestsPerMinute()),
            k.prefix().isEmpty() ? "?" : k.prefix() + "...", k.createdAt());
      }
      return 0;
    }
  }

  /**
   * Revokes the keys named {@code name} (only the one with {@code prefix} when given).
   *
   * @return 0 when at least one was revoked, 1 when none matched
   */
  public static int revoke(String redisUrl, Path dataDir, String name, String prefix,
      PrintStream out, PrintStream err) throws Exception {
    try (ToolStore store = ToolStore.open(redisUrl, dataDir)) {
      int revoked = keys(store).revoke(name, prefix).await(1, TimeUnit.MINUTES);
      if (revoked == 0) {
        err.println("no key named " + name + (prefix == null ? "" : " with prefix " + prefix));
        return 1;
      }
      out.println("revoked " + revoked + " key" + (revoked == 1 ? "" : "s") + "; every gateway"
          + " refuses " + (revoked == 1 ? "it" : "them") + " within "
          + ApiKeys.REFRESH.toSeconds() + " s");
      return 0;
    }
  }

  private static ApiKeys keys(ToolStore store) {
    return new ApiKeys(store.redis(), Duration.ofSeconds(1));
  }
}
