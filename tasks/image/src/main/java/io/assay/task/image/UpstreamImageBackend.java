package io.assay.task.image;

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
 * Serves pictures from an OpenAI-images-compatible server ({@code POST
 * {baseUrl}/images/generations}, and {@code POST {baseUrl}/images/edits} for edits: LocalAI,
 * SD.Next or a diffusers wrapper), under the upstream's own model name, asking for {@code
 * b64_json} with every choice explicit (size, steps, seed, guidance, negative prompt; for an edit
 * the strength, and the canonical pictures and mask as PNG files in {@code multipart/form-data}),
 * and reading the reply exactly as a miner's answer is read.
 *
 * <p>Never blocks; the stage completes on the HTTP client's threads. It fails with {@link
 * io.assay.task.upstream.UpstreamException} when the server refuses, cannot be reached or is too
 * slow, and with {@link InvalidAnswerException} when its reply does not fit the request (wrong
 * count or size, not PNG, URLs instead of bytes).
 */
final class UpstreamImageBackend implements Backend {

  static final String PATH = "/images/generations";
  static final String EDITS_PATH = "/images/edits";

  private final TaskSpec spec;
  private final ImageTask task;
  private final OpenAiHttp http;

  UpstreamImageBackend(TaskSpec spec, ImageTask task, OpenAiHttp http) {
    this.spec = spec;
    this.task = task;
    this.http = http;
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    if (!(request instanceof ImageRequest raw)) {
      return CompletableFuture.failedFuture(new TaskException(spec.id() + " cannot serve a "
          + (request == null ? "null request" : request.getClass().getSimpleName())));
    }
    ImageRequest r;
    try {
      r = task.resolve(raw);
    } catch (TaskException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<byte[]> reply;
    String path;
    if (r.isEdit()) {
      path = EDITS_PATH;
      WireFormat.Body edit = WireFormat.editRequest(http.config().model(), r,
          ImageTask.seedOf(r));
      reply = http.post(path, edit.contentType(), edit.body());
    } else {
      path = PATH;
      reply = http.postJson(path, WireFormat.generationRequest(http.config().model(), r,
          r.size(), r.steps(), ImageTask.seedOf(r), r.guidanceScale()));
    }
    // Off the caller's event loop: decoding and checking pictures takes milliseconds.
    return reply.thenApplyAsync(body -> read(r, body, path));
  }

  private TaskAnswer read(ImageRequest request, byte[] reply, String path) {
    try {
      return task.readAnswer(request, reply);
    } catch (InvalidAnswerException e) {
      throw new InvalidAnswerException("upstream " + http.config().resolve(path) + " for "
          + spec.id() + " sent an unusable answer: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
