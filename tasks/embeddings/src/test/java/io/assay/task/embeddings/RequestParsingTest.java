package io.assay.task.embeddings;

import static io.assay.task.embeddings.Fixtures.TASK;
import static io.assay.task.embeddings.Fixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.InvalidRequestException;
import java.util.Collections;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RequestParsingTest {

  @Test
  void singleString_becomesOneInputWithFloatDefault() {
    EmbeddingsRequest r = parse("{\"model\":\"all-MiniLM-L6-v2\",\"input\":\"hello world\"}");
    assertThat(r.input()).containsExactly("hello world");
    assertThat(r.model()).isEqualTo("all-MiniLM-L6-v2");
    assertThat(r.path()).isEqualTo("/v1/embeddings");
    assertThat(r.encodingFormat()).isEqualTo("float");
    assertThat(r.dimensions()).isNull();
    assertThat(r.user()).isNull();
  }

  @Test
  void arrayOfStrings_keepsOrderAndOptionalFields() {
    EmbeddingsRequest r = parse("{\"input\":[\"a\",\"b\",\"c\"],\"model\":\"m\","
        + "\"encoding_format\":\"base64\",\"dimensions\":384,\"user\":\"u-1\","
        + "\"unknown\":{\"nested\":[1,2,{}]}}");
    assertThat(r.input()).containsExactly("a", "b", "c");
    assertThat(r.base64()).isTrue();
    assertThat(r.dimensions()).isEqualTo(384);
    assertThat(r.user()).isEqualTo("u-1");
  }

  @Test
  void nullOptionalFields_takeDefaults() {
    EmbeddingsRequest r = parse("{\"model\":\"m\",\"input\":\"x\",\"encoding_format\":null,"
        + "\"dimensions\":null,\"user\":null}");
    assertThat(r.encodingFormat()).isEqualTo("float");
    assertThat(r.dimensions()).isNull();
  }

  @Test
  void malformedJson_isRefusedWithTheParseMessage() {
    for (String body : List.of("{\"model\": \"all-MiniLM-L6-v2\", ", "", "not json",
        "{\"model\":\"m\",\"input\":\"x\"} trailing", "{\"model\":\"m\",\"input\":\"x\"}{}")) {
      assertRefused(() -> parse(body), null, null, "We could not parse the JSON body");
    }
  }

  @Test
  void nonObjectBody_isRefused() {
    assertRefused(() -> parse("[\"a\"]"), null, "invalid_type", "JSON object");
  }

  @Test
  void missingOrBlankModel_isRefusedNamingModel() {
    assertRefused(() -> parse("{\"input\":\"x\"}"), "model", "missing_required_parameter",
        "model");
    assertRefused(() -> parse("{\"model\":\"  \",\"input\":\"x\"}"), "model", "invalid_value",
        "empty");
    assertRefused(() -> parse("{\"model\":7,\"input\":\"x\"}"), "model", "invalid_type",
        "string");
  }

  @Test
  void missingInput_isRefusedNamingInput() {
    assertRefused(() -> parse("{\"model\":\"m\"}"), "input", "missing_required_parameter",
        "input");
  }

  @Test
  void emptyStrings_areRefused() {
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":\"\"}"), "input", "invalid_value",
        "empty string");
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":[\"ok\",\"\"]}"), "input",
        "invalid_value", "'input[1]' must not be an empty string");
  }

  @Test
  void emptyArray_isRefused() {
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":[]}"), "input", "invalid_value",
        "empty array");
  }

  @Test
  void tokenIdArrays_areRefusedWithAClearMessage() {
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":[101,2023,102]}"), "input",
        "invalid_type", "token ids");
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":[[101,2023],[7592]]}"), "input",
        "invalid_type", "token ids");
  }

  @Test
  void badInputTypes_areRefused() {
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":{\"text\":\"x\"}}"), "input",
        "invalid_type", "string or an array of strings");
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":null}"), "input", "invalid_type",
        "string");
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":[\"a\",null]}"), "input",
        "invalid_type", "'input[1]' must be a string");
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":[\"a\",1.5]}"), "input",
        "invalid_type", "'input[1]' must be a string");
  }

  @Test
  void moreThan2048Inputs_areRefused() {
    String ok = "{\"model\":\"m\",\"input\":[" + String.join(",",
        Collections.nCopies(2048, "\"x\"")) + "]}";
    assertThat(parse(ok).input()).hasSize(2048);
    String tooMany = "{\"model\":\"m\",\"input\":[" + String.join(",",
        Collections.nCopies(2049, "\"x\"")) + "]}";
    assertRefused(() -> parse(tooMany), "input", "invalid_value", "at most 2048");
  }

  @Test
  void encodingFormat_mustBeFloatOrBase64() {
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":\"x\",\"encoding_format\":\"int8\"}"),
        "encoding_format", "invalid_value", "\"float\" or \"base64\"");
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":\"x\",\"encoding_format\":1}"),
        "encoding_format", "invalid_type", "\"float\" or \"base64\"");
  }

  @Test
  void dimensions_mustBeAPositiveInteger() {
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":\"x\",\"dimensions\":\"384\"}"),
        "dimensions", "invalid_type", "integer");
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":\"x\",\"dimensions\":384.5}"),
        "dimensions", "invalid_type", "integer");
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":\"x\",\"dimensions\":0}"),
        "dimensions", "invalid_value", "positive");
    assertRefused(() -> parse("{\"model\":\"m\",\"input\":\"x\",\"dimensions\":99999999999}"),
        "dimensions", "invalid_value", "positive");
  }

  @Test
  void dimensions384_isAcceptedByTheTask() {
    EmbeddingsRequest r = parse(
        "{\"model\":\"all-MiniLM-L6-v2\",\"input\":\"hello world\",\"dimensions\":384}");
    assertThat(TASK.estimateUnits(r)).isEqualTo(2);
  }

  @Test
  void dimensionsOtherThan384_areRefusedByTheTask() {
    EmbeddingsRequest r = parse(
        "{\"model\":\"all-MiniLM-L6-v2\",\"input\":\"hello world\",\"dimensions\":256}");
    assertRefused(() -> TASK.estimateUnits(r), "dimensions", "invalid_value", "384");
  }

  @Test
  void units_countTokensWithoutClsAndSep() {
    EmbeddingsRequest r = parse("{\"model\":\"all-MiniLM-L6-v2\",\"input\":"
        + "[\"The quick brown fox jumps over the lazy dog\",\"hello world\"]}");
    assertThat(TASK.estimateUnits(r)).isEqualTo(9 + 2);
  }

  @Test
  void inputOf510Tokens_isAcceptedAnd511_isRefusedNamingTheContextLength() {
    // "hello" is one token; [CLS] and [SEP] make the 512.
    EmbeddingsRequest fits = parse("{\"model\":\"all-MiniLM-L6-v2\",\"input\":\""
        + "hello ".repeat(510).strip() + "\"}");
    assertThat(TASK.estimateUnits(fits)).isEqualTo(510);
    EmbeddingsRequest tooLong = parse("{\"model\":\"all-MiniLM-L6-v2\",\"input\":[\"short\",\""
        + "hello ".repeat(511).strip() + "\"]}");
    assertRefused(() -> TASK.estimateUnits(tooLong), "input", "context_length_exceeded",
        "maximum context length is 512 tokens, however input[1] has 513 tokens");
  }

  @Test
  void hugeInput_isRefusedBeforeTokenising() {
    EmbeddingsRequest r = EmbeddingsRequest.of(MiniLmEngine.MODEL_ID,
        List.of(" ".repeat(EmbeddingsTask.MAX_INPUT_CHARS + 1)));
    assertRefused(() -> TASK.estimateUnits(r), "input", "context_length_exceeded",
        "characters");
  }

  @Test
  void minerRequestBody_isCanonicalOpenAiJsonAlwaysInFloat() {
    EmbeddingsRequest r = parse("{\"user\":\"u\",\"input\":\"x \\\"quoted\\\"\","
        + "\"encoding_format\":\"base64\",\"model\":\"all-MiniLM-L6-v2\",\"dimensions\":384}");
    assertThat(new String(TASK.minerRequestBody(r)))
        .isEqualTo("{\"model\":\"all-MiniLM-L6-v2\",\"input\":[\"x \\\"quoted\\\"\"],"
            + "\"encoding_format\":\"float\"}");
  }

  private static void assertRefused(ThrowingCallable call, String param, String code,
      String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
          assertThat(e.param()).isEqualTo(param);
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.getMessage()).contains(messagePart);
        });
  }
}
