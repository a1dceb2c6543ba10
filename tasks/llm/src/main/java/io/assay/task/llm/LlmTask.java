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
import java.util.random.RandomGenerator;

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

  /**
   * {@code request} with a fresh seed when it has one: non-negative and below {@link
   * SyntheticChats#SEED_BOUND}, like the generator's, and never its old one. A request without a
   * seed keeps none: unseeded sampling is part of what its user asked for, and is checked
   * without the seed's replay.
   */
  @Override
  public TaskRequest reseed(TaskRequest request, RandomGenerator random) {
    LlmRequest r = cast(request);
    return r.seed() == null ? r : r.withSeed(freshSeed(random, r.seed(), null));
  }

  /**
   * The messages or prompt of {@code content}, on its path (chat or completions), with {@code
   * shape}'s temperature, top_p, max_tokens, stop sequences, logprobs, top_logprobs, stream and
   * include_usage, and a fresh seed (as {@link #reseed} draws it) exactly when {@code shape} has
   * a seed. When the paths differ the alternatives per token are clamped to what the content's
   * path allows (chat {@code top_logprobs} up to {@value LlmRequestParser#MAX_TOP_LOGPROBS},
   * completions {@code logprobs} up to {@value LlmRequestParser#MAX_COMPLETION_LOGPROBS}): the
   * two paths ask for log-probabilities alike, with only those limits apart. The result has no
   * end-user id: it is the validator's request, not {@code shape}'s user's.
   */
  @Override
  public TaskRequest reshape(TaskRequest content, TaskRequest shape, RandomGenerator random) {
    LlmRequest c = cast(content);
    LlmRequest s = cast(shape);
    int limit = c.chat() ? LlmRequestParser.MAX_TOP_LOGPROBS
        : LlmRequestParser.MAX_COMPLETION_LOGPROBS;
    Long seed = s.seed() == null ? null : freshSeed(random, s.seed(), c.seed());
    return new LlmRequest(c.path(), c.model(), c.messages(), c.prompt(), s.temperature(),
        s.topP(), s.maxTokens(), s.stop(), seed, s.logprobs(), Math.min(s.topLogprobs(), limit),
        s.stream(), s.includeUsage(), null);
  }

  /** A seed as the generator draws them, other than {@code old} and {@code other} (nullable). */
  private static long freshSeed(RandomGenerator random, Long old, Long other) {
    long seed;
    do {
      seed = random.nextInt(SyntheticChats.SEED_BOUND);
    } while (Long.valueOf(seed).equals(old) || Long.valueOf(seed).equals(other));
    return seed;
  }

  private static LlmRequest cast(TaskRequest request) {
    if (request instanceof LlmRequest r) {
      return r;
    }
    throw new IllegalArgumentException("the llm task was given a "
        + (request == null ? "null request" : request.getClass().getName()));
  }

  private static String newId(LlmRequest r) {
    byte[] bytes = new byte[18];
    IDS.nextBytes(bytes);
    return (r.chat() ? "chatcmpl-" : "cmpl-")
        + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
