package io.assay.task.image;

import io.assay.task.Backend;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves {@value ReferenceImageEngine#MODEL_ID} pictures by drawing them with {@link
 * ReferenceImageEngine} on the worker executor, one task per picture so that a request for
 * several pictures spreads over the workers. Picture {@code i} uses the request's seed plus
 * {@code i}.
 *
 * <p>At most {@value #MAX_QUEUED_PICTURES} pictures wait or run at once; beyond that, for
 * requests the model cannot draw and after {@link #close}, the stage fails at once with {@link
 * TaskException}. Thread-safe; {@link #serve} never blocks.
 */
final class ReferenceImageBackend implements Backend {

  static final int MAX_QUEUED_PICTURES = 64;

  private final TaskSpec spec;
  private final ImageTask task;
  private final Executor workers;
  private final Clock clock;
  private final AtomicInteger pending = new AtomicInteger();
  private volatile boolean closed;

  ReferenceImageBackend(TaskSpec spec, ImageTask task, Executor workers) {
    this(spec, task, workers, Clock.systemUTC());
  }

  ReferenceImageBackend(TaskSpec spec, ImageTask task, Executor workers, Clock clock) {
    this.spec = spec;
    this.task = task;
    this.workers = workers;
    this.clock = clock;
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    if (!(request instanceof ImageRequest raw)) {
      return CompletableFuture.failedFuture(new TaskException(spec.id() + " cannot serve a "
          + (request == null ? "null request" : request.getClass().getSimpleName())));
    }
    if (!spec.model().equals(raw.model())) {
      return CompletableFuture.failedFuture(new TaskException(
          spec.id() + " cannot serve model " + raw.model()));
    }
    if (closed) {
      return CompletableFuture.failedFuture(new TaskException(spec.id() + " backend is closed"));
    }
    ImageRequest r;
    try {
      r = task.resolve(raw);
    } catch (TaskException e) {
      return CompletableFuture.failedFuture(e);
    }
    int n = r.n();
    if (pending.addAndGet(n) > MAX_QUEUED_PICTURES) {
      pending.addAndGet(-n);
      return CompletableFuture.failedFuture(new TaskException(spec.id()
          + " reference engine is overloaded: more than " + MAX_QUEUED_PICTURES
          + " pictures are waiting"));
    }
    List<CompletableFuture<ImageAnswer.Image>> pictures = new ArrayList<>(n);
    long seed = ImageTask.seedOf(r);
    for (int i = 0; i < n; i++) {
      ReferenceImageEngine.Params params = ImageChecker.params(r, seed + i);
      CompletableFuture<ImageAnswer.Image> picture = new CompletableFuture<>();
      pictures.add(picture);
      try {
        workers.execute(() -> draw(params, picture));
      } catch (RejectedExecutionException e) {
        pending.decrementAndGet();
        picture.completeExceptionally(new TaskException(
            spec.id() + " worker executor refused the picture", e));
      }
    }
    CompletableFuture<TaskAnswer> result = new CompletableFuture<>();
    CompletableFuture.allOf(pictures.toArray(CompletableFuture[]::new))
        .whenComplete((ignored, error) -> {
          List<ImageAnswer.Image> images = new ArrayList<>(n);
          for (CompletableFuture<ImageAnswer.Image> picture : pictures) {
            if (picture.isCompletedExceptionally()) {
              // The TaskException itself, not the CompletionException allOf wraps it in.
              picture.exceptionally(e -> {
                result.completeExceptionally(e);
                return null;
              });
              return;
            }
            images.add(picture.join());
          }
          result.complete(new ImageAnswer(clock.instant().getEpochSecond(), images));
        });
    return result;
  }

  private void draw(ReferenceImageEngine.Params params, CompletableFuture<ImageAnswer.Image> out) {
    try {
      if (closed) {
        throw new TaskException(spec.id() + " backend closed before the picture was drawn");
      }
      out.complete(new ImageAnswer.Image(ReferenceImageEngine.render(params).png(), null));
    } catch (TaskException e) {
      out.completeExceptionally(e);
    } catch (RuntimeException | OutOfMemoryError e) {
      out.completeExceptionally(new TaskException(spec.id() + " reference engine failed: " + e,
          e));
    } finally {
      pending.decrementAndGet();
    }
  }

  /** Stops taking requests; pictures not yet started fail, those being drawn finish. */
  @Override
  public void close() {
    closed = true;
  }
}
