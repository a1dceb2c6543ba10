package io.assay.task;

/**
 * One configured task (a kind bound to a model and its limits), as the gateway and the checking
 * server use it: counting work, reading and rendering answers, and making synthetic requests.
 *
 * <p>Implementations are thread-safe and do not block.
 */
public interface Task {

  TaskSpec spec();

  /** Work units a request will cost, known before it is served; used to reserve capacity. */
  long estimateUnits(TaskRequest request);

  /** The canonical body sent to a miner for {@code request}. */
  byte[] minerRequestBody(TaskRequest request);

  /**
   * The {@code Content-Type} of {@link #minerRequestBody}: JSON unless the request carries files
   * (an image edit's pictures travel as {@code multipart/form-data}, not inflated by base64).
   */
  default String minerContentType(TaskRequest request) {
    return "application/json";
  }

  /**
   * Parses and validates a miner's answer to {@code request}.
   *
   * @throws InvalidAnswerException when the answer is malformed or does not fit the request
   *     (wrong count, wrong dimension, ...)
   */
  TaskAnswer readAnswer(TaskRequest request, byte[] body);

  /** Work units actually done by {@code answer}; what the miner is credited with. */
  long units(TaskRequest request, TaskAnswer answer);

  /** The body returned to the user, in OpenAI's shape for the request's path. */
  byte[] publicResponseBody(TaskRequest request, TaskAnswer answer);

  /**
   * The body returned to the user as the gateway serves it: like {@link
   * #publicResponseBody(TaskRequest, TaskAnswer)}, for responses that show how the answer was
   * delivered (the serving miner, timings) or hand the user files by URL (images with {@code
   * response_format: "url"}), which go to {@code delivery.files()}. Completes once every file
   * in the body is published, so no URL in it can be fetched before its file is kept; fails as
   * a publish fails. Completes at once by default.
   */
  default java.util.concurrent.CompletionStage<byte[]> publicResponse(TaskRequest request,
      TaskAnswer answer, Delivery delivery) {
    return java.util.concurrent.CompletableFuture.completedFuture(
        publicResponseBody(request, answer));
  }

  /**
   * Splits a request that asks for several independent results (an image request with {@code n >
   * 1}) into requests the gateway can serve on different miners, in order; {@link #merge} joins
   * their answers. Requests that cannot be split come back alone. Also where a request gets what
   * the validator must fix before sending it, such as a seed the user left out.
   */
  default java.util.List<TaskRequest> split(TaskRequest request) {
    return java.util.List.of(request);
  }

  /** Joins the answers to {@link #split}'s parts, in their order, into one answer. */
  default TaskAnswer merge(TaskRequest request, java.util.List<TaskAnswer> parts) {
    if (parts.size() != 1) {
      throw new IllegalArgumentException(spec().id() + " cannot merge " + parts.size()
          + " answers");
    }
    return parts.get(0);
  }

  /**
   * Whether {@link #readAnswer} does CPU work too long for an event loop (verifying a proof,
   * decoding an image); if so the gateway calls it on a worker thread.
   */
  default boolean readsAnswersOnWorker() {
    return false;
  }

  /**
   * A relay for one streamed request ({@link TaskRequest#stream()}); kinds that never stream need
   * not implement it.
   */
  default StreamRelay streamRelay(TaskRequest request) {
    throw new UnsupportedOperationException(spec().kind() + " does not stream");
  }

  /**
   * Usage to record for a served answer, by name ({@code prompt_tokens}, {@code
   * completion_tokens}, ...); empty when the kind has no such counts.
   */
  default java.util.Map<String, Long> usage(TaskRequest request, TaskAnswer answer) {
    return java.util.Map.of();
  }

  /**
   * For a task whose speed is judged by response time rather than work per second (zk proofs,
   * SCORING.md section 7): its timeout, to which the speed curve is clamped. Empty for the
   * others.
   */
  default java.util.Optional<java.time.Duration> responseTimeout() {
    return java.util.Optional.empty();
  }

  /**
   * For a task that proves with a circuit, the circuit's id (the SHA-256 of its verification
   * key), recorded with every outcome so an audit knows which key verified it. Empty for the
   * others.
   */
  default java.util.Optional<String> circuitId() {
    return java.util.Optional.empty();
  }

  /** Varied, realistic requests indistinguishable from a user's. */
  SyntheticGenerator syntheticGenerator();

  /**
   * {@code request} with a fresh seed drawn from {@code random}, where this kind's requests have
   * one: how the gateway replays a recent organic request to another miner as a synthetic one,
   * so that the answer differs from the one already given and cannot be copied from it.
   * Everything but the seed stays as it was; each kind says what a request that left its seed
   * out gets. Kinds without a seed return {@code request} as it is (the default).
   *
   * <p>{@code request} is a request of this task (one it parsed, split or made); the result is
   * one too, valid for {@link #split} and {@link #minerRequestBody} like a user's. Pure: the
   * argument is not changed and nothing but {@code random} is read. Implementations throw
   * {@link IllegalArgumentException} for a request of another kind.
   */
  default TaskRequest reseed(TaskRequest request, java.util.random.RandomGenerator random) {
    return request;
  }

  /**
   * A request with the content of {@code content} (the prompt or messages, the inputs, the
   * series: what the model is asked about) and the parameters of {@code shape} (how much work it
   * is and how it comes back: length limits, sampling, streaming, sizes, batch size), for
   * synthetic requests whose content comes from a replayed request, a corpus or the generator
   * and whose parameters follow a recent organic request of this task. Where the result has a
   * seed it is a fresh one from {@code random}, never {@code shape}'s or {@code content}'s.
   * Kinds whose requests have no parameters apart from their content return {@code content} as
   * it is (the default).
   *
   * <p>Both arguments are requests of this task; the result is one too, valid for {@link
   * #split} and {@link #minerRequestBody} like a user's, even when the two differ in ways the
   * kind constrains (a parameter is then brought within what the content's form allows). Pure,
   * as {@link #reseed} is; implementations throw {@link IllegalArgumentException} when either
   * argument is of another kind.
   */
  default TaskRequest reshape(TaskRequest content, TaskRequest shape,
      java.util.random.RandomGenerator random) {
    return content;
  }
}
