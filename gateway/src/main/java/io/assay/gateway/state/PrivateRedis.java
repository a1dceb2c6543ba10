package io.assay.gateway.state;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A redis-server owned by this process, for the zero-configuration path: the same code as
 * production talks to it, only the server's lifetime is ours.
 *
 * <p>The binary is {@code redis-server} from {@code PATH} when there is one, else the Linux or
 * macOS build bundled in the embedded-redis jar, extracted once into the data directory. Data is
 * kept with append-only persistence in {@code dataDir}, so a restart on the same directory keeps
 * keys, usage and everything else.
 */
public final class PrivateRedis implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PrivateRedis.class);

  private final Process process;
  private final int port;

  private PrivateRedis(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts a server on a free loopback port; returns once it accepts connections. */
  public static PrivateRedis start(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path binary = findBinary(dataDir);
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(binary.toString(),
        "--port", Integer.toString(port),
        "--bind", "127.0.0.1",
        "--dir", dataDir.toAbsolutePath().toString(),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",
        "--daemonize", "no",
        "--protected-mode", "yes"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pumpOutput(process.getInputStream(), ready), "redis-output");
    pump.setDaemon(true);
    pump.start();
    try {
      ready.get(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new IOException("redis-server " + binary + " did not become ready within 20 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while starting redis-server", e);
    } catch (java.util.concurrent.ExecutionException e) {
      process.destroyForcibly();
      throw new IOException("redis-server " + binary + " failed to start: "
          + e.getCause().getMessage(), e.getCause());
    }
    log.info("private redis-server {} on 127.0.0.1:{} with data in {}", binary, port, dataDir);
    return new PrivateRedis(process, port);
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Stops the server gracefully (SIGTERM lets it flush the append-only file). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static void pumpOutput(InputStream in, CompletableFuture<Void> ready) {
    StringBuilder recent = new StringBuilder();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!ready.isDone()) {
          recent.append(line).append('\n');
          if (line.contains("Ready to accept connections")) {
            ready.complete(null);
          }
        } else if (line.contains("# ")) {
          log.debug("redis: {}", line);
        }
      }
    } catch (IOException e) {
      // the process ended; fall through
    }
    ready.completeExceptionally(new IOException("exited early: " + recent));
  }

  private static Path findBinary(Path dataDir) throws IOException {
    String pathEnv = System.getenv("PATH");
    if (pathEnv != null) {
      for (String dir : pathEnv.split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(dir, "redis-server");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    String resource = bundledName();
    Path target = dataDir.resolve("bin").resolve(resource);
    if (Files.isExecutable(target)) {
      return target;
    }
    try (InputStream in = PrivateRedis.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IOException("no redis-server on PATH and no bundled build " + resource
            + " for this platform; install Redis or set redis.url");
      }
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), "redis-server", ".tmp");
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (UnsupportedOperationException e) {
        tmp.toFile().setExecutable(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  private static String bundledName() {
    String os = System.getProperty("os.name").toLowerCase();
    String arch = System.getProperty("os.arch").toLowerCase();
    boolean arm = arch.contains("aarch64") || arch.contains("arm64");
    if (os.contains("mac")) {
      return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
    }
    return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
