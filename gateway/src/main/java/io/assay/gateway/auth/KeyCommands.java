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
      ApiKeys.Limits limits, PrintStream out) throws Exception {
    try (ToolStore store = ToolStore.open(redisUrl, dataDir)) {
      String token = keys(store).create(name, admin ? ApiKey.Role.ADMIN : ApiKey.Role.USER,
          limits).await(1, TimeUnit.MINUTES);
      out.println(token);
      return 0;
    }
  }

  /**
   * Prints the key of {@code prefix} and its usage by day and task (31 days), as JSON.
   *
   * @return 0, or 1 when no single key has the prefix
   */
  public static int show(String redisUrl, Path dataDir, String prefix, PrintStream out,
      PrintStream err) throws Exception {
    try (ToolStore store = ToolStore.open(redisUrl, dataDir)) {
      ApiKeys keys = keys(store);
      ApiKeys.Listed key = one(keys, prefix, err);
      if (key == null) {
        return 1;
      }
      com.fasterxml.jackson.databind.node.ObjectNode shown =
          io.assay.task.Json.MAPPER.valueToTree(key);
      shown.set("usage_by_day", io.assay.task.Json.MAPPER.valueToTree(
          keys.usage(key.hash(), 31).await(1, TimeUnit.MINUTES)));
      out.println(io.assay.task.Json.MAPPER.writerWithDefaultPrettyPrinter()
          .writeValueAsString(shown));
      return 0;
    }
  }

  /**
   * Changes the limits or balance of the key of {@code prefix}; null leaves a value as it is.
   *
   * @return 0, or 1 when no single key has the prefix
   */
  public static int update(String redisUrl, Path dataDir, String prefix, Integer rpm,
      Long upm, Long setCreditMicros, Long addCreditMicros, PrintStream out, PrintStream err)
      throws Exception {
    try (ToolStore store = ToolStore.open(redisUrl, dataDir)) {
      ApiKeys keys = keys(store);
      ApiKeys.Listed key = one(keys, prefix, err);
      if (key == null) {
        return 1;
      }
      keys.update(key.hash(), rpm, upm, setCreditMicros, addCreditMicros)
          .await(1, TimeUnit.MINUTES);
      out.println("updated " + key.name() + " (" + key.prefix() + "...)");
      return 0;
    }
  }

  private static ApiKeys.Listed one(ApiKeys keys, String prefix, PrintStream err)
      throws Exception {
    List<ApiKeys.Listed> found = keys.withPrefix(prefix).await(1, TimeUnit.MINUTES);
    if (found.size() != 1) {
      err.println(found.isEmpty() ? "no key with prefix " + prefix
          : found.size() + " keys start with " + prefix + "; give more of the prefix");
      return null;
    }
    return found.get(0);
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
