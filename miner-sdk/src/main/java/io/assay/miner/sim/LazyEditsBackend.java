package io.assay.miner.sim;

import io.assay.task.Backend;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.image.ImageRequest;
import java.util.concurrent.CompletionStage;

/**
 * {@link Behaviour#LAZY_EDITS}: an image edit without a mask is served as a generation of its
 * prompt, one with a mask as an edit of the whole picture. Either way the answer has the right
 * size and count and looks like an edit of the prompt; only the checker, drawing the edit again
 * from its pictures and mask, sees that it is not one. Everything else is served honestly.
 */
final class LazyEditsBackend extends ForwardingBackend {

  LazyEditsBackend(Backend honest) {
    super(honest);
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    return Stages.call(() -> honest.serve(lazy(request)));
  }

  /** What this miner draws instead of {@code request}. */
  static TaskRequest lazy(TaskRequest request) {
    if (!(request instanceof ImageRequest r) || !r.isEdit()) {
      return request;
    }
    return r.edit().mask() == null ? r.asGeneration()
        : r.withEdit(r.edit().withoutMask());
  }
}
