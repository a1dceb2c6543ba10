package io.assay.gateway.state;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A real redis-server (as {@link PrivateRedis} runs it, with append-only persistence) that a test
 * stops and starts again on the same port and data, as an operator's Redis going away and coming
 * back: the clients connected to it find it again by themselves.
 */
public final class RestartableRedis implements AutoCloseable {

  private final Path dir;
  private final int port;
  private PrivateRedis server;

  private RestartableRedis(Path dir, PrivateRedis server) {
    this.dir = dir;
    this.server = server;
    this.port = Integer.parseInt(server.url().replaceAll(".*:", ""));
  }

  /** Starts a server on a free loopback port with its data in {@code dir}. */
  public static RestartableRedis start(Path dir) throws IOException {
    return new RestartableRedis(dir, PrivateRedis.start(dir));
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Stops the server (gracefully: it flushes its append-only file). */
  public synchronized void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** Starts the server again where it was; returns once it accepts connections. */
  public synchronized void restart() throws IOException {
    stop();
    server = PrivateRedis.start(dir, port);
  }

  @Override
  public void close() {
    stop();
  }
}
