package io.assay.gateway;

import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.devnet.Devnet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Devnets for integration tests: real Redis, real miners and the real model on loopback.
 *
 * <p>{@link #shared()} is one devnet for every test that only reads (started once per test JVM,
 * stopped at exit); tests that kill miners or restart start their own with {@link #start}.
 */
public final class TestDevnets {

  private static Devnet shared;

  private TestDevnets() {}

  public static synchronized Devnet shared() {
    if (shared == null) {
      shared = start(tempDir("assay-shared-devnet"), 3);
      Devnet d = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(d::close));
    }
    return shared;
  }

  /** A devnet of its own on port 0 (a free port) in {@code dataDir}. */
  public static Devnet start(Path dataDir, int miners) {
    GatewayConfig config = ConfigFiles.load(null, Map.of()).withPort(0);
    try {
      return Devnet.start(config, dataDir, miners);
    } catch (Exception e) {
      throw new IllegalStateException("devnet did not start: " + e.getMessage(), e);
    }
  }

  /** The official OpenAI client for {@code devnet}'s user key, with no retries. */
  public static com.openai.client.OpenAIClient openAiClient(Devnet devnet) {
    return com.openai.client.okhttp.OpenAIOkHttpClient.builder()
        .baseUrl(devnet.info().baseUrl())
        .apiKey(devnet.info().apiKey())
        .maxRetries(0)
        .build();
  }

  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
