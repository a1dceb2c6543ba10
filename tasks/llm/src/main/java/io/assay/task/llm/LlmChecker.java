package io.assay.task.llm;

import io.assay.task.Checker;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.llm.model.ChatMessage;
import io.assay.task.llm.model.Generation;
import io.assay.task.llm.model.LmTokenizer;
import io.assay.task.llm.model.ReferenceLm;
import io.assay.task.llm.model.SamplingParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Checks {@code reference-lm} answers by teacher forcing: the reference model re-reads the
 * answer's tokens after the request's prompt and judges each one as the request's sampler would
 * have drawn it.
 *
 * <p>Per answer, in order:
 *
 * <ol>
 *   <li><b>Tokens.</b> The ids are rebuilt from the text with the reference tokenizer (chat:
 *       {@link ReferenceLm#chatTokens}; completion: {@code encode(prompt + text)} minus {@code
 *       encode(prompt)}, exact by the tokenizer's round-trip rule) and must spell the answer's
 *       logprob tokens one for one, the first chat token without its leading space as {@code
 *       ReferenceLmBackend} shows it. Otherwise quality 0. More tokens than max_tokens: 0.
 *   <li><b>Coarse check</b> ({@link LlmCheckerPass}): too many unlikely tokens, avoided
 *       stopping, an unjustified {@code stop} or early {@code length} finish, or text past a
 *       stop string fail the answer: quality 0, or -1 when more than {@link
 *       LlmCheckerConfig#fabricatedFraction()} of the tokens are unlikely (fabricated text).
 *       "Unlikely" follows the request's temperature and top_p, so honest answers pass at every
 *       temperature (none of 3,000 honest synthetic answers at temperatures 0 to 2 failed).
 *   <li><b>Seed.</b> With a seed the sample is reproducible: the reference's sample must have
 *       the same tokens and finish, else quality 0, "not the requested seed's sample". This
 *       catches text sampled with another seed, which no rank test can. Greedy answers
 *       (temperature 0) are reproducible without a seed and are held to the same rule ("not the
 *       greedy answer"): the reference is deterministic, so an honest miner always matches,
 *       while the rank floor alone would let another prompt's answer through. A reproduced
 *       answer that fails the coarse check is the reference's own failure, which the miner is
 *       not blamed for ("reference fails the same way").
 *   <li><b>Replay.</b> Any other failed answer is replayed: the reference answers the same
 *       request (with a seed derived from the answer) and its answer gets the same check. If it
 *       fails the same way (the same failures, and for unlikely tokens a fraction at most {@link
 *       LlmCheckerConfig#replayTolerance()} lower), the miner is not penalised: the check goes
 *       on and the reason says "reference fails the same way".
 *   <li><b>Fine check.</b> At up to {@link LlmCheckerConfig#finePositions()} positions (the
 *       first, the last, unlikely ones, then random ones from a generator seeded by the answer,
 *       so a result never changes) the miner's claimed log-probability is compared with the
 *       reference's; their mean absolute difference {@code d} gives quality {@code max(0, 1 -
 *       d / logprobScale)}. The reference is deterministic, so an honest {@code d} is 0 to
 *       rounding.
 * </ol>
 *
 * <p>Thread-safe and stateless; the model is the process-wide {@link ReferenceLm#shared()}.
 * Checking is CPU work on the calling thread, about 0.2 ms per answer token (the reference's
 * whole distribution at each position), plus a generation when the answer is reproducible.
 */
final class LlmChecker implements Checker {

  private final LlmCheckerConfig config;
  private final ReferenceLm lm = ReferenceLm.shared();

  LlmChecker() {
    this(LlmCheckerConfig.defaults());
  }

  LlmChecker(LlmCheckerConfig config) {
    this.config = config;
  }

  /** @throws IllegalArgumentException when an item is not an llm request and answer */
  @Override
  public List<CheckResult> check(List<CheckItem> items) {
    List<CheckResult> results = new ArrayList<>(items.size());
    for (CheckItem item : items) {
      results.add(check(request(item.request()), answer(item.answer())));
    }
    return results;
  }

  CheckResult check(LlmRequest request, LlmAnswer answer) {
    int[] prompt = request.chat() ? lm.chatPrompt(messages(request))
        : lm.completionPrompt(request.prompt());
    int[] ids = rebuild(request, answer, prompt);
    if (ids == null) {
      return new CheckResult(0, "the tokens are not the reference tokenizer's for the text");
    }
    if (ids.length > request.maxTokens()) {
      return new CheckResult(0, ids.length + " tokens, more than max_tokens "
          + request.maxTokens());
    }
    LlmCheckerPass pass =
        LlmCheckerPass.run(lm, prompt, ids, request, answer.finishReason(), config);
    // Greedy decoding needs no seed to be reproduced; sampling needs the request's.
    boolean greedy = request.temperature() == 0;
    boolean reproducible = greedy || request.seed() != null;
    String excuse = null;
    if (reproducible || !pass.passed()) {
      long seed = request.seed() != null ? request.seed() : FineCheck.key(answer);
      Generation replay = lm.generate(prompt, new SamplingParams(request.temperature(),
          request.topP(), request.maxTokens(), request.stop(), seed, 0), null);
      boolean identical = Arrays.equals(replay.ids(), ids)
          && replay.finishReason().equals(answer.finishReason());
      if (reproducible && !identical) {
        return !pass.passed() ? failure(pass) : new CheckResult(0,
            greedy ? "not the greedy answer" : "not the requested seed's sample");
      }
      if (!pass.passed()) {
        if (!identical && !failsTheSameWay(pass, LlmCheckerPass.run(lm, prompt, replay.ids(),
            request, replay.finishReason(), config))) {
          return failure(pass);
        }
        excuse = "reference fails the same way: " + pass.detail();
      }
    }
    double d = FineCheck.meanDistance(answer, pass.logprobs(), pass.unlikely(),
        config.finePositions());
    double quality = Math.max(0, 1 - d / config.logprobScale());
    String reason = excuse != null ? excuse
        : d == 0 ? "ok"
        : String.format(Locale.ROOT, "claimed logprobs off by %.3g on average", d);
    return new CheckResult(quality, reason);
  }

  private CheckResult failure(LlmCheckerPass pass) {
    boolean fabricated = pass.failures().contains(LlmCheckerPass.Failure.UNLIKELY_TOKENS)
        && pass.unlikelyFraction() > config.fabricatedFraction();
    return new CheckResult(fabricated ? -1 : 0, pass.detail());
  }

  /** The reference's own answer fails at least as the miner's does, up to sampling noise. */
  private boolean failsTheSameWay(LlmCheckerPass miner, LlmCheckerPass reference) {
    return reference.failures().containsAll(miner.failures())
        && (!miner.failures().contains(LlmCheckerPass.Failure.UNLIKELY_TOKENS)
            || miner.unlikelyFraction()
                <= reference.unlikelyFraction() + config.replayTolerance());
  }

  /**
   * The answer's token ids under the reference tokenizer, or null when they do not spell the
   * answer's logprob tokens one for one.
   */
  private int[] rebuild(LlmRequest request, LlmAnswer answer, int[] prompt) {
    LmTokenizer tokenizer = lm.tokenizer();
    int[] ids;
    if (request.chat()) {
      ids = lm.chatTokens(answer.text());
    } else {
      int[] all = tokenizer.encode(request.prompt() + answer.text());
      if (all.length < prompt.length
          || !Arrays.equals(all, 0, prompt.length, prompt, 0, prompt.length)) {
        return null; // the text merged into the prompt's last token: not a continuation
      }
      ids = Arrays.copyOfRange(all, prompt.length, all.length);
    }
    if (ids.length != answer.tokens().size()) {
      return null;
    }
    for (int i = 0; i < ids.length; i++) {
      String expected = tokenizer.tokenText(ids[i]);
      if (i == 0 && request.chat()) {
        expected = ReferenceLm.chatContent(expected);
      }
      if (!expected.equals(answer.tokens().get(i).token())) {
        return null;
      }
    }
    return ids;
  }

  private static List<ChatMessage> messages(LlmRequest request) {
    List<ChatMessage> out = new ArrayList<>(request.messages().size());
    request.messages().forEach(m -> out.add(new ChatMessage(m.role(), m.content())));
    return out;
  }

  private static LlmRequest request(TaskRequest request) {
    if (request instanceof LlmRequest r) {
      return r;
    }
    throw new IllegalArgumentException("the llm checker was given a "
        + (request == null ? "null request" : request.getClass().getName()));
  }

  private static LlmAnswer answer(TaskAnswer answer) {
    if (answer instanceof LlmAnswer a) {
      return a;
    }
    throw new IllegalArgumentException("the llm checker was given a "
        + (answer == null ? "null answer" : answer.getClass().getName()));
  }
}
