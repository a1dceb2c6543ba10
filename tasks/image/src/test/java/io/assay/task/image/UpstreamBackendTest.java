package io.assay.task.image;

import static com.github.tomakehurst.wiremock.client.WireMock.aMultipart;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.assay.task.Backend;
import io.assay.task.InvalidAnswerException;
import io.assay.task.TaskSpec;
import io.assay.task.UpstreamConfig;
import io.assay.task.upstream.UpstreamException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WireMock stands in for an OpenAI-images-compatible diffusion server. */
class UpstreamBackendTest {

  private static final TaskSpec SDXL = new TaskSpec("image", "sdxl", 1_000_000, 30_000);
  private static final ImageRequest REQUEST = new ImageRequest(ImageRequest.PATH, "sdxl",
      "a red fox in the snow", "blurry", 2, new ImageSize(512, 768), "url", 25, 1234L, 6.5,
      "user-9");
  private static final byte[] A = Fixtures.anyPng(512, 768);
  private static final byte[] B = ReferenceImageEngine.render(
      new ReferenceImageEngine.Params("other", null, 2, 512, 768, 1, 7.5)).png();

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
  void upstream_receivesEveryChoiceExplicitly_andItsPicturesComeBack() {
    server.stubFor(post(urlEqualTo("/v1/images/generations")).willReturn(aResponse()
        .withStatus(200).withHeader("Content-Type", "application/json")
        .withBody(new ImageAnswer(99, java.util.List.of(new ImageAnswer.Image(A, "fox"),
            new ImageAnswer.Image(B, null))).toMinerBody())));

    ImageAnswer answer = (ImageAnswer) join(backend("sk-up", Duration.ofSeconds(5))
        .serve(REQUEST));

    assertThat(answer.created()).isEqualTo(99);
    assertThat(answer.images()).containsExactly(new ImageAnswer.Image(A, "fox"),
        new ImageAnswer.Image(B, null));
    server.verify(postRequestedFor(urlEqualTo("/v1/images/generations"))
        .withHeader("Authorization", equalTo("Bearer sk-up"))
        .withRequestBody(equalToJson("{\"model\":\"stabilityai/sdxl\","
            + "\"prompt\":\"a red fox in the snow\",\"negative_prompt\":\"blurry\",\"n\":2,"
            + "\"size\":\"512x768\",\"response_format\":\"b64_json\",\"steps\":25,"
            + "\"seed\":1234,\"guidance_scale\":6.5}")));
  }

  @Test
  void anEdit_goesToImagesEdits_asMultipartWithTheCanonicalPicturesAndMask_asRawPng() {
    byte[] picture = Fixtures.anyPng(512, 512);
    byte[] answerPng = Fixtures.anyPng(512, 512);
    server.stubFor(post(urlEqualTo("/v1/images/edits")).willReturn(aResponse()
        .withStatus(200).withHeader("Content-Type", "application/json")
        .withBody(new ImageAnswer(7, java.util.List.of(new ImageAnswer.Image(answerPng, null)))
            .toMinerBody())));
    ImageRequest edit = new EditForms().field("model", "sdxl").field("prompt", "a red door")
        .field("strength", "0.45").field("seed", "99").field("steps", "12")
        .file("image", picture).file("mask", EditForms.mask(512, 512, 10, 10, 50, 50)).parse();

    ImageAnswer answer = (ImageAnswer) join(backend("sk-up", Duration.ofSeconds(5))
        .serve(edit));

    assertThat(answer.images()).containsExactly(new ImageAnswer.Image(answerPng, null));
    server.verify(postRequestedFor(urlEqualTo("/v1/images/edits"))
        .withHeader("Authorization", equalTo("Bearer sk-up"))
        .withHeader("Content-Type", containing("multipart/form-data; boundary=assay-"))
        .withRequestBodyPart(field("model", "stabilityai/sdxl"))
        .withRequestBodyPart(field("prompt", "a red door"))
        .withRequestBodyPart(field("size", "512x512"))
        .withRequestBodyPart(field("strength", "0.45"))
        .withRequestBodyPart(field("steps", "12"))
        .withRequestBodyPart(field("seed", "99"))
        .withRequestBodyPart(field("response_format", "b64_json"))
        .withRequestBodyPart(aMultipart().withName("image")
            .withBody(binaryEqualTo(edit.edit().images().get(0).png())).build())
        .withRequestBodyPart(aMultipart().withName("mask")
            .withBody(binaryEqualTo(edit.edit().mask().png())).build()));
    // The body is the canonical form a miner gets too: raw PNG bytes, no base64.
    byte[] sent = server.getAllServeEvents().get(0).getRequest().getBody();
    assertThat(sent).isEqualTo(WireFormat.editRequest("stabilityai/sdxl",
        new ImageTask(SDXL, ImageLimits.UPSTREAM).resolve(edit), 99).body());
  }

