package io.assay.task.image;

import static io.assay.task.image.Fixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestParsingTest {

  @Test
  void fullRequest_isParsedWithEveryExtension() {
    ImageRequest r = parse("{\"model\":\"reference-image\",\"prompt\":\"red sunset over the sea\","
        + "\"negative_prompt\":\"blurry\",\"n\":3,\"size\":\"768x512\","
        + "\"response_format\":\"url\",\"steps\":12,\"seed\":-42,\"guidance_scale\":9,"
        + "\"user\":\"u-1\",\"quality\":\"hd\",\"style\":\"vivid\",\"extra\":{\"x\":[1]}}");
    assertThat(r).isEqualTo(new ImageRequest(ImageRequest.PATH, "reference-image",
        "red sunset over the sea", "blurry", 3, new ImageSize(768, 512), ImageRequest.URL, 12,
        -42L, 9.0, "u-1"));
    assertThat(r.wantsUrl()).isTrue();
  }

  @Test
  void minimalRequest_defaultsLikeOpenAi_andAMissingModelIsTheReference() {
    ImageRequest r = parse("{\"prompt\":\"a cat\"}");
    assertThat(r).isEqualTo(ImageRequest.of("reference-image", "a cat"));
    assertThat(r.n()).isEqualTo(1);
    assertThat(r.responseFormat()).isEqualTo("b64_json");
    assertThat(r.size()).isNull();
    assertThat(r.seed()).isNull();
  }

  @Test
  void nullsMeanAbsent_andSizeAutoIsTheDefault() {
    ImageRequest r = parse("{\"prompt\":\"a cat\",\"model\":null,\"n\":null,\"size\":\"auto\","
        + "\"seed\":null,\"steps\":null,\"negative_prompt\":\"\",\"response_format\":null}");
    assertThat(r).isEqualTo(ImageRequest.of("reference-image", "a cat"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{}|prompt|missing_required_parameter",
      "{\"prompt\":\"  \"}|prompt|invalid_value",
      "{\"prompt\":7}|prompt|invalid_type",
      "{\"prompt\":[\"a\"]}|prompt|invalid_type",
      "{\"prompt\":\"a\",\"model\":5}|model|invalid_type",
      "{\"prompt\":\"a\",\"model\":\"\"}|model|invalid_value",
      "{\"prompt\":\"a\",\"n\":0}|n|invalid_value",
      "{\"prompt\":\"a\",\"n\":11}|n|invalid_value",
      "{\"prompt\":\"a\",\"n\":1.5}|n|invalid_type",
      "{\"prompt\":\"a\",\"n\":\"2\"}|n|invalid_type",
      "{\"prompt\":\"a\",\"size\":\"512\"}|size|invalid_value",
      "{\"prompt\":\"a\",\"size\":\"512x\"}|size|invalid_value",
      "{\"prompt\":\"a\",\"size\":\"-5x5\"}|size|invalid_value",
      "{\"prompt\":\"a\",\"size\":\"0x512\"}|size|invalid_value",
      "{\"prompt\":\"a\",\"size\":512}|size|invalid_type",
      "{\"prompt\":\"a\",\"response_format\":\"png\"}|response_format|invalid_value",
      "{\"prompt\":\"a\",\"response_format\":1}|response_format|invalid_type",
      "{\"prompt\":\"a\",\"steps\":0}|steps|invalid_value",
      "{\"prompt\":\"a\",\"steps\":\"20\"}|steps|invalid_type",
      "{\"prompt\":\"a\",\"seed\":1.5}|seed|invalid_type",
      "{\"prompt\":\"a\",\"seed\":\"7\"}|seed|invalid_type",
      "{\"prompt\":\"a\",\"seed\":123456789012345678901234}|seed|invalid_value",
      "{\"prompt\":\"a\",\"guidance_scale\":-1}|guidance_scale|invalid_value",
      "{\"prompt\":\"a\",\"guidance_scale\":31}|guidance_scale|invalid_value",
      "{\"prompt\":\"a\",\"guidance_scale\":\"7\"}|guidance_scale|invalid_type",
      "{\"prompt\":\"a\",\"negative_prompt\":3}|negative_prompt|invalid_type",
      "{\"prompt\":\"a\",\"user\":3}|user|invalid_type",
  })
  void malformedField_isA400NamingTheParam(String body, String param, String code) {
    assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> {
          assertThat(e.param()).isEqualTo(param);
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.getMessage()).isNotBlank();
        });
  }

  @Test
  void tooLongPrompt_isRefused() {
    String body = "{\"prompt\":\"" + "a".repeat(RequestParser.MAX_PROMPT_CHARS + 1) + "\"}";
    assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> {
          assertThat(e.param()).isEqualTo("prompt");
          assertThat(e.getMessage()).contains("too long", "1000");
        });
    assertThat(parse("{\"prompt\":\"" + "a".repeat(RequestParser.MAX_PROMPT_CHARS) + "\"}")
        .prompt()).hasSize(1000);
  }

  @Test
  void responseFormatError_readsLikeOpenAis() {
    assertThatThrownBy(() -> parse("{\"prompt\":\"a\",\"response_format\":\"png\"}"))
        .hasMessage("'png' is not one of ['url', 'b64_json'] - 'response_format'");
    assertThatThrownBy(() -> parse("{\"prompt\":\"a\",\"n\":11}"))
        .hasMessage("11 is greater than the maximum of 10 - 'n'");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"''", "'not json'", "'[1]'", "'{\"prompt\":\"a\"} {}'",
      "'{\"prompt\":'"})
  void unparsableBody_isA400WithoutParam(String body) {
    assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> assertThat(e.param()).isNull());
  }

  @Test
  void seedsPastTheLastSafeSeed_areRefused() {
    assertThat(parse("{\"prompt\":\"a\",\"seed\":" + RequestParser.MAX_SEED + "}").seed())
        .isEqualTo(RequestParser.MAX_SEED);
    for (String seed : new String[] {Long.toString(RequestParser.MAX_SEED + 1),
        Long.toString(Long.MAX_VALUE)}) {
      assertThatThrownBy(() -> parse("{\"prompt\":\"a\",\"seed\":" + seed + "}"))
          .isInstanceOfSatisfying(InvalidRequestException.class,
              e -> assertThat(e.param()).isEqualTo("seed"));
    }
  }

  @Test
  void anotherPath_isRefused() {
    assertThatThrownBy(() -> Fixtures.KIND.parseRequest("/v1/embeddings",
        Fixtures.bytes("{\"prompt\":\"a\"}"))).isInstanceOf(IllegalArgumentException.class);
  }
}
