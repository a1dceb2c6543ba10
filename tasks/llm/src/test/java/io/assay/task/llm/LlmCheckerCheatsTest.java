package io.assay.task.llm;

import static io.assay.task.llm.LlmCheckerFixtures.chat;
import static io.assay.task.llm.LlmCheckerFixtures.check;
import static io.assay.task.llm.LlmCheckerFixtures.completion;
import static io.assay.task.llm.LlmCheckerFixtures.serve;
import static io.assay.task.llm.LlmCheckerFixtures.serveWithSeed;
import static io.assay.task.llm.LlmCheckerFixtures.shifted;
import static io.assay.task.llm.LlmCheckerFixtures.withSeed;
import static io.assay.task.llm.LlmCheckerFixtures.withTokens;
import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.Checker;
import io.assay.task.Checker.CheckResult;
import io.assay.task.llm.model.ChatMessage;
import io.assay.task.llm.model.LmTokenizer;
import io.assay.task.llm.model.ReferenceLm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Answers edited the ways a dishonest miner would: each one is caught. */
class LlmCheckerCheatsTest {

  private static final ReferenceLm LM = ReferenceLm.shared();

  @Test
  void textSampledWithAnotherSeed_fails() {
    LlmRequest r = chat("Tell me about cooking.", 0.9, 1L, 64, List.of());
    LlmAnswer other = serveWithSeed(r, 2);
    assertThat(other.text()).isNotEqualTo(serve(r).text());
    CheckResult result = check(r, other);
    assertThat(result.quality()).isZero();
    assertThat(result.reason()).isEqualTo("not the requested seed's sample");
  }

  @Test
  void randomWordsFromTheVocabulary_areALie() {
    LmTokenizer tokenizer = LM.tokenizer();
    SplittableRandom random = new SplittableRandom(9);
    for (LlmRequest r : List.of(chat("How do I start investing?", 0.7, null, 64, List.of()),
        completion("How do I start investing?", 1.0, null, 64))) {
      List<LlmAnswer.TokenLogprob> tokens = new ArrayList<>();
      while (tokens.size() < 30) {
        String word = tokenizer.tokenText(random.nextInt(tokenizer.vocabSize()));
        if (word.matches(" [a-z]+")) {
          tokens.add(new LlmAnswer.TokenLogprob(tokens.isEmpty() && r.chat() ? word.substring(1)
              : word, -2.5, List.of()));
        }
      }
      CheckResult result = check(r, withTokens(serve(r), tokens, "length"));
      assertThat(result.quality()).as(result.reason()).isEqualTo(-1);
      assertThat(result.reason()).contains("tokens unlikely");
    }
  }

  /**
   * Caught when the answer is reproducible: greedy, or sampled with a seed. (Sampled without a
   * seed, another prompt's answer can be a plausible sample of this small model, which lets the
   * topic follow the answer's own words after a token or two: the coarse check cannot refuse
   * what the reference itself might write.)
   */
  @Test
  void theAnswerToAnotherPrompt_fails() {
    LlmRequest greedy = chat("How do I start investing?", 0, null, 64, List.of());
    LlmAnswer weather = serve(chat("Tell me about the weather in the mountains.", 0, null, 64,
        List.of()));
    assertThat(check(greedy, weather)).isEqualTo(new CheckResult(0, "not the greedy answer"));
    int differing = 0;
    for (long seed = 0; seed < 10; seed++) {
      LlmRequest asked = chat("How do I start investing?", 0.7, seed, 64, List.of());
      LlmAnswer other = serve(chat("How can I get better at tennis?", 0.7, seed, 64, List.of()));
      if (other.text().equals(serve(asked).text())) {
        continue; // the same generic sample: not another answer at all
      }
      differing++;
      CheckResult result = check(asked, other);
      assertThat(result.quality()).as(result.reason()).isLessThanOrEqualTo(0);
    }
    assertThat(differing).isGreaterThan(5);
  }

  @Test
  void aTruncatedAnswerClaimingStop_fails() {
    LlmRequest unseeded = chat("Tell me about history.", 0.8, null, 80, List.of());
    long seed = 0;
    LlmAnswer whole = serveWithSeed(unseeded, seed);
    while (whole.tokens().size() < 30) {
      whole = serveWithSeed(unseeded, ++seed);
    }
    // Cut after a word in mid-sentence, where the reference would not end.
    int cut = 15;
    while (!whole.tokens().get(cut - 1).token().matches(" [a-z]+")) {
      cut++;
    }
    LlmAnswer truncated = withTokens(whole, whole.tokens().subList(0, cut), "stop");
    CheckResult coarse = check(unseeded, truncated);
    assertThat(coarse.quality()).as(coarse.reason()).isZero();
    assertThat(coarse.reason()).contains("finish_reason stop where neither");
    assertThat(check(withSeed(unseeded, seed), truncated).quality()).isZero();
  }

  @Test
  void claimedLogprobsShiftedBySevenTenths_failTheFineCheck() {
    LlmRequest r = chat("What should I pack for a trip to Lisbon?", 0.8, 12L, 48, List.of());
    CheckResult result = check(r, shifted(serve(r), 0.7));
    assertThat(result.quality()).isZero();
    assertThat(result.reason()).isEqualTo("claimed logprobs off by 0.700 on average");
    CheckResult slightly = check(r, shifted(serve(r), 0.1));
    assertThat(slightly.quality()).isCloseTo(0.8, org.assertj.core.api.Assertions.within(1e-6));
  }

