package io.assay.task.embeddings;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.assay.task.embeddings.Fixtures.SPEC;
import static io.assay.task.embeddings.Fixtures.vector;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.assay.task.Backend;
import io.assay.task.InvalidAnswerException;
import io.assay.task.UpstreamConfig;
import io.assay.task.upstream.OpenAiHttp;
import io.assay.task.upstream.UpstreamException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WireMock stands in for a vLLM / TEI style OpenAI-compatible embeddings server. */
class UpstreamBackendTest {

  private static final String UPSTREAM_MODEL = "sentence-transformers/all-MiniLM-L6-v2";
  private static final EmbeddingsRequest REQUEST = new EmbeddingsRequest(EmbeddingsRequest.PATH,
      MiniLmEngine.MODEL_ID, List.of("hello world", "second input"), "base64", 384, "user-7");

  private WireMockServer server;

  @BeforeEach
  void start() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void upstream_receivesTheCanonicalBodyAndBearer_andItsVectorsComeBack() {
    float[] a = vector(1, 384);
    float[] b = vector(2, 384);
    byte[] reply = WireFormat.embeddingList(UPSTREAM_MODEL, List.of(a, b), false, 3);
    server.stubFor(post(urlEqualTo("/v1/embeddings"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody(reply)));

    EmbeddingsAnswer answer = (EmbeddingsAnswer) join(backend("sk-upstream", Duration.ofSeconds(5))
        .serve(REQUEST));

    assertThat(answer.vectors()).containsExactly(a, b);
    assertThat(answer.promptTokens()).isEqualTo(4);
    server.verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
        .withHeader("Authorization", equalTo("Bearer sk-upstream"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("{\"model\":\"" + UPSTREAM_MODEL + "\","
            + "\"input\":[\"hello world\",\"second input\"],\"encoding_format\":\"float\"}")));
  }

  @Test
  void upstreamWithoutKey_getsNoAuthorizationHeader_andMayAnswerInBase64() {
    float[] a = vector(3, 384);
    float[] b = vector(4, 384);
    server.stubFor(post(urlEqualTo("/v1/embeddings"))
        .willReturn(aResponse().withStatus(200)
            .withBody(WireFormat.embeddingList(null, List.of(a, b), true, 0))));

    EmbeddingsAnswer answer = (EmbeddingsAnswer) join(backend(null, Duration.ofSeconds(5))
        .serve(REQUEST));

    assertThat(answer.vectors()).containsExactly(a, b);
    server.verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
        .withHeader("Authorization", absent()));
  }

  @Test
  void serverError_surfacesAsUpstreamExceptionWithStatusAndMessage() {
    server.stubFor(post(urlEqualTo("/v1/embeddings")).willReturn(aResponse().withStatus(500)
        .withBody("{\"error\":{\"message\":\"CUDA out of memory\",\"type\":\"server_error\"}}")));

    Throwable failure = failure(backend("k", Duration.ofSeconds(5)).serve(REQUEST));

    assertThat(failure).isInstanceOfSatisfying(UpstreamException.class, e -> {
      assertThat(e.status()).isEqualTo(500);
      assertThat(e.timedOut()).isFalse();
      assertThat(e.serverMessage()).isEqualTo("CUDA out of memory");
      assertThat(e.getMessage()).contains("HTTP 500", "CUDA out of memory",
          "/v1/embeddings");
    });
  }

  @Test
  void teiStyleError_isReadFromItsStringErrorField() {
    server.stubFor(post(urlEqualTo("/v1/embeddings")).willReturn(aResponse().withStatus(413)
        .withBody("{\"error\":\"Input validation error: inputs must have less than 512 tokens\","
            + "\"error_type\":\"Validation\"}")));

    Throwable failure = failure(backend(null, Duration.ofSeconds(5)).serve(REQUEST));

    assertThat(failure).isInstanceOfSatisfying(UpstreamException.class, e -> {
      assertThat(e.status()).isEqualTo(413);
      assertThat(e.serverMessage()).startsWith("Input validation error");
    });
  }

  @Test
  void slowUpstream_surfacesAsTimedOutUpstreamException() {
    server.stubFor(post(urlEqualTo("/v1/embeddings"))
        .willReturn(aResponse().withStatus(200).withFixedDelay(3_000).withBody("{}")));

    long start = System.nanoTime();
    Throwable failure = failure(backend(null, Duration.ofMillis(300)).serve(REQUEST));

    assertThat(failure).isInstanceOfSatisfying(UpstreamException.class, e -> {
      assertThat(e.timedOut()).isTrue();
      assertThat(e.status()).isEqualTo(UpstreamException.NO_RESPONSE);
      assertThat(e.getMessage()).contains("did not answer within 300 ms");
    });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
  }

  @Test
  void unreachableUpstream_surfacesAsUpstreamException() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    UpstreamConfig config = new UpstreamConfig(URI.create("http://127.0.0.1:" + closedPort + "/v1"),
        UPSTREAM_MODEL, null, Duration.ofSeconds(2));

    Throwable failure = failure(Fixtures.KIND.upstreamBackend(SPEC, config).serve(REQUEST));

    assertThat(failure).isInstanceOfSatisfying(UpstreamException.class, e -> {
      assertThat(e.status()).isEqualTo(UpstreamException.NO_RESPONSE);
      assertThat(e.getMessage()).contains("could not connect");
    });
  }

  @Test
  void upstreamAnswerThatDoesNotFit_isAnInvalidAnswer() {
    server.stubFor(post(urlEqualTo("/v1/embeddings")).willReturn(aResponse().withStatus(200)
        .withBody(WireFormat.embeddingList(null, List.of(vector(1, 768)), false, 0))));

    Throwable failure = failure(backend(null, Duration.ofSeconds(5)).serve(REQUEST));

    assertThat(failure).isInstanceOf(InvalidAnswerException.class)
        .hasMessageContaining("upstream")
        .hasMessageContaining("more than 384 dimensions");
  }

  @Test
  void oversizedReply_isCutOffAsUpstreamException() {
    server.stubFor(post(urlEqualTo("/v1/embeddings")).willReturn(aResponse().withStatus(200)
        .withBody("{\"data\":[" + "0,".repeat(5_000) + "0]}")));
    OpenAiHttp http = OpenAiHttp.create(config(null, Duration.ofSeconds(5)), 1_000);

    Throwable failure = failure(http.postJson("/embeddings", new byte[] {'{', '}'}));

    assertThat(failure).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("larger than 1000 bytes");
  }

  private Backend backend(String apiKey, Duration timeout) {
    return Fixtures.KIND.upstreamBackend(SPEC, config(apiKey, timeout));
  }

  private UpstreamConfig config(String apiKey, Duration timeout) {
    return new UpstreamConfig(URI.create("http://127.0.0.1:" + server.port() + "/v1"),
        UPSTREAM_MODEL, apiKey, timeout);
  }

  private static Object join(CompletionStage<?> stage) {
    return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  private static Throwable failure(CompletionStage<?> stage) {
    try {
      join(stage);
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("the call succeeded");
  }
}
