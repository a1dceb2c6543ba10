package io.assay.miner;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.protocol.Handshake;
import io.assay.protocol.Identity;
import io.assay.protocol.Session;
import io.assay.protocol.SessionAccept;
import io.assay.protocol.SessionInitiator;
import io.assay.task.Json;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Speaks to a started miner over HTTP as a validator would: one session, signed requests. */
final class ValidatorClient {

  // HTTP/1.1, as validators speak to miners: the JDK client would otherwise try an h2c upgrade
  // and keep an HTTP/2 connection that a restarted miner on a reused port answers with GOAWAY.
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();
  private final Miner miner;
  private final Session session;

  /** Opens a session with {@code miner} as {@code validator}. */
  ValidatorClient(Identity validator, Miner miner) throws Exception {
    this.miner = miner;
    Handshake handshake = new SessionInitiator(validator, Clock.systemUTC()).start(miner.hotkey());
    HttpResponse<byte[]> accepted = send("POST", "/session",
        Json.MAPPER.writeValueAsBytes(handshake.hello()), Map.of());
    assertThat(accepted.statusCode()).isEqualTo(200);
    this.session = handshake.complete(Json.MAPPER.readValue(accepted.body(), SessionAccept.class));
  }

  /** Sends a request signed with the session. */
  HttpResponse<byte[]> signed(String method, String path, byte[] body) throws Exception {
    return send(method, path, body, session.sign(method, path, body).headers());
  }

  /** Sends a request signed with the session, without waiting for the answer. */
  CompletableFuture<HttpResponse<byte[]>> signedAsync(String method, String path, byte[] body) {
    return http.sendAsync(request(method, path, body, session.sign(method, path, body).headers()),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Sends a request signed with the session and reads the answer as it comes. */
  HttpResponse<InputStream> signedStream(String method, String path, byte[] body)
      throws Exception {
    return http.send(request(method, path, body, session.sign(method, path, body).headers()),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  private HttpResponse<byte[]> send(String method, String path, byte[] body,
      Map<String, String> headers) throws Exception {
    return http.send(request(method, path, body, headers), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpRequest request(String method, String path, byte[] body,
      Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + miner.port() + path))
        .method(method, body.length == 0 && method.equals("GET")
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return request.build();
  }
}
