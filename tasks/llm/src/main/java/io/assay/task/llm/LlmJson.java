package io.assay.task.llm;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.InvalidAnswerException;
import io.assay.task.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads completions and chunks in OpenAI's shapes: {@code chat.completion}, {@code
 * chat.completion.chunk} and {@code text_completion}, with log-probabilities in the chat shape
 * ({@code logprobs.content[]}) or the legacy completions shape ({@code tokens},
 * {@code token_logprobs}, {@code top_logprobs}, {@code text_offset}).
 */
final class LlmJson {

  /**
   * Pass as {@code topLogprobs} to write log-probabilities with every alternative known, in the
   * miner protocol's shape: without each token's {@code bytes}. Nothing reads them from a miner
   * (an answer keeps its tokens as text, and a user's body gets bytes written from that text),
   * and they were a third of the values the gateway parsed in every answer.
   */
  static final int LOGPROBS_ALL = Integer.MAX_VALUE;
  /** Pass as {@code topLogprobs} to write no log-probabilities at all. */
  static final int LOGPROBS_NONE = -1;

  private LlmJson() {}

  // ---------------------------------------------------------------- writing

  /** A whole {@code chat.completion} or {@code text_completion}. */
  static byte[] completion(LlmAnswer a, String id, long created, String model, int topLogprobs) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("id", id);
      g.writeStringField("object", a.chat() ? "chat.completion" : "text_completion");
      g.writeNumberField("created", created);
      g.writeStringField("model", model);
      g.writeArrayFieldStart("choices");
      g.writeStartObject();
      g.writeNumberField("index", 0);
      if (a.chat()) {
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        g.writeStringField("content", a.text());
        g.writeNullField("refusal");
        g.writeEndObject();
        g.writeFieldName("logprobs");
        writeChatLogprobs(g, a.tokens(), topLogprobs);
      } else {
        g.writeStringField("text", a.text());
        g.writeFieldName("logprobs");
        writeTextLogprobs(g, a.tokens(), topLogprobs, 0);
      }
      g.writeStringField("finish_reason", a.finishReason());
      g.writeEndObject();
      g.writeEndArray();
      writeUsage(g, a.promptTokens(), a.completionTokens());
      g.writeNullField("system_fingerprint");
      g.writeEndObject();
    });
  }

  /**
   * One streamed chunk.
   *
   * @param role sent in the first chunk of a chat stream, else null
   * @param tokens the tokens this chunk carries (may be empty)
   * @param finishReason set on the last content chunk only
   * @param usageNull whether to write {@code "usage": null} (streams with include_usage)
   * @param textOffset offset of this chunk's text in the whole completion (completions only)
   */
  static byte[] chunk(boolean chat, String id, long created, String model, String role,
      List<LlmAnswer.TokenLogprob> tokens, String finishReason, int topLogprobs,
      boolean usageNull, int textOffset) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("id", id);
      g.writeStringField("object", chat ? "chat.completion.chunk" : "text_completion");
      g.writeNumberField("created", created);
      g.writeStringField("model", model);
      g.writeNullField("system_fingerprint");
      g.writeArrayFieldStart("choices");
      g.writeStartObject();
      g.writeNumberField("index", 0);
      String text = join(tokens);
      if (chat) {
        g.writeObjectFieldStart("delta");
        if (role != null) {
          g.writeStringField("role", role);
        }
        if (role != null || !tokens.isEmpty()) {
          g.writeStringField("content", text);
        }
        g.writeEndObject();
        g.writeFieldName("logprobs");
        if (tokens.isEmpty()) {
          g.writeNull();
        } else {
          writeChatLogprobs(g, tokens, topLogprobs);
        }
      } else {
        g.writeStringField("text", text);
        g.writeFieldName("logprobs");
        if (tokens.isEmpty()) {
          g.writeNull();
        } else {
          writeTextLogprobs(g, tokens, topLogprobs, textOffset);
        }
      }
      g.writeStringField("finish_reason", finishReason);
      g.writeEndObject();
      g.writeEndArray();
      if (usageNull) {
        g.writeNullField("usage");
      }
      g.writeEndObject();
    });
  }

  /** The last chunk of a stream with include_usage: no choices, full usage. */
  static byte[] usageChunk(boolean chat, String id, long created, String model, int prompt,
      int completion) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("id", id);
      g.writeStringField("object", chat ? "chat.completion.chunk" : "text_completion");
      g.writeNumberField("created", created);
      g.writeStringField("model", model);
      g.writeNullField("system_fingerprint");
      g.writeArrayFieldStart("choices");
      g.writeEndArray();
      writeUsage(g, prompt, completion);
      g.writeEndObject();
    });
  }

  private static void writeUsage(JsonGenerator g, int prompt, int completion) throws IOException {
    g.writeObjectFieldStart("usage");
    g.writeNumberField("prompt_tokens", prompt);
    g.writeNumberField("completion_tokens", completion);
    g.writeNumberField("total_tokens", prompt + completion);
    g.writeEndObject();
  }

  private static void writeChatLogprobs(JsonGenerator g, List<LlmAnswer.TokenLogprob> tokens,
      int topLogprobs) throws IOException {
    if (topLogprobs == LOGPROBS_NONE) {
      g.writeNull();
      return;
    }
    boolean bytes = topLogprobs != LOGPROBS_ALL;
    g.writeStartObject();
    g.writeArrayFieldStart("content");
    for (LlmAnswer.TokenLogprob t : tokens) {
      g.writeStartObject();
      g.writeStringField("token", t.token());
      g.writeNumberField("logprob", t.logprob());
      if (bytes) {
        writeBytes(g, t.token());
      }
      g.writeArrayFieldStart("top_logprobs");
      int n = Math.min(topLogprobs, t.top().size());
      for (int i = 0; i < n; i++) {
        LlmAnswer.Alternative alt = t.top().get(i);
        g.writeStartObject();
        g.writeStringField("token", alt.token());
        g.writeNumberField("logprob", alt.logprob());
        if (bytes) {
          writeBytes(g, alt.token());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNullField("refusal");
    g.writeEndObject();
  }

  private static void writeTextLogprobs(JsonGenerator g, List<LlmAnswer.TokenLogprob> tokens,
      int topLogprobs, int textOffset) throws IOException {
    if (topLogprobs == LOGPROBS_NONE) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeArrayFieldStart("tokens");
    for (LlmAnswer.TokenLogprob t : tokens) {
      g.writeString(t.token());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("token_logprobs");
    for (LlmAnswer.TokenLogprob t : tokens) {
      g.writeNumber(t.logprob());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("top_logprobs");
    for (LlmAnswer.TokenLogprob t : tokens) {
      g.writeStartObject();
      int n = Math.min(topLogprobs, t.top().size());
      for (int i = 0; i < n; i++) {
        g.writeNumberField(t.top().get(i).token(), t.top().get(i).logprob());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("text_offset");
    int offset = textOffset;
    for (LlmAnswer.TokenLogprob t : tokens) {
      g.writeNumber(offset);
      offset += t.token().length();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeBytes(JsonGenerator g, String token) throws IOException {
    g.writeArrayFieldStart("bytes");
    for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
      g.writeNumber(b & 0xff);
    }
    g.writeEndArray();
  }

  static String join(List<LlmAnswer.TokenLogprob> tokens) {
    if (tokens.size() == 1) {
      return tokens.get(0).token();
    }
    StringBuilder text = new StringBuilder();
    for (LlmAnswer.TokenLogprob t : tokens) {
      text.append(t.token());
    }
    return text.toString();
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- reading

  /** Reads a whole completion a miner (or an upstream server) sent. */
  /** A whole chat or completions answer, read without building a tree ({@link CompletionReader}). */
  static LlmAnswer readCompletion(boolean chat, byte[] body) {
    return CompletionReader.read(chat, body);
  }

  /**
   * A whole answer read through a tree: the definition of what an answer is, for the shapes
   * {@link CompletionReader} leaves to it.
   */
  static LlmAnswer readCompletionTree(boolean chat, byte[] body) {
    JsonNode root = tree(body);
    JsonNode choice = root.path("choices").path(0);
    if (!choice.isObject()) {
      throw new InvalidAnswerException("the answer has no choices[0]");
    }
    String text = chat ? choice.path("message").path("content").asText(null)
        : choice.path("text").asText(null);
    if (text == null) {
      throw new InvalidAnswerException("the answer has no " + (chat ? "message.content" : "text"));
    }
    List<LlmAnswer.TokenLogprob> tokens = readLogprobs(choice.path("logprobs"));
    String finish = finishReason(choice.path("finish_reason"));
    if (finish == null) {
      throw new InvalidAnswerException("the answer has no finish_reason");
    }
    if (!join(tokens).equals(text)) {
      throw new InvalidAnswerException("the answer's logprobs tokens do not spell its text");
    }
    int prompt = root.path("usage").path("prompt_tokens").asInt(0);
    return new LlmAnswer(chat, root.path("model").asText(""), text, tokens, finish, prompt);
  }

  /** The tokens of a chat or completions {@code logprobs} object; empty for null. */
  static List<LlmAnswer.TokenLogprob> readLogprobs(JsonNode logprobs) {
    List<LlmAnswer.TokenLogprob> out = new ArrayList<>();
    if (logprobs == null || logprobs.isNull() || logprobs.isMissingNode()) {
      return out;
    }
    if (logprobs.has("content")) {
      for (JsonNode t : logprobs.path("content")) {
        List<LlmAnswer.Alternative> top = new ArrayList<>();
        for (JsonNode alt : t.path("top_logprobs")) {
          top.add(new LlmAnswer.Alternative(alt.path("token").asText(), number(alt, "logprob")));
        }
        out.add(new LlmAnswer.TokenLogprob(t.path("token").asText(), number(t, "logprob"),
            List.copyOf(top)));
      }
      return out;
    }
    JsonNode tokens = logprobs.path("tokens");
    JsonNode values = logprobs.path("token_logprobs");
    JsonNode tops = logprobs.path("top_logprobs");
    if (tokens.size() != values.size()) {
      throw new InvalidAnswerException("logprobs.tokens and token_logprobs differ in length");
    }
    for (int i = 0; i < tokens.size(); i++) {
      List<LlmAnswer.Alternative> top = new ArrayList<>();
      JsonNode alternatives = tops.path(i);
      alternatives.fields().forEachRemaining(e ->
          top.add(new LlmAnswer.Alternative(e.getKey(), e.getValue().asDouble())));
      top.sort((x, y) -> Double.compare(y.logprob(), x.logprob()));
      out.add(new LlmAnswer.TokenLogprob(tokens.get(i).asText(),
          values.get(i).isNumber() ? values.get(i).asDouble() : Double.NaN, List.copyOf(top)));
    }
    return out;
  }

  static String finishReason(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    String reason = node.asText();
    if (!reason.equals("stop") && !reason.equals("length")) {
      throw new InvalidAnswerException("unexpected finish_reason '" + reason + "'");
    }
    return reason;
  }

  static JsonNode tree(byte[] body) {
    try {
      JsonNode root = Json.MAPPER.readTree(body);
      if (root == null || !root.isObject()) {
        throw new InvalidAnswerException("the answer is not a JSON object");
      }
      return root;
    } catch (IOException e) {
      throw new InvalidAnswerException("the answer is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static double number(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isNumber()) {
      throw new InvalidAnswerException("a logprob entry lacks a numeric '" + field + "'");
    }
    return v.asDouble();
  }
}
