package io.assay.miner.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.ChunkSink;
import io.assay.task.Json;
import io.assay.task.TaskException;
import io.assay.task.llm.LlmAnswer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites an honest llm stream into a random one: every chunk keeps its fields (id, model, role,
 * finish_reason, usage) while its tokens are replaced one for one by {@link FakeContent} tokens,
 * in OpenAI's shapes: for chat, {@code delta.content} and {@code logprobs.content[]} with {@code
 * token}, {@code logprob}, {@code bytes} and {@code top_logprobs}; for completions, {@code text}
 * and the legacy {@code tokens}, {@code token_logprobs}, {@code top_logprobs}, {@code
 * text_offset}. Chunks without tokens (role, finish, usage) pass unchanged. A chunk with text but
 * no log-probabilities cannot be rewritten and fails the stream.
 *
 * <p>Chunks arrive one at a time (the {@link ChunkSink} contract); the methods are synchronized
 * anyway, so the answer built at the end sees every token sent.
 */
final class FakeLlmStream implements ChunkSink {

  private final boolean chat;
  private final FakeContent fakes;
  private final ChunkSink sink;
  private final List<LlmAnswer.TokenLogprob> sent = new ArrayList<>();
  private int textLength;

  FakeLlmStream(boolean chat, FakeContent fakes, ChunkSink sink) {
    this.chat = chat;
    this.fakes = fakes;
    this.sink = sink;
  }

  @Override
  public synchronized void chunk(byte[] json) {
    JsonNode root = parse(json);
    JsonNode choice = root.path("choices").path(0);
    if (!choice.isObject()) {
      sink.chunk(json);
      return;
    }
    ObjectNode c = (ObjectNode) choice;
    List<Integer> alternatives = chat ? chatAlternatives(c.path("logprobs"))
        : textAlternatives(c.path("logprobs"));
    String text = chat ? c.path("delta").path("content").asText("") : c.path("text").asText("");
    if (alternatives.isEmpty()) {
      if (!text.isEmpty()) {
        throw new TaskException("random-output cannot rewrite a streamed chunk that has text but"
            + " no logprobs");
      }
      sink.chunk(json);
      return;
    }
    List<LlmAnswer.TokenLogprob> tokens = new ArrayList<>(alternatives.size());
    for (int k : alternatives) {
      tokens.add(fakes.token(chat && sent.isEmpty() && tokens.isEmpty(), k));
    }
    StringBuilder fakeText = new StringBuilder();
    tokens.forEach(t -> fakeText.append(t.token()));
    if (chat) {
      ObjectNode delta = c.get("delta") instanceof ObjectNode d ? d : c.putObject("delta");
      delta.put("content", fakeText.toString());
      c.set("logprobs", chatLogprobs(tokens));
    } else {
      c.put("text", fakeText.toString());
      c.set("logprobs", textLogprobs(tokens, textLength));
    }
    sent.addAll(tokens);
    textLength += fakeText.length();
    sink.chunk(write(root));
  }

  /** Keep-alives carry no tokens: passed on as they are. */
  @Override
  public synchronized void keepAlive() {
    sink.keepAlive();
  }

  @Override
  public boolean open() {
    return sink.open();
  }

  /** The answer the rewritten stream spelled, with the honest answer's other fields. */
  synchronized LlmAnswer answer(LlmAnswer honest) {
    if (honest.tokens().size() != sent.size()) {
      throw new TaskException("random-output streamed " + sent.size()
          + " tokens but the honest answer has " + honest.tokens().size());
    }
    return FakeContent.llm(honest, sent);
  }

  private static List<Integer> chatAlternatives(JsonNode logprobs) {
    List<Integer> out = new ArrayList<>();
    for (JsonNode token : logprobs.path("content")) {
      out.add(token.path("top_logprobs").size());
    }
    return out;
  }

  private static List<Integer> textAlternatives(JsonNode logprobs) {
    List<Integer> out = new ArrayList<>();
    JsonNode tops = logprobs.path("top_logprobs");
    for (int i = 0; i < logprobs.path("tokens").size(); i++) {
      out.add(tops.path(i).size());
    }
    return out;
  }

  private static ObjectNode chatLogprobs(List<LlmAnswer.TokenLogprob> tokens) {
    ObjectNode logprobs = Json.MAPPER.createObjectNode();
    ArrayNode content = logprobs.putArray("content");
    for (LlmAnswer.TokenLogprob t : tokens) {
      ObjectNode entry = tokenEntry(t.token(), t.logprob());
      ArrayNode top = entry.putArray("top_logprobs");
      t.top().forEach(a -> top.add(tokenEntry(a.token(), a.logprob())));
      content.add(entry);
    }
    logprobs.putNull("refusal");
    return logprobs;
  }

  private static ObjectNode tokenEntry(String token, double logprob) {
    ObjectNode entry = Json.MAPPER.createObjectNode();
    entry.put("token", token);
    entry.put("logprob", logprob);
    ArrayNode bytes = entry.putArray("bytes");
    for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
      bytes.add(b & 0xff);
    }
    return entry;
  }

  private static ObjectNode textLogprobs(List<LlmAnswer.TokenLogprob> tokens, int offset) {
    ObjectNode logprobs = Json.MAPPER.createObjectNode();
    ArrayNode texts = logprobs.putArray("tokens");
    ArrayNode values = logprobs.putArray("token_logprobs");
    ArrayNode tops = logprobs.putArray("top_logprobs");
    ArrayNode offsets = logprobs.putArray("text_offset");
    for (LlmAnswer.TokenLogprob t : tokens) {
      texts.add(t.token());
      values.add(t.logprob());
      ObjectNode top = tops.addObject();
      t.top().forEach(a -> top.put(a.token(), a.logprob()));
      offsets.add(offset);
      offset += t.token().length();
    }
    return logprobs;
  }

  private static JsonNode parse(byte[] json) {
    try {
      JsonNode root = Json.MAPPER.readTree(json);
      if (root == null || !root.isObject()) {
        throw new TaskException("random-output: a streamed chunk is not a JSON object");
      }
      return root;
    } catch (IOException e) {
      throw new TaskException("random-output: a streamed chunk is not JSON: " + e.getMessage(), e);
    }
  }

  private static byte[] write(JsonNode root) {
    try {
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new TaskException("random-output: cannot write a chunk: " + e.getMessage(), e);
    }
  }
}
