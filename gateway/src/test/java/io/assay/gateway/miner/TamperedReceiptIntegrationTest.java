package io.assay.gateway.miner;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.miner.Miner;
import io.assay.miner.MinerConfig;
import io.assay.miner.MinerFactory;
import io.assay.miner.Workers;
import io.assay.protocol.Identity;
import io.assay.protocol.SessionInitiator;
import io.assay.task.TaskKinds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An answer altered on its way from the miner (here by a proxy in between) no longer matches its
 * receipt, and the gateway's miner client refuses it.
 */
class TamperedReceiptIntegrationTest {

  private static final byte[] REQUEST =
      "{\"model\":\"all-MiniLM-L6-v2\",\"input\":[\"receipts bind answers\"],\"encoding_format\":\"float\"}"
          .getBytes(StandardCharsets.UTF_8);

  private static Vertx vertx;
  private static ExecutorService workers;
  private static Miner miner;
  private static HttpServer tamperingProxy;
  private static HttpClient http;
  private static final Identity validator = Identity.generate();

  @BeforeAll
  static void start() throws Exception {
    workers = Workers.inference();
    miner = new MinerFactory(TaskKinds.discover(), workers).create(new MinerConfig("honest",
        Files.createTempDirectory("assay-receipt").resolve("miner.key"), "127.0.0.1", 0,
        Duration.ofHours(1), List.of(validator.hotkey()), false,
        List.of(new MinerConfig.TaskConfig("embeddings", "all-MiniLM-L6-v2", 1_000_000, 4,
            null))));
    miner.start().toCompletableFuture().join();
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
    tamperingProxy = vertx.createHttpServer().requestHandler(in -> in.body().compose(body ->
            http.request(new RequestOptions().setMethod(in.method())
                    .setAbsoluteURI("http://127.0.0.1:" + miner.port() + in.uri())
                    .setHeaders(in.headers()))
                .compose(out -> out.send(body))
                .compose(resp -> resp.body().map(b -> {
                  String text = b.toString(StandardCharsets.UTF_8);
                  if (in.path().equals("/v1/embeddings")) {
                    text = text.replaceFirst("\\[(-?)0\\.", "[$10.1");
                  }
                  in.response().setStatusCode(resp.statusCode()).headers().addAll(resp.headers());
                  in.response().headers().remove("Content-Length");
                  return in.response().end(Buffer.buffer(text));
                })))
        .onFailure(e -> in.response().setStatusCode(502).end()))
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    miner.close();
    workers.shutdownNow();
  }

  @Test
  void untamperedAnswer_isAccepted() throws Exception {
    MinerReply reply = call("http://127.0.0.1:" + miner.port());
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.receipt()).isNotBlank();
  }

  @Test
  void tamperedAnswer_isDetectedByItsReceipt() {
    Throwable failure =
        awaitFailure(onVertx(client("http://127.0.0.1:" + tamperingProxy.actualPort())));
    assertThat(failure).isInstanceOfSatisfying(MinerCallException.class,
        e -> assertThat(e.outcome()).isEqualTo(MinerCallException.Outcome.BAD_RECEIPT));
  }

  private static Throwable awaitFailure(Future<MinerReply> reply) {
    try {
      reply.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return e instanceof MinerCallException || e.getCause() == null ? e : e.getCause();
    }
    throw new AssertionError("a tampered answer was accepted");
  }

  private static MinerReply call(String url) throws Exception {
    return onVertx(client(url)).await(30, TimeUnit.SECONDS);
  }

  private static MinerClient client(String url) {
    return new MinerClient("honest", url, miner.hotkey(),
        new SessionInitiator(validator, Clock.systemUTC()), http, Duration.ofSeconds(20),
        Clock.systemUTC());
  }

  private static Future<MinerReply> onVertx(MinerClient client) {
    io.vertx.core.Promise<MinerReply> promise = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> client.call(HttpMethod.POST, "/v1/embeddings", REQUEST)
        .onComplete(promise));
    return promise.future();
  }
}
