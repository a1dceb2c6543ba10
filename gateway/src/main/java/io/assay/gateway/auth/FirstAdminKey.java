package io.assay.gateway.auth;

import io.assay.gateway.state.Keys;
import io.assay.gateway.state.OwnerOnlyFile;
import io.assay.gateway.state.Redis;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The first start of a validator: on a store with no admin key, one is made and written to
 * {@code <data_dir>/admin.key} (mode 0600), so the operator can reach the admin API and make
 * user keys without the devnet. Gateways sharing a store make one between them: the first to
 * claim the store's bootstrap mark does it.
 */
public final class FirstAdminKey {

  /** The file the first admin key is written to, in the data directory. */
  public static final String FILE = "admin.key";

  private FirstAdminKey() {}

  /**
   * Makes the first admin key if the store has none and no gateway made one before.
   *
   * @return the new key's token, to show once and {@link #write}; empty when there was one
   */
  public static Future<Optional<String>> ensure(ApiKeys keys, Redis redis) {
    return keys.anyAdmin().compose(any -> any ? Future.succeededFuture(false)
            : Redis.on(redis.commands().setnx(Keys.adminBootstrapped(),
                java.time.Instant.now().toString())))
        .compose(claimed -> !claimed ? Future.succeededFuture(Optional.<String>empty())
            : keys.create("admin", ApiKey.Role.ADMIN, 0).map(Optional::of));
  }

  /** Writes {@code token} to {@code <dataDir>/admin.key}, mode 0600 from its first byte. */
  public static Path write(Path dataDir, String token) {
    Path file = dataDir.resolve(FILE);
    try {
      Files.createDirectories(file.getParent());
      OwnerOnlyFile.write(file, (token + "\n").getBytes(StandardCharsets.US_ASCII));
      return file;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write the first admin key to " + file
          + " (it is shown once on the console): " + e.getMessage(), e);
    }
  }
}
