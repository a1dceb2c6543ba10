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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 * kept with append-only persistence in {@code dataDir} (mode 0700), so a restart on the same
 * directory keeps keys, usage and everything else, and a server that dies is started again.
 */
public final class PrivateRedis implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PrivateRedis.class);
  /** Waits between restarts of a server that keeps failing: doubling from the first, capped. */
  private static final long FIRST_RESTART_MILLIS = 200;
  private static final long MAX_RESTART_MILLIS = 10_000;

  private final Path binary;
  private final Path dataDir;
  private final int port;
  private final ScheduledExecutorService restarts;
  private volatile Process process;
  private volatile boolean closing;
  private long restartDelay = FIRST_RESTART_MILLIS;

  private PrivateRedis(Path binary, Path dataDir, int port, Process process) {
    this.binary = binary;
    this.dataDir = dataDir;
    this.port = port;
    this.process = process;
    this.restarts = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "redis-supervisor");
      t.setDaemon(true);
      return t;
    });
    supervise(process);
  }

  /**
   * Starts a server on a free loopback port; returns once it accepts connections. If the server
   * dies later (killed, out of memory), it is started again on the same port and directory, so
   * the gateway's connections find it again by themselves; its append-only file brings back what
   * it had written.
   */
  public static PrivateRedis start(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    restrict(dataDir);
    return start(dataDir, freePort());
  }

  private static void restrict(Path dataDir) throws IOException {
    try {
      // Prompts queued for checking pass through this directory's append-only file.
      Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: left to the folder's own access rules.
    }
  }

  /** Like {@link #start(Path)}, on a given port (tests start a server again where it was). */
  static PrivateRedis start(Path dataDir, int port) throws IOException {
    Path binary = findBinary(dataDir);
    stopOrphan(dataDir);
    Process process = launch(binary, dataDir, port);
    log.info("private redis-server {} on 127.0.0.1:{} with data in {}", binary, port, dataDir);
    return new PrivateRedis(binary, dataDir, port, process);
  }

  /**
   * The URL of the private server a gateway runs on {@code dataDir} now, if one does: for tools
   * ({@code keys}, {@code export-events}) that work beside a running gateway.
   */
  public static java.util.Optional<String> runningOn(Path dataDir) {
    return PidFile.read(dataDir).filter(p -> p.server().map(ProcessHandle::isAlive)
        .orElse(false)).map(p -> "redis://127.0.0.1:" + p.port());
  }

  /** What {@link #PID_FILE} says: the server, its port, the process that started it. */
  private record PidFile(java.util.Optional<ProcessHandle> server, int port,
      java.util.Optional<ProcessHandle> owner) {

    /** The file in {@code dataDir}; empty when there is none or it cannot be read. */
    static java.util.Optional<PidFile> read(Path dataDir) {
      try {
        String[] fields = Files.readString(dataDir.resolve(PID_FILE)).trim().split("\\s+");
        return java.util.Optional.of(new PidFile(ProcessHandle.of(Long.parseLong(fields[0])),
            Integer.parseInt(fields[1]), fields.length > 2
                ? ProcessHandle.of(Long.parseLong(fields[2])) : java.util.Optional.empty()));
      } catch (IOException | RuntimeException e) {
        return java.util.Optional.empty();
      }
    }
  }

  /**
   * The redis-server running on {@code dataDir}, as its pid file names it, if it is alive. (Its
   * command line cannot tell: a redis-server may rewrite it, as Debian's does, to its address.)
   */
  public static java.util.Optional<ProcessHandle> serverOn(Path dataDir) {
    return PidFile.read(dataDir).flatMap(PidFile::server).filter(ProcessHandle::isAlive);
  }

  /**
   * Names the running server and who started it: {@code "<pid> <port> <owner pid>"}, so the
   * next start can find it.
   */
  private static final String PID_FILE = "redis-server.pid";

  /**
   * A gateway killed outright (SIGKILL, a crash) leaves its redis-server running on the data
   * directory: a second server on the same append-only file would corrupt it. So the server the
   * pid file names, if it still runs and is a redis-server whose owner is gone, is stopped first
   * (SIGTERM, which flushes its file; SIGKILL after 10 s), and everything it had written is kept.
   * If its owner still runs, another process uses the directory, and starting fails.
   */
  private static void stopOrphan(Path dataDir) throws IOException {
    java.util.Optional<PidFile> pid = PidFile.read(dataDir);
    java.util.Optional<ProcessHandle> orphan = pid.flatMap(PidFile::server);
    java.util.Optional<ProcessHandle> owner = pid.flatMap(PidFile::owner);
    if (orphan.map(ProcessHandle::isAlive).orElse(false)
        && owner.map(ProcessHandle::isAlive).orElse(false)) {
      throw new IOException("process " + owner.get().pid() + " runs a redis-server (pid "
          + orphan.get().pid() + ") on " + dataDir + " already; give each gateway its own"
          + " gateway.data_dir, or stop that one first");
    }
    // "redis", not "redis-server": Debian's redis-server is a link to redis-check-rdb, which
    // is the executable the process then names.
    orphan.filter(ProcessHandle::isAlive)
        .filter(h -> h.info().command().map(c -> c.contains("redis")).orElse(false))
        .ifPresent(h -> {
          log.warn("a redis-server (pid {}) left running on {} by an earlier gateway: stopping"
              + " it before starting another", h.pid(), dataDir);
          h.destroy();
          try {
            h.onExit().get(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            h.destroyForcibly();
            h.onExit().join();
          }
        });
    Files.deleteIfExists(dataDir.resolve(PID_FILE));
  }

  private static Process launch(Path binary, Path dataDir, int port) throws IOException {
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
    Files.writeString(dataDir.resolve(PID_FILE), process.pid() + " " + port + " "
        + ProcessHandle.current().pid() + "\n");
    return process;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** The server's process id (for tests that kill it). */
  public long pid() {
    return process.pid();
  }

  private void supervise(Process watched) {
    watched.onExit().thenRun(() -> {
      if (!closing) {
        log.warn("private redis-server on port {} exited with code {}; starting it again", port,
            watched.exitValue());
        restarts.execute(this::restart);
      }
    });
  }

  private void restart() {
    if (closing) {
      return;
    }
    try {
      Process next = launch(binary, dataDir, port);
      process = next;
      restartDelay = FIRST_RESTART_MILLIS;
      log.info("private redis-server on port {} is back", port);
      if (closing) {
        next.destroy();
      } else {
        supervise(next);
      }
    } catch (IOException e) {
      log.warn("private redis-server on port {} did not start again ({}); next try in {} ms",
          port, e.getMessage(), restartDelay);
      restarts.schedule(this::restart, restartDelay, TimeUnit.MILLISECONDS);
      restartDelay = Math.min(MAX_RESTART_MILLIS, restartDelay * 2);
    }
  }

  /** Stops the server gracefully (SIGTERM lets it flush the append-only file). */
  @Override
  public void close() {
    closing = true;
    restarts.shutdownNow();
    Process p = process;
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
    try {
      Files.deleteIfExists(dataDir.resolve(PID_FILE));
    } catch (IOException e) {
      log.debug("pid file of redis-server not removed: {}", e.getMessage());
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

  /**
   * The redis-server {@link #start} would run, without extracting or starting anything: the one
   * on {@code PATH}, else the build bundled for this platform; empty when there is neither (for
   * {@code doctor}).
   */
  public static java.util.Optional<String> server() {
    java.util.Optional<Path> onPath = onPath();
    if (onPath.isPresent()) {
      return java.util.Optional.of(onPath.get().toString());
    }
    String resource = bundledName();
    return PrivateRedis.class.getResource("/" + resource) == null ? java.util.Optional.empty()
        : java.util.Optional.of("the bundled " + resource);
  }

  private static java.util.Optional<Path> onPath() {
    String pathEnv = System.getenv("PATH");
    if (pathEnv != null) {
      for (String dir : pathEnv.split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(dir, "redis-server");
        if (Files.isExecutable(candidate)) {
          return java.util.Optional.of(candidate);
        }
      }
    }
    return java.util.Optional.empty();
  }

  private static Path findBinary(Path dataDir) throws IOException {
    java.util.Optional<Path> onPath = onPath();
    if (onPath.isPresent()) {
      return onPath.get();
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
