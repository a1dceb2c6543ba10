package io.assay.task.llm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP/1.1 server on loopback that answers every POST with a scripted event stream, for what
 * WireMock cannot do: write an answer in pieces at exact byte boundaries (each piece its own HTTP
 * chunk, which the JDK client hands over as its own buffer), wait for the client between pieces,
 * stall, drop the connection mid-body, and notice when the client has gone away.
 *
 * <p>Serves one connection at a time on its own thread; {@link #script} may be replaced between
 * requests.
 */
final class SseTestServer implements AutoCloseable {

  /** What to send after the response headers. */
  interface Script {
    void play(Response response) throws Exception;
  }

  /** The body being written; ends cleanly after the script unless it was {@link #cut}. */
  static final class Response {
    private final OutputStream out;
    private boolean cut;

    private Response(OutputStream out) {
      this.out = out;
    }

    /** Writes one HTTP chunk and flushes it. */
    void piece(byte[] bytes) throws IOException {
      if (bytes.length == 0) {
        return;
      }
      out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    void piece(String text) throws IOException {
      piece(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Ends the connection without the last chunk, as a crashed server or a broken link does. */
    void cut() {
      cut = true;
    }

    /**
     * Keeps writing keep-alive comments until a write fails because the client has closed the
     * connection; returns whether it did within {@code maxWrites}.
     */
    boolean writeUntilClientGone(int maxWrites) {
      byte[] comment = (": " + "x".repeat(1000) + "\n").getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < maxWrites; i++) {
        try {
          piece(comment);
          Thread.sleep(1); // gives the RST from a closed peer time to arrive
        } catch (IOException gone) {
          cut = true;
          return true;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return false;
    }
  }

  private final ServerSocket socket;
  private final Thread thread;
  private final AtomicReference<Script> script;
  private final AtomicReference<String> lastRequestBody = new AtomicReference<>();
  private final AtomicReference<Throwable> scriptFailure = new AtomicReference<>();
  private volatile boolean closed;

  SseTestServer(Script script) throws IOException {
    this.script = new AtomicReference<>(script);
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.thread = new Thread(this::serve, "sse-test-server");
    thread.setDaemon(true);
    thread.start();
  }

  /** The OpenAI-compatible root, {@code http://127.0.0.1:port/v1}. */
  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1");
  }

  void script(Script next) {
    script.set(next);
  }

  String lastRequestBody() {
    return lastRequestBody.get();
  }

  /** A failure inside a script (an assertion there would otherwise go unseen), or null. */
  Throwable scriptFailure() {
    return scriptFailure.get();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    socket.close();
  }

  private void serve() {
    while (!closed) {
      try (Socket s = socket.accept()) {
        s.setTcpNoDelay(true);
        lastRequestBody.set(readRequest(s.getInputStream()));
        OutputStream out = s.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Response response = new Response(out);
        try {
          script.get().play(response);
        } catch (Exception | AssertionError e) {
          scriptFailure.compareAndSet(null, e);
          response.cut();
        }
        if (!response.cut) {
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  /** Reads the request head and a Content-Length body; returns the body. */
  private static String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("request ended early");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    int length = 0;
    for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
