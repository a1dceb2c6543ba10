package io.assay.task.image;

import static io.assay.task.image.Fixtures.TASK;
import static io.assay.task.image.Fixtures.anyPng;
import static io.assay.task.image.Fixtures.bytes;
import static io.assay.task.image.Fixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.Delivery;
import io.assay.task.FilePublisher;
import io.assay.task.InvalidAnswerException;
import io.assay.task.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class AnswerReadingTest {

  private static final ImageRequest TWO = parse(
      "{\"prompt\":\"a fox\",\"n\":2,\"size\":\"256x256\",\"seed\":1}");
  private static final byte[] PNG_A = anyPng(256, 256);
  private static final byte[] PNG_B = ReferenceImageEngine.render(
      new ReferenceImageEngine.Params("b", null, 2, 256, 256, 1, 7.5)).png();

  @Test
  void minersAnswer_isReadWithItsPicturesAndRevisedPrompt() {
    String body = "{\"created\":1700000000,\"data\":[{\"b64_json\":\"" + b64(PNG_A)
        + "\",\"revised_prompt\":\"a red fox\"},{\"b64_json\":\"" + b64(PNG_B) + "\",\"x\":1}],"
        + "\"usage\":{\"total_tokens\":5}}";
    ImageAnswer answer = TASK.readAnswer(TWO, bytes(body));
    assertThat(answer.created()).isEqualTo(1_700_000_000L);
    assertThat(answer.images()).containsExactly(new ImageAnswer.Image(PNG_A, "a red fox"),
        new ImageAnswer.Image(PNG_B, null));
    assertThat(TASK.units(TWO, answer)).isEqualTo(2 * 1311);
  }

  @Test
  void answersOwnMinerBody_readsBackEqual() {
    ImageAnswer answer = Fixtures.answer(PNG_A, PNG_B);
    assertThat(TASK.readAnswer(TWO, answer.toMinerBody())).isEqualTo(answer);
  }

  @Test
  void wrongCount_isInvalid() {
    assertThatThrownBy(() -> TASK.readAnswer(TWO, Fixtures.answer(PNG_A).toMinerBody()))
        .isInstanceOf(InvalidAnswerException.class).hasMessage("1 pictures for n=2");
    assertThatThrownBy(() -> TASK.readAnswer(TWO,
        Fixtures.answer(PNG_A, PNG_A, PNG_A).toMinerBody()))
        .isInstanceOf(InvalidAnswerException.class).hasMessageContaining("more than 2");
  }

  @Test
  void pictureOfAnotherSize_isInvalid_byItsHeaderAlone() {
    assertThatThrownBy(() -> TASK.readAnswer(TWO,
        Fixtures.answer(PNG_A, anyPng(256, 255)).toMinerBody()))
        .isInstanceOf(InvalidAnswerException.class)
        .hasMessage("data[1] is 256x255, but 256x256 was asked for");
  }

  @Test
  void notAPng_truncatedOrCorruptHeader_isInvalid() {
    byte[] truncated = java.util.Arrays.copyOf(PNG_A, PNG_A.length - 5);
    byte[] corrupt = PNG_A.clone();
    corrupt[17] ^= 1;
    byte[] jpegLike = bytes("\u00ff\u00d8\u00ff\u00e0 this is not a png at all, really not");
    for (byte[] bad : List.of(truncated, corrupt, jpegLike)) {
      assertThatThrownBy(() -> TASK.readAnswer(TWO, Fixtures.answer(PNG_A, bad).toMinerBody()))
          .isInstanceOf(InvalidAnswerException.class).hasMessageStartingWith("data[1] is");
    }
  }

  @Test
  void malformedBodies_areInvalid() {
    for (String body : List.of("not json", "[]", "{\"created\":1}", "{\"data\":{}}",
        "{\"data\":[1,2]}", "{\"data\":[{\"url\":\"http://x/a.png\"},{\"url\":\"http://x/b\"}]}",
        "{\"data\":[{\"b64_json\":\"@@@\"},{\"b64_json\":\"@@@\"}]}")) {
      assertThatThrownBy(() -> TASK.readAnswer(TWO, bytes(body)))
          .as(body).isInstanceOf(InvalidAnswerException.class);
    }
  }

  @Test
  void b64Request_getsThePicturesInline() throws Exception {
    ImageAnswer answer = Fixtures.answer(PNG_A, PNG_B);
    JsonNode body = Json.MAPPER.readTree(TASK.publicResponse(TWO, answer,
        Delivery.none()).toCompletableFuture().join());
    assertThat(body.get("created").asLong()).isEqualTo(1_700_000_000L);
    assertThat(body.get("data")).hasSize(2);
    assertThat(Base64.getDecoder().decode(body.get("data").get(0).get("b64_json").asText()))
        .isEqualTo(PNG_A);
    assertThat(body.get("data").get(0).has("url")).isFalse();
    assertThat(body.get("data").get(0).has("revised_prompt")).isFalse();
  }

  @Test
  void urlRequest_publishesEachPngInOrder_andListsTheirUrls() throws Exception {
    ImageRequest url = parse("{\"prompt\":\"a fox\",\"n\":2,\"size\":\"256x256\","
        + "\"response_format\":\"url\"}");
    List<byte[]> published = new ArrayList<>();
    FilePublisher files = (content, mediaType) -> {
      assertThat(mediaType).isEqualTo("image/png");
      published.add(content);
      return CompletableFuture.completedFuture(
          URI.create("https://gw.example/files/" + published.size()));
    };
    ImageAnswer answer = new ImageAnswer(3, List.of(new ImageAnswer.Image(PNG_A, "r"),
        new ImageAnswer.Image(PNG_B, null)));
    JsonNode body = Json.MAPPER.readTree(TASK.publicResponse(url, answer,
        new Delivery(files, List.of("miner-1"), 5)).toCompletableFuture().join());
    assertThat(published).containsExactly(PNG_A, PNG_B);
    assertThat(body.toString()).isEqualTo("{\"created\":3,\"data\":[{\"url\":"
        + "\"https://gw.example/files/1\",\"revised_prompt\":\"r\"},"
        + "{\"url\":\"https://gw.example/files/2\"}]}");
    // Without a publisher the pictures go inline.
    assertThat(Json.MAPPER.readTree(TASK.publicResponseBody(url, answer))
        .get("data").get(0).has("b64_json")).isTrue();
  }

  @Test
  void urlRequest_whosePictureCannotBeStored_failsWithoutListingAnyUrl() {
    ImageRequest url = parse("{\"prompt\":\"a fox\",\"n\":2,\"size\":\"256x256\","
        + "\"response_format\":\"url\"}");
    IllegalStateException away = new IllegalStateException("store away");
    List<byte[]> published = new ArrayList<>();
    FilePublisher secondFails = (content, mediaType) -> {
      published.add(content);
      return published.size() == 2 ? CompletableFuture.failedFuture(away)
          : CompletableFuture.completedFuture(URI.create("https://gw.example/files/1"));
    };
    ImageAnswer answer = Fixtures.answer(PNG_A, PNG_B);
    CompletableFuture<byte[]> body = TASK.publicResponse(url, answer,
        new Delivery(secondFails, List.of("miner-1"), 5)).toCompletableFuture();
    assertThatThrownBy(body::join).isInstanceOf(CompletionException.class).hasCause(away);
    assertThat(published).containsExactly(PNG_A, PNG_B);
  }

  private static String b64(byte[] png) {
    return Base64.getEncoder().encodeToString(png);
  }
}
