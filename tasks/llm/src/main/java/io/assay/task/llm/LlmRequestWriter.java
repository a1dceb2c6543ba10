package io.assay.task.llm;

import com.fasterxml.jackson.core.JsonGenerator;
import io.assay.task.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes the canonical request a miner (or an upstream server) receives. It always asks for
 * log-probabilities, with at least {@link #MIN_TOP_LOGPROBS} alternatives, and for usage at the
 * end of a stream, whatever the user asked: checking needs them. The gateway strips what the user
 * did not ask for.
 */
final class LlmRequestWriter {

  static final int MIN_TOP_LOGPROBS = 5;

  private LlmRequestWriter() {}

  /** @param model the model name to put in the body (the upstream's own name, for upstreams) */
  static byte[] write(LlmRequest r, String model) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", model);
      if (r.chat()) {
        g.writeArrayFieldStart("messages");
        for (LlmRequest.Message m : r.messages()) {
          g.writeStartObject();
          g.writeStringField("role", m.role());
          g.writeStringField("content", m.content());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeBooleanField("logprobs", true);
        g.writeNumberField("top_logprobs", Math.max(MIN_TOP_LOGPROBS, r.topLogprobs()));
        g.writeNumberField("max_tokens", r.maxTokens());
      } else {
        g.writeStringField("prompt", r.prompt());
        g.writeNumberField("logprobs", Math.max(MIN_TOP_LOGPROBS, r.topLogprobs()));
        g.writeNumberField("max_tokens", r.maxTokens());
      }
      g.writeNumberField("temperature", r.temperature());
      g.writeNumberField("top_p", r.topP());
      if (!r.stop().isEmpty()) {
        g.writeArrayFieldStart("stop");
        for (String s : r.stop()) {
          g.writeString(s);
        }
        g.writeEndArray();
      }
      if (r.seed() != null) {
        g.writeNumberField("seed", r.seed());
      }
      g.writeBooleanField("stream", r.stream());
      if (r.stream()) {
        g.writeObjectFieldStart("stream_options");
        g.writeBooleanField("include_usage", true);
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
