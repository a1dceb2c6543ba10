package io.assay.task.embeddings;

import io.assay.task.Backend;
import io.assay.task.InvalidAnswerException;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.upstream.OpenAiHttp;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Serves embeddings from an OpenAI-compatible server ({@code POST {baseUrl}/embeddings}: vLLM,
 * Ollama's {@code /v1}, TEI, llama.cpp server), asking for float vectors under the upstream's own
 * model name and reading the reply exactly as a miner's answer is read.
 *
 * <p>Never blocks; the stage completes on the HTTP client's threads. It fails with {@link
 * io.assay.task.upstream.UpstreamException} when the server refuses, cannot be reached or is too
 * slow, and with {@link InvalidAnswerException} when its reply does not fit the request.
 */
final class UpstreamEmbeddingsBackend implements Backend {

  private final TaskSpec spec;
  private final EmbeddingsTask task;
  private final OpenAiHttp http;

  UpstreamEmbeddingsBackend(TaskSpec spec, EmbeddingsTask task, OpenAiHttp http) {
    this.spec = spec;
    this.task = task;
    this.http = http;
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    if (!(request instanceof EmbeddingsRequest r)) {
      return CompletableFuture.failedFuture(new TaskException(spec.id() + " cannot serve a "
          + (request == null ? "null request" : request.getClass().getSimpleName())));
    }
    byte[] body = WireFormat.embeddingsRequest(http.config().model(), r.input());
    return http.postJson("/embeddings", body)
        // Off the caller's event loop: a batch of embeddings can be megabytes of JSON.
        .thenApplyAsync(reply -> read(r, reply));
  }

  private TaskAnswer read(EmbeddingsRequest request, byte[] reply) {
    try {
      return task.readAnswer(request, reply);
    } catch (InvalidAnswerException e) {
      throw new InvalidAnswerException("upstream " + http.config().resolve("/embeddings")
          + " for " + spec.id() + " sent an unusable answer: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
