package io.assay.task.embeddings;

import static io.assay.task.embeddings.Fixtures.TASK;
import static io.assay.task.embeddings.Fixtures.bytes;
import static io.assay.task.embeddings.Fixtures.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.InvalidAnswerException;
import io.assay.task.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerReadingTest {

  private static final EmbeddingsRequest TWO =
      EmbeddingsRequest.of(MiniLmEngine.MODEL_ID, List.of("hello world", "second input"));

  @Test
  void floatAnswer_isReadInIndexOrderWithRecountedUsage() {
    float[] a = vector(1, 384);
    float[] b = vector(2, 384);
    // Out of order, with a usage the miner made up: order comes from index, usage is recounted.
    String body = "{\"object\":\"list\",\"data\":[" + item(1, floats(b)) + "," + item(0, floats(a))
        + "],\"model\":\"x\",\"usage\":{\"prompt_tokens\":999,\"total_tokens\":999}}";
    EmbeddingsAnswer answer = TASK.readAnswer(TWO, bytes(body));
    assertThat(answer.vectors()).hasSize(2);
    assertThat(answer.vectors().get(0)).isEqualTo(a);
    assertThat(answer.vectors().get(1)).isEqualTo(b);
    assertThat(answer.promptTokens()).isEqualTo(4);
    assertThat(TASK.units(TWO, answer)).isEqualTo(4);
  }

  @Test
  void countFromEstimateUnits_isTheAnswersCredit() {
    EmbeddingsRequest request = EmbeddingsRequest.of(MiniLmEngine.MODEL_ID,
        List.of("The quick brown fox jumps over the lazy dog", "hello world"));
    long estimated = TASK.estimateUnits(request);
    EmbeddingsAnswer answer = TASK.readAnswer(request,
        new EmbeddingsAnswer(List.of(vector(1, 384), vector(2, 384)), 0).toMinerBody());
    assertThat(answer.promptTokens()).isEqualTo(estimated).isEqualTo(11);
  }

  @Test
  void base64Answer_isDecodedAsLittleEndianFloat32() {
    float[] a = vector(3, 384);
    float[] b = vector(4, 384);
    String body = "{\"data\":[" + item(0, base64(a)) + "," + item(1, base64(b)) + "]}";
    EmbeddingsAnswer answer = TASK.readAnswer(TWO, bytes(body));
    assertThat(answer.vectors().get(0)).isEqualTo(a);
    assertThat(answer.vectors().get(1)).isEqualTo(b);
  }

  @Test
  void missingIndexes_followPosition() {
    float[] a = vector(5, 384);
    float[] b = vector(6, 384);
    String body = "{\"data\":[{\"embedding\":" + floats(a) + "},{\"embedding\":" + floats(b)
        + "}]}";
    assertThat(TASK.readAnswer(TWO, bytes(body)).vectors().get(1)).isEqualTo(b);
  }

  @Test
  void wrongCount_isRejected() {
    String one = "{\"data\":[" + item(0, floats(vector(1, 384))) + "]}";
    assertRejected(one, "1 embeddings for 2 inputs");
    String three = "{\"data\":[" + item(0, floats(vector(1, 384))) + ","
        + item(1, floats(vector(2, 384))) + "," + item(1, floats(vector(3, 384))) + "]}";
    assertRejected(three, "more than 2 embeddings");
  }

  @Test
  void wrongDimension_isRejected() {
    String shortVector = "{\"data\":[" + item(0, floats(vector(1, 384))) + ","
        + item(1, floats(vector(2, 383))) + "]}";
    assertRejected(shortVector, "data[1].embedding has 383 dimensions, expected 384");
    String longVector = "{\"data\":[" + item(0, floats(vector(1, 768))) + ","
        + item(1, floats(vector(2, 384))) + "]}";
    assertRejected(longVector, "more than 384 dimensions");
    String shortBase64 = "{\"data\":[" + item(0, base64(vector(1, 256))) + ","
        + item(1, base64(vector(2, 384))) + "]}";
    assertRejected(shortBase64, "256 dimensions, expected 384");
  }

  @Test
  void nonFiniteValues_areRejected() {
    float[] withNan = vector(1, 384);
    withNan[17] = Float.NaN;
    assertRejected("{\"data\":[" + item(0, base64(withNan)) + "," + item(1, floats(vector(2, 384)))
        + "]}", "data[0].embedding[17] is NaN");
    String nanLiteral = floats(vector(1, 384)).replaceFirst("\\[[^,]+,", "[NaN,");
    assertRejected("{\"data\":[" + item(0, nanLiteral) + "," + item(1, floats(vector(2, 384)))
        + "]}", "not valid JSON");
    String overflow = floats(vector(1, 384)).replaceFirst("\\[[^,]+,", "[1e39,");
    assertRejected("{\"data\":[" + item(0, overflow) + "," + item(1, floats(vector(2, 384)))
        + "]}", "data[0].embedding[0] is Infinity");
  }

  @Test
  void duplicateOrOutOfRangeIndexes_areRejected() {
    String dup = "{\"data\":[" + item(0, floats(vector(1, 384))) + ","
        + item(0, floats(vector(2, 384))) + "]}";
    assertRejected(dup, "two embeddings have index 0");
    String outside = "{\"data\":[" + item(0, floats(vector(1, 384))) + ","
        + item(2, floats(vector(2, 384))) + "]}";
    assertRejected(outside, "outside 0..1");
  }

  @Test
  void malformedAnswers_areRejectedSayingWhy() {
    assertRejected("{\"object\":\"list\"}", "no \"data\" array");
    assertRejected("[]", "not a JSON object");
    assertRejected("{\"data\":[{\"index\":0,\"embedding\":\"***\"}]}", "not valid base64");
    assertRejected("{\"data\":[{\"index\":0,\"embedding\":\"AAAAAAA=\"}]}",
        "not a whole number of float32s");
    assertRejected("{\"data\":[{\"index\":0,\"embedding\":[\"0.1\"]}]}", "is not a number");
    assertRejected("{\"data\":[{\"index\":0}]}", "has no embedding");
    assertRejected("{\"data\":", "not valid JSON");
  }

  @Test
  void publicBodyInBase64_roundTripsToTheSameFloats() throws Exception {
    EmbeddingsRequest request = new EmbeddingsRequest(EmbeddingsRequest.PATH,
        MiniLmEngine.MODEL_ID, List.of("hello world", "second input"), "base64", null, null);
    float[] a = vector(7, 384);
    float[] b = vector(8, 384);
    a[0] = Float.MIN_VALUE;
    a[1] = -0.0f;
    byte[] body = TASK.publicResponseBody(request, new EmbeddingsAnswer(List.of(a, b), 4));
    JsonNode json = Json.MAPPER.readTree(body);
    assertThat(json.get("object").asText()).isEqualTo("list");
    assertThat(json.get("model").asText()).isEqualTo("all-MiniLM-L6-v2");
    assertThat(json.get("usage").get("prompt_tokens").asInt()).isEqualTo(4);
    assertThat(json.get("usage").get("total_tokens").asInt()).isEqualTo(4);
    assertThat(json.get("data").get(1).get("object").asText()).isEqualTo("embedding");
    assertThat(json.get("data").get(1).get("index").asInt()).isEqualTo(1);
    assertThat(WireFormat.fromFloat32Le(Base64.getDecoder().decode(
        json.get("data").get(0).get("embedding").asText()))).isEqualTo(a);
    // And the gateway's own reader takes it back unchanged.
    assertThat(TASK.readAnswer(request, body).vectors()).containsExactly(a, b);
  }

  @Test
  void publicBodyInFloat_roundTripsToTheSameFloats() {
    float[] a = vector(9, 384);
    float[] b = vector(10, 384);
    a[2] = 1.0000001f;
    b[3] = 3.4028235e38f;
    b[4] = 1.17549435E-38f;
    byte[] body = TASK.publicResponseBody(TWO, new EmbeddingsAnswer(List.of(a, b), 4));
    assertThat(TASK.readAnswer(TWO, body).vectors()).containsExactly(a, b);
    assertThat(new String(body)).contains("\"model\":\"all-MiniLM-L6-v2\"");
  }

  @Test
  void minerBody_isReadBackAsTheSameAnswer() {
    EmbeddingsAnswer answer = new EmbeddingsAnswer(List.of(vector(11, 384), vector(12, 384)), 4);
    assertThat(TASK.readAnswer(TWO, answer.toMinerBody())).isEqualTo(answer);
  }

  private static void assertRejected(String body, String messagePart) {
    assertThatThrownBy(() -> TASK.readAnswer(TWO, bytes(body)))
        .isInstanceOf(InvalidAnswerException.class)
        .hasMessageContaining(messagePart);
  }

  private static String item(int index, String embedding) {
    return "{\"object\":\"embedding\",\"index\":" + index + ",\"embedding\":" + embedding + "}";
  }

  private static String floats(float[] v) {
    List<String> parts = new ArrayList<>(v.length);
    for (float x : v) {
      parts.add(Float.toString(x));
    }
    return "[" + String.join(",", parts) + "]";
  }

  private static String base64(float[] v) {
    return "\"" + Base64.getEncoder().encodeToString(WireFormat.toFloat32Le(v)) + "\"";
  }
}
