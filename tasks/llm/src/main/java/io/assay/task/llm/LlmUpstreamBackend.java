package io.assay.task.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.InvalidAnswerException;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import io.assay.task.UpstreamConfig;
import io.assay.task.upstream.OpenAiHttp;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Forwards llm requests to an OpenAI-compatible server (vLLM, Ollama's {@code /v1}, llama.cpp
 * server): {@code POST {baseUrl}/chat/completions} or {@code {baseUrl}/completions} with the
 * canonical body ({@link LlmRequestWriter}) under the upstream's own model name, which always asks
 * for log-probabilities. Answers come back labelled with the public model id.
 *
 * <p>A whole answer is read exactly as a miner's is; a streamed one is re-rendered chunk by chunk
 * as it arrives ({@link UpstreamStream}), so downstream sees the reference backend's stream shape
 * whatever server is behind.
 *
 * <p>Never blocks: both methods return at once and their stages complete on the HTTP client's
 * threads, where the sink is also called. A stage fails with {@link
 * io.assay.task.upstream.UpstreamException} when the server refuses, cannot be reached, breaks
 * the connection, reports an error mid-stream or does not finish within {@link
 * UpstreamConfig#timeout()} (which bounds the whole call, stream included), and with {@link
 * InvalidAnswerException} when its answer is unusable, in particular when it carries no
 * log-probabilities. Cancelling a returned stage aborts the call and releases its connection.
 */
final class LlmUpstreamBackend implements Backend {

  private final OpenAiHttp http;

  /** @throws IllegalArgumentException for a timeout that is not positive or a non-http(s) URL */
  LlmUpstreamBackend(UpstreamConfig upstream) {
    this(OpenAiHttp.create(upstream));
  }

  LlmUpstreamBackend(OpenAiHttp http) {
    this.http = http;
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    if (!(request instanceof LlmRequest r)) {
      return unsupported(request);
    }
    String path = path(r);
    CompletableFuture<byte[]> call = http.postJson(path,
        LlmRequestWriter.write(withStream(r, false), http.config().model()));
    return cancelling(call.thenApply(body -> read(r, path, body)), call);
  }

  @Override
  public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
    if (!(request instanceof LlmRequest r)) {
      return unsupported(request);
    }
    String path = path(r);
    UpstreamStream stream = new UpstreamStream(r, sink, source(path));
    CompletableFuture<Void> call = http.postJsonStream(path,
        LlmRequestWriter.write(withStream(r, true), http.config().model()), stream::accept);
    return cancelling(call.thenApply(ignored -> stream.finish()), call);
  }

  private LlmAnswer read(LlmRequest r, String path, byte[] body) {
    LlmAnswer a;
    try {
      a = LlmJson.readCompletion(r.chat(), body);
      UpstreamStream.requireLogprobs(a.tokens());
    } catch (InvalidAnswerException e) {
      throw new InvalidAnswerException(source(path) + " sent an unusable answer: "
          + (lacksLogprobs(body)
              ? "it carries no logprobs (answers must carry log-probabilities)"
              : e.getMessage()), e);
    }
    return new LlmAnswer(a.chat(), r.model(), a.text(), a.tokens(), a.finishReason(),
        a.promptTokens());
  }

  /** Explains a failed read: whether the server left out log-probabilities altogether. */
  private static boolean lacksLogprobs(byte[] body) {
    try {
      JsonNode logprobs = LlmJson.tree(body).path("choices").path(0).path("logprobs");
      return logprobs.isNull() || logprobs.isMissingNode();
    } catch (InvalidAnswerException notJson) {
      return false;
    }
  }

  /** Lets a caller's cancel reach the HTTP call, which then aborts and frees its connection. */
  private static CompletableFuture<TaskAnswer> cancelling(CompletableFuture<TaskAnswer> answer,
      CompletableFuture<?> call) {
    answer.whenComplete((ignored, error) -> {
      if (error instanceof CancellationException) {
        call.cancel(true);
      }
    });
    return answer;
  }

  private String source(String path) {
    return "upstream POST " + http.config().resolve(path);
  }

  private static String path(LlmRequest r) {
    return r.chat() ? "/chat/completions" : "/completions";
  }

  /** The request with {@code stream} forced, whatever the caller's copy says. */
  private static LlmRequest withStream(LlmRequest r, boolean stream) {
    if (r.stream() == stream) {
      return r;
    }
    return new LlmRequest(r.path(), r.model(), r.messages(), r.prompt(), r.temperature(),
        r.topP(), r.maxTokens(), r.stop(), r.seed(), r.logprobs(), r.topLogprobs(), stream,
        stream && r.includeUsage(), r.user());
  }

  private static <T> CompletableFuture<T> unsupported(TaskRequest request) {
    return CompletableFuture.failedFuture(new TaskException("the llm upstream backend cannot serve "
        + (request == null ? "a null request" : "a " + request.getClass().getSimpleName())));
  }

  @Override
  public void close() {
    http.close();
  }
}