  @Test
  void moreTokensThanMaxTokens_fails() {
    LlmRequest r = chat("Tell me about music.", 0.8, 3L, 30, List.of());
    LlmAnswer answer = serve(withMaxTokens(r, 40));
    assertThat(answer.tokens().size()).isGreaterThan(30);
    CheckResult result = check(r, answer);
    assertThat(result.quality()).isZero();
    assertThat(result.reason()).contains("more than max_tokens 30");
  }

  @Test
  void aLengthFinishBeforeMaxTokens_fails() {
    LlmRequest r = chat("Tell me about music.", 0.8, null, 60, List.of());
    LlmAnswer whole = serveWithSeed(r, 3);
    LlmAnswer early = withTokens(whole, whole.tokens().subList(0, 10), "length");
    CheckResult result = check(r, early);
    assertThat(result.quality()).isZero();
    assertThat(result.reason()).contains("finish_reason length after 10 of max_tokens 60");
  }

  /** Paid per token, a miner may ignore the end token to write longer answers. */
  @Test
  void anAnswerThatIgnoresTheEndToken_avoidedStopping() {
    for (double temperature : new double[] {0, 0.5}) {
      LlmRequest r = chat("How much sleep do I need?", temperature, null, 100, List.of());
      int[] prompt = LM.chatPrompt(List.of(new ChatMessage("system", r.messages().get(0)
          .content()), new ChatMessage("user", r.messages().get(1).content())));
      List<LlmAnswer.TokenLogprob> tokens = new ArrayList<>();
      int[] context = prompt;
      while (tokens.size() < r.maxTokens()) {
        double[] lp = LM.nextLogProbs(context);
        lp[LM.tokenizer().eos()] = Double.NEGATIVE_INFINITY;
        int best = 0;
        for (int w = 1; w < lp.length; w++) {
          best = lp[w] > lp[best] ? w : best;
        }
        String text = LM.tokenizer().tokenText(best);
        tokens.add(new LlmAnswer.TokenLogprob(tokens.isEmpty() ? text.substring(1) : text,
            lp[best], List.of()));
        context = Arrays.copyOf(context, context.length + 1);
        context[context.length - 1] = best;
      }
      CheckResult result = check(r, withTokens(serveWithSeed(r, 1), tokens, "length"));
      assertThat(result.quality()).as(result.reason()).isLessThanOrEqualTo(0);
      assertThat(result.reason()).contains("avoided stopping");
    }
  }

  @Test
  void textRunningPastAStopSequence_fails() {
    LlmRequest free = chat("Tell me about cooking.", 0.8, null, 80, List.of());
    LlmAnswer answer = serveWithSeed(free, 6);
    assertThat(answer.text()).contains(".");
    CheckResult result = check(chat("Tell me about cooking.", 0.8, null, 80, List.of(".")),
        answer);
    assertThat(result.quality()).isZero();
    assertThat(result.reason()).contains("text runs past stop sequence \".\"");
  }

  @Test
  void tokensThatDoNotSpellTheTextTheReferenceWay_fail() {
    LlmRequest r = chat("Tell me about cooking.", 0.8, 8L, 40, List.of());
    LlmAnswer honest = serve(r);
    List<LlmAnswer.TokenLogprob> split = new ArrayList<>(honest.tokens());
    LlmAnswer.TokenLogprob second = split.remove(1);
    split.add(1, new LlmAnswer.TokenLogprob(second.token().substring(0, 2), -1, List.of()));
    split.add(2, new LlmAnswer.TokenLogprob(second.token().substring(2), -1, List.of()));
    CheckResult result = check(r, withTokens(honest, split, honest.finishReason()));
    assertThat(result.quality()).isZero();
    assertThat(result.reason()).contains("not the reference tokenizer's");
    assertThat(check(withSeed(r, 8L), honest).quality()).isGreaterThan(0.999);
  }

  @Test
  void aMixedBatch_getsOneResultPerItemInOrder() {
    List<Checker.CheckItem> items = new ArrayList<>();
    List<Double> expected = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      LlmRequest r = chat("Tell me about cooking.", 0.8, (long) i, 40, List.of());
      LlmAnswer honest = serve(r);
      items.add(new Checker.CheckItem(r, i % 3 == 0 ? honest
          : i % 3 == 1 ? shifted(honest, 0.7) : serve(withSeed(r, i + 100L))));
      expected.add(i % 3 == 0 ? 1.0 : 0.0);
    }
    assertThat(LlmCheckerFixtures.CHECKER.check(items)).extracting(CheckResult::quality)
        .containsExactlyElementsOf(expected);
  }

  private static LlmRequest withMaxTokens(LlmRequest r, int maxTokens) {
    return new LlmRequest(r.path(), r.model(), r.messages(), r.prompt(), r.temperature(),
        r.topP(), maxTokens, r.stop(), r.seed(), r.logprobs(), r.topLogprobs(), r.stream(),
        r.includeUsage(), r.user());
  }
}
