package io.assay.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson configuration shared by every module: snake_case on the wire is explicit. */
public final class Json {

  /**
   * Thread-safe; configured once. Unknown fields are ignored, as OpenAI's API does; anything but
   * whitespace after the value is refused, as every route's own parser does.
   *
   * <p>Doubles are read and written with Jackson's fast algorithms (FastDoubleParser, Schubfach)
   * instead of the JDK's: every answer with log-probabilities carries dozens of them, and the
   * JDK's conversions were among the hottest frames of the gateway and the miner. Both are exact:
   * a double written here reads back as the same double, so events, checks and weight
   * recomputation are unchanged.
   */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .serializationInclusion(JsonInclude.Include.ALWAYS)
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  private Json() {}
}
