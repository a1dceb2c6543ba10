package io.assay.gateway;

import static io.assay.gateway.GatewayHttp.json;
import static io.assay.gateway.GatewayHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.images.Image;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImageModel;
import com.openai.models.images.ImagesResponse;
import io.assay.gateway.devnet.Devnet;
import io.assay.task.Checker;
import io.assay.task.Checker.CheckResult;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.image.ImageAnswer;
import io.assay.task.image.ImageKind;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/images/generations} through a devnet, with the official OpenAI client: both
 * response formats, n > 1, determinism across miners, and OpenAI-shaped 400s.
 */
class ImagesIntegrationTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Devnet devnet;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    devnet = TestDevnets.shared();
    client = TestDevnets.openAiClient(devnet);
  }

  @Test
  void b64Json_decodesToTheRequestedSize() throws IOException {
    ImagesResponse response = client.images().generate(ImageGenerateParams.builder()
        .model(ImageModel.of(ImageKind.REFERENCE_MODEL))
        .prompt("a red lighthouse on a rocky coast at sunset")
        .size(ImageGenerateParams.Size._256X256)
        .responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON)
        .putAdditionalBodyProperty("seed", JsonValue.from(7))
        .build());
    List<Image> data = response.data().orElseThrow();
    assertThat(data).hasSize(1);
    BufferedImage image = decode(Base64.getDecoder().decode(data.get(0).b64Json().orElseThrow()));
    assertThat(image.getWidth()).isEqualTo(256);
    assertThat(image.getHeight()).isEqualTo(256);
    assertThat(response.created()).isPositive();
  }

  @Test
  void url_servesEachImageFromTheGateway_withoutAKey_underUnguessableIds() throws Exception {
    ImagesResponse response = client.images().generate(ImageGenerateParams.builder()
        .model(ImageModel.of(ImageKind.REFERENCE_MODEL))
        .prompt("green forest with a river, watercolour")
        .n(2)
        .size(ImageGenerateParams.Size.of("512x768"))
        .responseFormat(ImageGenerateParams.ResponseFormat.URL)
        .putAdditionalBodyProperty("steps", JsonValue.from(4))
        .build());
    List<Image> data = response.data().orElseThrow();
    assertThat(data).hasSize(2);
    for (Image image : data) {
      String url = image.url().orElseThrow();
      assertThat(url).startsWith("http://127.0.0.1:" + devnet.gateway().port() + "/files/");
      assertThat(url.substring(url.lastIndexOf('/') + 1)).hasSizeGreaterThanOrEqualTo(22);
      HttpResponse<byte[]> file = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(file.statusCode()).isEqualTo(200);
      assertThat(file.headers().firstValue("Content-Type")).hasValue("image/png");
      BufferedImage decoded = decode(file.body());
      assertThat(decoded.getWidth()).isEqualTo(512);
      assertThat(decoded.getHeight()).isEqualTo(768);
    }
    assertThat(data.get(0).url()).isNotEqualTo(data.get(1).url());

    String unknown = "http://127.0.0.1:" + devnet.gateway().port() + "/files/AAAAAAAAAAAAAAAAAAAAAA.png";
    HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(URI.create(unknown)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("\"error\"");
  }

  @Test
  void nPictures_areDrawnByDifferentMiners_withConsecutiveSeeds() {
    // A devnet of its own: no other test's traffic holds its miners' capacity.
    try (Devnet own = TestDevnets.start(TestDevnets.tempDir("assay-images"), 3)) {
      String body = "{\"model\":\"reference-image\",\"prompt\":\"three paper boats\","
          + "\"size\":\"256x256\",\"steps\":2,";
      HttpResponse<String> response = post(own, "/images/generations",
          body + "\"n\":3,\"seed\":100}");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      List<String> miners = List.of(response.headers().firstValue("X-Assay-Miner")
          .orElseThrow().split(","));
      assertThat(miners).hasSize(3).doesNotHaveDuplicates();
      // Picture i is the one seed 100 + i gives alone.
      byte[] third = png(post(own, "/images/generations", body + "\"seed\":102}"));
      assertThat(Base64.getDecoder().decode(json(response).path("data").path(2)
          .path("b64_json").asText())).isEqualTo(third);
    }
  }

  @Test
  void samePromptAndSeed_giveIdenticalBytesThroughEveryMiner_anotherSeedFailsTheChecker() {
    String body = "{\"model\":\"reference-image\",\"prompt\":\"a blue whale under a starry sky\","
        + "\"size\":\"256x256\",\"steps\":6,\"seed\":%d}";
    Map<String, byte[]> byMiner = new HashMap<>();
    // Until routing has drawn every miner: one backing off after an earlier test's failure is
    // left out of the draw for a while (routing.failure_cooldown), so count time, not requests.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
        .pollInterval(java.time.Duration.ZERO).until(() -> {
          HttpResponse<String> response = post(devnet, "/images/generations",
              body.formatted(42));
          assertThat(response.statusCode()).isEqualTo(200);
          byte[] png = png(response);
          byMiner.merge(response.headers().firstValue("X-Assay-Miner").orElseThrow(), png,
              (old, now) -> {
                assertThat(now).isEqualTo(old);
                return old;
              });
          return byMiner.size() == devnet.miners().size();
        });
    byte[] first = byMiner.values().iterator().next();
    byMiner.values().forEach(png -> assertThat(png).isEqualTo(first));

    // The checker, told the request had seed 42, sees seed 43's image as another picture.
    byte[] other = png(post(devnet, "/images/generations", body.formatted(43)));
    assertThat(other).isNotEqualTo(first);
    ImageKind kind = new ImageKind();
    TaskRequest request = kind.parseRequest("/v1/images/generations",
        body.formatted(42).getBytes(StandardCharsets.UTF_8));
    try (Checker checker = kind.referenceChecker(
        new TaskSpec("image", ImageKind.REFERENCE_MODEL, 1, 1)).orElseThrow()) {
      CheckResult honest = checker.check(List.of(new Checker.CheckItem(request, answer(first))))
          .get(0);
      CheckResult cheat = checker.check(List.of(new Checker.CheckItem(request, answer(other))))
          .get(0);
      assertThat(honest.quality()).isEqualTo(1.0);
      assertThat(cheat.quality()).isZero();
      assertThat(cheat.reason()).isNotBlank();
    }
  }

  @Test
  void badSizeStepsOrN_get400InOpenAisShape() {
    assertRejected("{\"model\":\"reference-image\",\"prompt\":\"x\",\"size\":\"300x300\"}", "size");
    assertRejected("{\"model\":\"reference-image\",\"prompt\":\"x\",\"steps\":500}", "steps");
    assertRejected("{\"model\":\"reference-image\",\"prompt\":\"x\",\"n\":0}", "n");
    assertRejected("{\"model\":\"reference-image\",\"prompt\":\"x\",\"n\":11}", "n");
    assertRejected("{\"model\":\"reference-image\"}", "prompt");

    assertThatThrownBy(() -> client.images().generate(ImageGenerateParams.builder()
        .model(ImageModel.of(ImageKind.REFERENCE_MODEL))
        .prompt("a cat")
        .size(ImageGenerateParams.Size._1792X1024)
        .build()))
        .isInstanceOfSatisfying(BadRequestException.class,
            e -> assertThat(e.param()).contains("size"));
  }

  private static void assertRejected(String body, String param) {
    HttpResponse<String> response = post(devnet, "/images/generations", body);
    assertThat(response.statusCode()).as(body).isEqualTo(400);
    JsonNode error = json(response).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("param").asText()).isEqualTo(param);
    assertThat(error.path("message").asText()).isNotBlank();
  }

  private static byte[] png(HttpResponse<String> response) {
    return Base64.getDecoder().decode(json(response).path("data").path(0).path("b64_json")
        .asText());
  }

  private static ImageAnswer answer(byte[] png) {
    return new ImageAnswer(1, List.of(new ImageAnswer.Image(png, null)));
  }

  private static BufferedImage decode(byte[] png) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image).isNotNull();
    return image;
  }
}
