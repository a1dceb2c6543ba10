package io.assay.task.llm;

import io.assay.task.InvalidAnswerException;
import io.assay.task.StreamRelay;
import io.assay.task.SyntheticGenerator;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;

/** One configured llm task: work is counted in output tokens. */
final class LlmTask implements Task {

  private static final SecureRandom IDS = new SecureRandom();

  private final TaskSpec spec;
  private final Clock clock;

  LlmTask(TaskSpec spec, Clock clock) {
    this.spec = spec;
    this.clock = clock;
  }

  @Override
  public TaskSpec spec() {
    return spec;
  }

  /** Reserves {@code max_tokens}: the most the answer can cost. */
  @Override
  public long estimateUnits(TaskRequest request) {
    return ((LlmRequest) request).maxTokens();
  }

  @Override
  public byte[] minerRequestBody(TaskRequest request) {
    return LlmRequestWriter.write((LlmRequest) request, request.model());
  }

  @Override
  public TaskAnswer readAnswer(TaskRequest request, byte[] body) {
    LlmRequest r = (LlmRequest) request;
    LlmAnswer answer = LlmJson.readCompletion(r.chat(), body);
    if (answer.completionTokens() > r.maxTokens()) {
      throw new InvalidAnswerException("the answer has " + answer.completionTokens()
          + " tokens, more than max_tokens " + r.maxTokens());
    }
    return answer;
  }

  @Override
  public long units(TaskRequest request, TaskAnswer answer) {
    return ((LlmAnswer) answer).completionTokens();
  }

  @Override
  public byte[] publicResponseBody(TaskRequest request, TaskAnswer answer) {
    LlmRequest r = (LlmRequest) request;
    return LlmJson.completion((LlmAnswer) answer, newId(r), clock.millis() / 1000, r.model(),
        r.logprobs() ? r.topLogprobs() : LlmJson.LOGPROBS_NONE);
  }

  @Override
  public StreamRelay streamRelay(TaskRequest request) {
    LlmRequest r = (LlmRequest) request;
    return new LlmStreamRelay(r, newId(r), clock.millis() / 1000);
  }

  @Override
  public Map<String, Long> usage(TaskRequest request, TaskAnswer answer) {
    LlmAnswer a = (LlmAnswer) answer;
    return Map.of("prompt_tokens", (long) a.promptTokens(),
        "completion_tokens", (long) a.completionTokens());
  }

  @Override
  public SyntheticGenerator syntheticGenerator() {
    return new SyntheticChats(spec.model());
  }

  private static String newId(LlmRequest r) {
    byte[] bytes = new byte[18];
    IDS.nextBytes(bytes);
    return (r.chat() ? "chatcmpl-" : "cmpl-")
        + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