  private static com.github.tomakehurst.wiremock.matching.MultipartValuePattern field(
      String name, String value) {
    return aMultipart().withName(name).withBody(equalTo(value)).build();
  }

  @Test
  void errorStatus_surfacesAsUpstreamExceptionWithStatusAndMessage() {
    server.stubFor(post(urlEqualTo("/v1/images/generations")).willReturn(aResponse()
        .withStatus(503).withBody("{\"error\":{\"message\":\"GPU busy\"}}")));

    Throwable failure = failure(backend(null, Duration.ofSeconds(5)).serve(REQUEST));

    assertThat(failure).isInstanceOfSatisfying(UpstreamException.class, e -> {
      assertThat(e.status()).isEqualTo(503);
      assertThat(e.serverMessage()).isEqualTo("GPU busy");
    });
  }

  @Test
  void malformedOrUnfittingBody_isAnInvalidAnswerNamingTheUpstream() {
    server.stubFor(post(urlEqualTo("/v1/images/generations")).willReturn(aResponse()
        .withStatus(200).withBody("{\"data\":[{\"url\":\"https://cdn.example/a.png\"}]}")));
    assertThat(failure(backend(null, Duration.ofSeconds(5)).serve(REQUEST)))
        .isInstanceOf(InvalidAnswerException.class)
        .hasMessageContaining("upstream http://127.0.0.1:")
        .hasMessageContaining("no b64_json picture");

    server.stubFor(post(urlEqualTo("/v1/images/generations")).willReturn(aResponse()
        .withStatus(200).withBody(Fixtures.answer(Fixtures.anyPng(512, 512),
            Fixtures.anyPng(512, 512)).toMinerBody())));
    assertThat(failure(backend(null, Duration.ofSeconds(5)).serve(REQUEST)))
        .isInstanceOf(InvalidAnswerException.class)
        .hasMessageContaining("512x768 was asked for");

    server.stubFor(post(urlEqualTo("/v1/images/generations")).willReturn(aResponse()
        .withStatus(200).withBody("<html>oops</html>")));
    assertThat(failure(backend(null, Duration.ofSeconds(5)).serve(REQUEST)))
        .isInstanceOf(InvalidAnswerException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void slowUpstream_surfacesAsTimedOutUpstreamException() {
    server.stubFor(post(urlEqualTo("/v1/images/generations"))
        .willReturn(aResponse().withStatus(200).withFixedDelay(3_000).withBody("{}")));

    Throwable failure = failure(backend(null, Duration.ofMillis(300)).serve(REQUEST));

    assertThat(failure).isInstanceOfSatisfying(UpstreamException.class, e -> {
      assertThat(e.timedOut()).isTrue();
      assertThat(e.getMessage()).contains("did not answer within 300 ms");
    });
  }

  @Test
  void requestOutsideTheModelsLimits_failsWithoutACall() {
    ImageRequest tooMany = new ImageRequest(ImageRequest.PATH, "sdxl", "a", null, 1,
        new ImageSize(100, 100), "b64_json", null, null, null, null);
    assertThat(failure(backend(null, Duration.ofSeconds(5)).serve(tooMany)))
        .hasMessageContaining("100x100");
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  private Backend backend(String apiKey, Duration timeout) {
    return Fixtures.KIND.upstreamBackend(SDXL, new UpstreamConfig(
        URI.create("http://127.0.0.1:" + server.port() + "/v1"), "stabilityai/sdxl", apiKey,
        timeout));
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
