package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.images.Image;
import com.openai.models.images.ImageEditParams;
import com.openai.models.images.ImagesResponse;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.devnet.Devnet;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.audit.EventStream;
import io.assay.task.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/images/edits} through a devnet with the official OpenAI client: both response
 * formats, with and without a mask (unmasked pixels come back exactly as sent), several pictures
 * in one form, OpenAI-shaped 400s, and an edit's answer checked like a generation's.
 */
class ImageEditsIntegrationTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** The mask's transparent rectangle: x in [40, 120), y in [100, 180). */
  private static final int X0 = 40;
  private static final int Y0 = 100;
  private static final int X1 = 120;
  private static final int Y1 = 180;

  private static Devnet devnet;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    devnet = TestDevnets.shared();
    client = TestDevnets.openAiClient(devnet);
  }

  @Test
  void b64Json_withAMask_changesOnlyTheMaskedPixels() throws IOException {
    byte[] picture = picture();
    ImagesResponse response = client.images().edit(ImageEditParams.builder()
        .model("reference-image")
        .image(picture)
        .mask(mask())
        .prompt("a lighthouse at night")
        .responseFormat(ImageEditParams.ResponseFormat.B64_JSON)
        .putAdditionalBodyProperty("steps", JsonValue.from(6))
        .putAdditionalBodyProperty("seed", JsonValue.from(3))
        .build());
    List<Image> data = response.data().orElseThrow();
    assertThat(data).hasSize(1);
    BufferedImage out = decode(Base64.getDecoder().decode(data.get(0).b64Json().orElseThrow()));
    BufferedImage in = decode(picture);
    assertThat(out.getWidth()).isEqualTo(256);
    int changedInside = 0;
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) {
        boolean inside = x >= X0 && x < X1 && y >= Y0 && y < Y1;
        int before = in.getRGB(x, y) & 0xffffff;
        int after = out.getRGB(x, y) & 0xffffff;
        if (inside) {
          changedInside += before == after ? 0 : 1;
        } else {
          assertThat(after).as("pixel (%d, %d) outside the mask", x, y).isEqualTo(before);
        }
      }
    }
    assertThat(changedInside).isGreaterThan((X1 - X0) * (Y1 - Y0) / 2);
  }

  @Test
  void url_withoutAMask_nPictures_eachServedByTheGateway() throws Exception {
    ImagesResponse response = client.images().edit(ImageEditParams.builder()
        .model("reference-image")
        .image(picture())
        .prompt("the same scene in winter")
        .n(2)
        .responseFormat(ImageEditParams.ResponseFormat.URL)
        .putAdditionalBodyProperty("strength", JsonValue.from(0.4))
        .putAdditionalBodyProperty("steps", JsonValue.from(5))
        .build());
    List<Image> data = response.data().orElseThrow();
    assertThat(data).hasSize(2);
    for (Image image : data) {
      HttpResponse<byte[]> file = HTTP.send(HttpRequest.newBuilder(
          URI.create(image.url().orElseThrow())).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(file.statusCode()).isEqualTo(200);
      assertThat(file.headers().firstValue("Content-Type")).hasValue("image/png");
      assertThat(decode(file.body()).getHeight()).isEqualTo(256);
    }
    assertThat(data.get(0).url()).isNotEqualTo(data.get(1).url());
  }

  @Test
  void severalPictures_inOneForm_asImageArrayParts() throws Exception {
    byte[] body = form(List.of(
        part("prompt", null, "a collage".getBytes(StandardCharsets.UTF_8)),
        part("steps", null, "3".getBytes(StandardCharsets.UTF_8)),
        part("image[]", "a.png", picture()),
        part("image[]", "b.png", png(gradient(256, 0x00ff00))))).toByteArray();
    HttpResponse<String> response = send(devnet, body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(response.body()).path("data")).hasSize(1);
  }

  @Test
  void badEdits_get400sInOpenAisShape_namingTheParameter() throws Exception {
    assertThatThrownBy(() -> client.images().edit(ImageEditParams.builder()
        .model("reference-image").image(picture()).mask(picture()).prompt("a cat").build()))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("no transparent pixels");
    assertThatThrownBy(() -> client.images().edit(ImageEditParams.builder()
        .model("reference-image").image(png(gradient(300, 0))).prompt("a cat").build()))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("'image' is 300x300, not one of the sizes");
    HttpResponse<String> json = GatewayHttp.post(devnet, "/images/edits",
        "{\"prompt\":\"a cat\"}");
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(json.body()).contains("multipart/form-data");
    HttpResponse<String> notPng = send(devnet, form(List.of(
        part("prompt", null, "a cat".getBytes(StandardCharsets.UTF_8)),
        part("image", "a.png", "GIF89a...".getBytes(StandardCharsets.UTF_8)))).toByteArray());
    assertThat(notPng.statusCode()).isEqualTo(400);
    JsonNode error = Json.MAPPER.readTree(notPng.body()).path("error");
    assertThat(error.path("param").asText()).isEqualTo("image");
    assertThat(error.path("message").asText()).contains("is not a PNG file");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void anEditsAnswer_isCheckedLikeAGenerations_andPasses() throws Exception {
    // A devnet of its own that checks every organic answer.
    GatewayConfig config = ConfigFiles.load(null, Map.of("ASSAY_CHECKING_ORGANIC_SHARE", "1"))
        .withPort(0);
    try (Devnet own = Devnet.start(config, TestDevnets.tempDir("assay-edits"), 1)) {
      OpenAIClient ownClient = TestDevnets.openAiClient(own);
      ownClient.images().edit(ImageEditParams.builder()
          .model("reference-image").image(picture()).mask(mask()).prompt("a red door")
          .putAdditionalBodyProperty("steps", JsonValue.from(4)).build());
      Gateway gateway = own.gateway();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        List<ScoringEvent> events = gateway.call(() -> gateway.events().readAll(), "read events")
            .stream().map(EventStream.Entry::event).toList();
        assertThat(events).noneMatch(e -> e instanceof ScoringEvent.CheckFailed);
        assertThat(events).filteredOn(e -> e instanceof ScoringEvent.QualityChecked q
                && q.task().equals("image/reference-image"))
            .singleElement()
            .satisfies(e -> assertThat(((ScoringEvent.QualityChecked) e).quality())
                .isEqualTo(1.0));
      });
    }
  }

  private static HttpResponse<String> send(Devnet d, byte[] body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(d.info().baseUrl() + "/images/edits"))
        .header("Authorization", "Bearer " + d.info().apiKey())
        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static final String BOUNDARY = "edits-test-boundary";

  private record Part(String name, String filename, byte[] data) {}

  private static Part part(String name, String filename, byte[] data) {
    return new Part(name, filename, data);
  }

  private static ByteArrayOutputStream form(List<Part> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Part p : parts) {
      out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + p.name()
          + "\"" + (p.filename() == null ? "" : "; filename=\"" + p.filename() + "\"")
          + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.writeBytes(p.data());
      out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out;
  }

  private static byte[] picture() throws IOException {
    return png(gradient(256, 0x0000ff));
  }

  private static BufferedImage gradient(int side, int tint) {
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        image.setRGB(x, y, (x * 255 / side) << 16 | (y * 255 / side) << 8 | tint);
      }
    }
    return image;
  }

  private static byte[] mask() throws IOException {
    BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) {
        boolean inside = x >= X0 && x < X1 && y >= Y0 && y < Y1;
        image.setRGB(x, y, inside ? 0 : 0xff000000);
      }
    }
    return png(image);
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static BufferedImage decode(byte[] png) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(png));
  }
}
