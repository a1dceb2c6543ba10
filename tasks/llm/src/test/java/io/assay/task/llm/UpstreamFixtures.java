package io.assay.task.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Json;
import io.assay.task.llm.LlmAnswer.Alternative;
import io.assay.task.llm.LlmAnswer.TokenLogprob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests and upstream answers for the upstream backend's tests, written the way vLLM writes
 * them (field for field, including {@code bytes}, {@code stop_reason} and {@code "usage": null}),
 * by hand rather than with {@link LlmJson}, so the code under test does not judge its own output.
 */
final class UpstreamFixtures {

  static final String PUBLIC_MODEL = "assay/qwen2.5-0.5b";
  static final String UPSTREAM_MODEL = "Qwen/Qwen2.5-0.5B-Instruct";

  static final LlmRequest CHAT = new LlmRequest(LlmRequest.CHAT_PATH, PUBLIC_MODEL,
      List.of(new LlmRequest.Message("user", "Say hello.")), null, 0.7, 1.0, 32, List.of(), 42L,
      false, 0, false, false, "user-1");
  static final LlmRequest CHAT_STREAM = stream(CHAT);
  static final LlmRequest COMPLETION = new LlmRequest(LlmRequest.COMPLETIONS_PATH, PUBLIC_MODEL,
      List.of(), "The capital of France is", 0.0, 1.0, 16, List.of(), null, true, 2, false, false,
      null);
  static final LlmRequest COMPLETION_STREAM = stream(COMPLETION);

  /** "Héllo", " wörld" and "!" with awkward log-probabilities; "!" ends the answer. */
  static final List<TokenLogprob> HELLO = List.of(
      tok("Héllo", -0.31250000000000006, alt("Héllo", -0.31250000000000006), alt("Hi", -1.5)),
      tok(" wörld", -1.2345678901234567E-5, alt(" wörld", -1.2345678901234567E-5),
          alt(" 世界", -11.0625)),
      tok("!", -0.0, alt("!", -0.0), alt(".", -9999.0)));

  private UpstreamFixtures() {}

  static TokenLogprob tok(String token, double logprob, Alternative... top) {
    return new TokenLogprob(token, logprob, List.of(top));
  }

  static Alternative alt(String token, double logprob) {
    return new Alternative(token, logprob);
  }

  // ------------------------------------------------------------------ vLLM's chat shapes

  static String chatRoleChunk() {
    ObjectNode chunk = chunkHead(true);
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("delta").put("role", "assistant").put("content", "");
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    chunk.putNull("usage");
    return chunk.toString();
  }

  static String chatChunk(List<TokenLogprob> tokens, String finishReason) {
    return chatChunk(join(tokens), tokens, finishReason);
  }

  /** A content chunk whose content may differ from what its tokens spell. */
  static String chatChunk(String content, List<TokenLogprob> tokens, String finishReason) {
    ObjectNode chunk = chunkHead(true);
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("delta").put("content", content);
    if (tokens == null) {
      choice.putNull("logprobs");
    } else {
      ArrayNode content2 = choice.putObject("logprobs").putArray("content");
      for (TokenLogprob t : tokens) {
        ObjectNode entry = content2.addObject();
        entry.put("token", t.token());
        entry.put("logprob", t.logprob());
        bytes(entry, t.token());
        ArrayNode top = entry.putArray("top_logprobs");
        for (Alternative a : t.top()) {
          ObjectNode alt = top.addObject().put("token", a.token()).put("logprob", a.logprob());
          bytes(alt, a.token());
        }
      }
    }
    choice.put("finish_reason", finishReason);
    choice.putNull("stop_reason");
    chunk.putNull("usage");
    return chunk.toString();
  }

