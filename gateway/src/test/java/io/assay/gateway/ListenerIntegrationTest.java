package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.config.ConfigException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The public listener: request ids on every answer, and who may read {@code /metrics}. */
class ListenerIntegrationTest {

  private static final int MAX_CONNECTIONS = 6;
  private static Gateway gateway;
  private static String root;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    Path dir = TestDevnets.tempDir("assay-listener");
    GatewayConfig config = ConfigFiles.load(null, Map.of("ASSAY_GATEWAY_METRICS_TOKEN", "s3cret",
            "ASSAY_GATEWAY_BODY_TIMEOUT", "1s", "ASSAY_GATEWAY_HEADER_TIMEOUT", "1s",
            "ASSAY_GATEWAY_MAX_CONNECTIONS_PER_CLIENT",
            Integer.toString(MAX_CONNECTIONS)))
        .withPort(0).withDataDir(dir);
    gateway = Gateway.builder(config).miners(List.of()).start();
    root = gateway.baseUrl().replace("/v1", "");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void metrics_needTheConfiguredToken() throws Exception {
    assertThat(get("/metrics", null).statusCode()).isEqualTo(403);
    assertThat(get("/metrics", "Bearer wrong").statusCode()).isEqualTo(403);
    HttpResponse<String> allowed = get("/metrics", "Bearer s3cret");
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.body()).contains("assay_");
  }

  @Test
  void everyAnswer_namesItsRequest_andAClientsOwnIdIsKept() throws Exception {
    HttpResponse<String> plain = get("/health/live", null);
    assertThat(plain.headers().firstValue("X-Request-Id")).get().asString()
        .matches("req_[0-9a-f]{24}");
    HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(root + "/nowhere"))
        .header("X-Request-Id", "trace-42").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("X-Request-Id")).hasValue("trace-42");
    HttpResponse<String> odd = http.send(HttpRequest.newBuilder(URI.create(root + "/health/live"))
        .header("X-Request-Id", "x".repeat(500)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(odd.headers().firstValue("X-Request-Id")).get().asString().startsWith("req_");
  }

  @Test
  void aTooShortIdleTimeout_isRefusedByName() {
    Executable load = () -> ConfigFiles.load(null, Map.of("ASSAY_GATEWAY_IDLE_TIMEOUT", "0s"));
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        load);
    assertThat(e.getMessage()).contains("gateway.idle_timeout");
  }

  @Test
  void aBodyThatTrickles_gets408_andItsConnectionCloses() throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: g\r\n"
          + "Authorization: Bearer nobody\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{\"model\":").getBytes(StandardCharsets.US_ASCII));
      // body_timeout is 1 s here; the socket's own timeout (10 s) bounds a miss.
      String answer = new String(socket.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 408").contains("request_timeout");
    }
  }

  @Test
  void headersThatTrickle_haveTheConnectionClosed_afterTheHeaderTimeout() throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: g\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      // A header line every 100 ms: the idle timeout never fires; header_timeout (1 s) must.
      int sent = 0;
      try {
        while (sent < 80 && socket.getInputStream().available() == 0) {
          socket.getOutputStream().write(("X-Slow-" + sent++ + ": 1\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          Thread.sleep(100); // the client being slow is the scenario, not synchronisation
        }
      } catch (java.net.SocketException closed) {
        // the gateway closed it while we were writing
      }
      assertThat(socket.getInputStream().read()).as("connection closed, no answer")
          .isEqualTo(-1);
      assertThat(sent).as("closed long before the client's 8 s of headers").isLessThan(60);
    }
  }

  @Test
  void aClientOverItsConnections_hasTheExtraOnesClosed_andCanConnectAgainAfter()
      throws Exception {
    List<Socket> sockets = new ArrayList<>();
    int served = 0;
    int refused = 0;
    try {
      for (int i = 0; i < MAX_CONNECTIONS + 2; i++) {
        Socket socket = connect();
        sockets.add(socket);
        socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: g\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        byte[] head = new byte[12];
        int n;
        try {
          n = socket.getInputStream().readNBytes(head, 0, head.length);
        } catch (java.io.IOException reset) {
          n = 0;
        }
        if (n == head.length && new String(head, StandardCharsets.US_ASCII).endsWith("200")) {
          served++;
        } else {
          refused++;
        }
      }
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
    assertThat(served).isLessThanOrEqualTo(MAX_CONNECTIONS);
    assertThat(refused).isGreaterThanOrEqualTo(2);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(
        () -> assertThat(get("/health/live", null).statusCode()).isEqualTo(200));
  }

  private static Socket connect() throws Exception {
    URI uri = URI.create(root);
    Socket socket = new Socket(uri.getHost(), uri.getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
