package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.assay.gateway.devnet.Devnet;
import io.assay.task.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java client against a devnet: if it cannot talk to the gateway, the gateway
 * is wrong. Errors the client cannot produce (no key, broken JSON) are sent with a plain client.
 */
class OpenAiConformanceIntegrationTest {

  private static Devnet devnet;
  private static OpenAIClient client;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    devnet = TestDevnets.shared();
    client = TestDevnets.openAiClient(devnet);
  }

  @Test
  void listModels_includesTheEmbeddingsModel() {
    List<Model> models = client.models().list().data();
    assertThat(models).extracting(Model::id).contains("all-MiniLM-L6-v2");
    assertThat(models).allSatisfy(m -> assertThat(m.ownedBy()).isEqualTo("assay"));
  }

  @Test
  void retrieveModel_returnsIt() {
    Model model = client.models().retrieve("all-MiniLM-L6-v2");
    assertThat(model.id()).isEqualTo("all-MiniLM-L6-v2");
  }

  @Test
  void retrieveUnknownModel_returns404() {
    assertThatThrownBy(() -> client.models().retrieve("no-such-model"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void embeddingsAsFloats_have384DimensionsAndUsage() {
    CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("all-MiniLM-L6-v2")
        .input("The quick brown fox jumps over the lazy dog")
        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
        .build());
    assertThat(response.data()).hasSize(1);
    assertThat(response.data().get(0).embedding()).hasSize(384);
    assertThat(response.model()).isEqualTo("all-MiniLM-L6-v2");
    assertThat(response.usage().promptTokens()).isBetween(8L, 12L);
    assertThat(response.usage().totalTokens()).isEqualTo(response.usage().promptTokens());
  }

  @Test
  void embeddingsAsBase64_decodeToTheSameVectorsAsFloats() {
    EmbeddingCreateParams.Builder params = EmbeddingCreateParams.builder()
        .model("all-MiniLM-L6-v2")
        .input(EmbeddingCreateParams.Input.ofArrayOfStrings(
            List.of("first sentence", "a second, longer sentence about embeddings")));
    CreateEmbeddingResponse floats = client.embeddings().create(
        params.encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
    CreateEmbeddingResponse base64 = client.embeddings().create(
        params.encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
    assertThat(base64.data()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(base64.data().get(i).index()).isEqualTo(i);
      assertThat(base64.data().get(i).embedding()).isEqualTo(floats.data().get(i).embedding());
    }
  }

  @Test
  void embeddingsWithUnknownModel_returns404() {
    assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder()
        .model("text-embedding-3-small").input("hi").build()))
        .isInstanceOfSatisfying(NotFoundException.class, e -> {
          assertThat(e.code()).contains("model_not_found");
          assertThat(e.param()).contains("model");
        });
  }

  @Test
  void embeddingsWithDimensionsTheModelCannotHonour_returns400() {
    assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder()
        .model("all-MiniLM-L6-v2").input("hi").dimensions(128).build()))
        .isInstanceOfSatisfying(BadRequestException.class,
            e -> assertThat(e.param()).contains("dimensions"));
  }

  @Test
  void embeddingsWithEmptyInput_returns400NamingInput() {
    assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder()
        .model("all-MiniLM-L6-v2").input("").build()))
        .isInstanceOfSatisfying(BadRequestException.class,
            e -> assertThat(e.param()).contains("input"));
  }

  @Test
  void wrongKey_returns401() {
    OpenAIClient wrong = OpenAIOkHttpClient.builder()
        .baseUrl(devnet.info().baseUrl()).apiKey("sk-assay-not-a-key").maxRetries(0).build();
    assertThatThrownBy(() -> wrong.models().list())
        .isInstanceOfSatisfying(UnauthorizedException.class,
            e -> assertThat(e.code()).contains("invalid_api_key"));
  }

  @Test
  void missingKey_returns401InOpenAiShape() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create(devnet.info().baseUrl() + "/models")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
    assertOpenAiErrorShape(response.body());
  }

  @Test
  void malformedBody_returns400InOpenAiShape() throws Exception {
    HttpResponse<String> response = post("/embeddings", "{\"model\": \"all-MiniLM-L6-v2\", ");
    assertThat(response.statusCode()).isEqualTo(400);
    assertOpenAiErrorShape(response.body());
  }

  @Test
  void oversizedBody_returns413InOpenAiShape() throws Exception {
    String huge = "{\"model\":\"all-MiniLM-L6-v2\",\"input\":\"" + "a".repeat(3 * 1024 * 1024)
        + "\"}";
    HttpResponse<String> response = post("/embeddings", huge);
    assertThat(response.statusCode()).isEqualTo(413);
    assertOpenAiErrorShape(response.body());
  }

  @Test
  void oversizedBodyThroughTheOfficialClient_isRefusedWith413() {
    assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder()
        .model("all-MiniLM-L6-v2").input("word ".repeat(600_000)).build()))
        .isInstanceOfSatisfying(OpenAIServiceException.class,
            e -> assertThat(e.statusCode()).isEqualTo(413));
  }

  @Test
  void unknownPath_returns404InOpenAiShape() throws Exception {
    HttpResponse<String> response = post("/nothing-here", "{}");
    assertThat(response.statusCode()).isEqualTo(404);
    assertOpenAiErrorShape(response.body());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(devnet.info().baseUrl() + path))
        .header("Authorization", "Bearer " + devnet.info().apiKey())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void assertOpenAiErrorShape(String body) throws Exception {
    JsonNode error = Json.MAPPER.readTree(body).get("error");
    assertThat(error).isNotNull();
    assertThat(error.get("message").isTextual()).isTrue();
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(error.get("type").isTextual()).isTrue();
    assertThat(error.has("param")).isTrue();
    assertThat(error.get("code").isTextual() || error.get("code").isNull()).isTrue();
  }
}
