package io.assay.task.llm;

import io.assay.task.Backend;
import io.assay.task.Checker.CheckResult;
import io.assay.task.Task;
import io.assay.task.TaskSpec;
import io.assay.task.llm.model.ReferenceLm;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Shared fixtures of the checker tests: the real reference backend, requests, answers. */
final class LlmCheckerFixtures {

  static final LlmKind KIND = new LlmKind();
  static final TaskSpec SPEC = new TaskSpec("llm", ReferenceLm.MODEL_ID, 1_000_000, 64);
  static final Task TASK = KIND.bind(SPEC);
  static final ExecutorService WORKERS = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "llm-checker-test");
    t.setDaemon(true);
    return t;
  });
  static final Backend BACKEND = KIND.referenceBackend(SPEC, WORKERS).orElseThrow();
  static final LlmChecker CHECKER = new LlmChecker();

  private LlmCheckerFixtures() {}

  static LlmRequest chat(String user, double temperature, Long seed, int maxTokens,
      List<String> stop) {
    return new LlmRequest(LlmRequest.CHAT_PATH, ReferenceLm.MODEL_ID,
        List.of(new LlmRequest.Message("system", "You answer briefly and clearly."),
            new LlmRequest.Message("user", user)),
        null, temperature, 1.0, maxTokens, stop, seed, true, 2, false, false, null);
  }

  static LlmRequest completion(String prompt, double temperature, Long seed, int maxTokens) {
    return new LlmRequest(LlmRequest.COMPLETIONS_PATH, ReferenceLm.MODEL_ID, List.of(), prompt,
        temperature, 1.0, maxTokens, List.of(), seed, false, 0, false, false, null);
  }

  static LlmRequest withTopP(LlmRequest r, double topP) {
    return new LlmRequest(r.path(), r.model(), r.messages(), r.prompt(), r.temperature(), topP,
        r.maxTokens(), r.stop(), r.seed(), r.logprobs(), r.topLogprobs(), r.stream(),
        r.includeUsage(), r.user());
  }

  static LlmRequest withSeed(LlmRequest r, Long seed) {
    return new LlmRequest(r.path(), r.model(), r.messages(), r.prompt(), r.temperature(),
        r.topP(), r.maxTokens(), r.stop(), seed, r.logprobs(), r.topLogprobs(), r.stream(),
        r.includeUsage(), r.user());
  }

  /**
   * The reference's answer to {@code request} sampled with {@code seed}, as an honest miner
   * answers a request without a seed: deterministic, and checked without the seed check.
   */
  static LlmAnswer serveWithSeed(LlmRequest request, long seed) {
    return serve(withSeed(request, seed));
  }

  static LlmRequest streamed(LlmRequest r) {
    return new LlmRequest(r.path(), r.model(), r.messages(), r.prompt(), r.temperature(),
        r.topP(), r.maxTokens(), r.stop(), r.seed(), r.logprobs(), r.topLogprobs(), true, true,
        r.user());
  }

  /** The reference backend's whole answer. */
  static LlmAnswer serve(LlmRequest request) {
    return (LlmAnswer) BACKEND.serve(request).toCompletableFuture()
        .orTimeout(30, TimeUnit.SECONDS).join();
  }

  static CheckResult check(LlmRequest request, LlmAnswer answer) {
    return CHECKER.check(request, answer);
  }

  /** The answer with other tokens; text and finish reason follow the tokens given. */
  static LlmAnswer withTokens(LlmAnswer answer, List<LlmAnswer.TokenLogprob> tokens,
      String finishReason) {
    return new LlmAnswer(answer.chat(), answer.model(), LlmJson.join(tokens), List.copyOf(tokens),
        finishReason, answer.promptTokens());
  }

  /** Every claimed log-probability moved by {@code delta}. */
  static LlmAnswer shifted(LlmAnswer answer, double delta) {
    List<LlmAnswer.TokenLogprob> tokens = new ArrayList<>();
    answer.tokens().forEach(t ->
        tokens.add(new LlmAnswer.TokenLogprob(t.token(), t.logprob() + delta, t.top())));
    return withTokens(answer, tokens, answer.finishReason());
  }
}