  static String chatCompletion(List<TokenLogprob> tokens, boolean withLogprobs, int prompt) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("id", "chatcmpl-0f6c");
    root.put("object", "chat.completion");
    root.put("created", 1_760_000_000L);
    root.put("model", UPSTREAM_MODEL);
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", join(tokens))
        .putArray("tool_calls");
    if (withLogprobs) {
      JsonNode chunkLogprobs = tree(chatChunk(tokens, null)).path("choices").path(0)
          .path("logprobs");
      choice.set("logprobs", chunkLogprobs);
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", "stop");
    choice.putNull("stop_reason");
    root.putObject("usage").put("prompt_tokens", prompt).put("total_tokens", prompt + tokens.size())
        .put("completion_tokens", tokens.size());
    return root.toString();
  }

  // ------------------------------------------------------------------ vLLM's completions shapes

  static String textChunk(List<TokenLogprob> tokens, int offset, String finishReason) {
    ObjectNode chunk = chunkHead(false);
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    choice.put("text", join(tokens));
    ObjectNode logprobs = choice.putObject("logprobs");
    ArrayNode offsets = logprobs.putArray("text_offset");
    ArrayNode values = logprobs.putArray("token_logprobs");
    ArrayNode texts = logprobs.putArray("tokens");
    ArrayNode tops = logprobs.putArray("top_logprobs");
    for (TokenLogprob t : tokens) {
      offsets.add(offset);
      offset += t.token().length();
      values.add(t.logprob());
      texts.add(t.token());
      ObjectNode top = tops.addObject();
      t.top().forEach(a -> top.put(a.token(), a.logprob()));
    }
    choice.put("finish_reason", finishReason);
    choice.putNull("stop_reason");
    chunk.putNull("usage");
    return chunk.toString();
  }

  // ------------------------------------------------------------------ both

  static String usageChunk(boolean chat, int prompt, int completion) {
    ObjectNode chunk = chunkHead(chat);
    chunk.putArray("choices");
    chunk.putObject("usage").put("prompt_tokens", prompt).put("total_tokens", prompt + completion)
        .put("completion_tokens", completion);
    return chunk.toString();
  }

  /** Events as vLLM frames them, LF line ends, ending with {@code data: [DONE]}. */
  static String sse(String... payloads) {
    StringBuilder body = new StringBuilder();
    for (String p : payloads) {
      body.append("data: ").append(p).append("\n\n");
    }
    return body.append("data: [DONE]\n\n").toString();
  }

  static String join(List<TokenLogprob> tokens) {
    StringBuilder s = new StringBuilder();
    tokens.forEach(t -> s.append(t.token()));
    return s.toString();
  }

  static JsonNode tree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode tree(byte[] json) {
    return tree(new String(json, StandardCharsets.UTF_8));
  }

  /** The tokens of one of our chunks, read back. */
  static List<TokenLogprob> tokensOf(JsonNode chunk) {
    return new ArrayList<>(LlmJson.readLogprobs(chunk.path("choices").path(0).path("logprobs")));
  }

  static LlmRequest stream(LlmRequest r) {
    return new LlmRequest(r.path(), r.model(), r.messages(), r.prompt(), r.temperature(),
        r.topP(), r.maxTokens(), r.stop(), r.seed(), r.logprobs(), r.topLogprobs(), true, true,
        r.user());
  }

  /** The stage's value; fails the test if it takes more than ten seconds. */
  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the stage failed", e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("the stage did not complete", e);
    }
  }

  /** What the stage failed with; fails the test if it succeeds or takes more than ten seconds. */
  static Throwable failureOf(CompletionStage<?> stage) {
    try {
      Object value = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("the stage succeeded with " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("the stage did not complete", e);
    }
  }

  private static ObjectNode chunkHead(boolean chat) {
    ObjectNode chunk = Json.MAPPER.createObjectNode();
    chunk.put("id", chat ? "chatcmpl-0f6c" : "cmpl-9a1e");
    chunk.put("object", chat ? "chat.completion.chunk" : "text_completion");
    chunk.put("created", 1_760_000_000L);
    chunk.put("model", UPSTREAM_MODEL);
    return chunk;
  }

  private static void bytes(ObjectNode entry, String token) {
    ArrayNode bytes = entry.putArray("bytes");
    for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
      bytes.add(b & 0xff);
    }
  }
}
