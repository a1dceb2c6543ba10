package io.assay.task.llm.model;

import static io.assay.task.llm.model.LmFixtures.LM;
import static io.assay.task.llm.model.LmFixtures.QUESTIONS;
import static io.assay.task.llm.model.LmFixtures.chat;
import static io.assay.task.llm.model.LmFixtures.params;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeterminismTest {

  @Test
  void sameSeed_givesIdenticalTokensAndBitIdenticalLogprobs() {
    for (String q : QUESTIONS) {
      SamplingParams p = params(0.9, 0.95, 60, 42L, 5, List.of());
      Generation a = LM.generate(chat(q), p, null);
      Generation b = LM.generate(chat(q), p, null);
      assertThat(b.text()).isEqualTo(a.text());
      assertThat(b.finishReason()).isEqualTo(a.finishReason());
      // Records compare doubles with Double.compare, i.e. bit for bit.
      assertThat(b.tokens()).isEqualTo(a.tokens());
    }
  }

  @Test
  void differentSeeds_giveDifferentTextAtTemperatureOne_forMostPrompts() {
    int differ = 0;
    for (String q : QUESTIONS) {
      String a = LM.generate(chat(q), SamplingParams.sampled(1, 40, 1), null).text();
      String b = LM.generate(chat(q), SamplingParams.sampled(1, 40, 2), null).text();
      if (!a.equals(b)) {
        differ++;
      }
    }
    assertThat(differ).isGreaterThanOrEqualTo(QUESTIONS.size() * 3 / 4);
  }

  @Test
  void greedy_isSeedIndependent() {
    for (String q : QUESTIONS) {
      Generation a = LM.generate(chat(q), params(0, 1, 50, 1L, 3, List.of()), null);
      Generation b = LM.generate(chat(q), params(0, 0.3, 50, 99L, 3, List.of()), null);
      Generation c = LM.generate(chat(q), params(0, 1, 50, null, 3, List.of()), null);
      assertThat(b.tokens()).isEqualTo(a.tokens());
      assertThat(c.tokens()).isEqualTo(a.tokens());
    }
  }

  @Test
  void nullSeed_reportsTheSeedUsed_whichReproducesTheGeneration() {
    int[] prompt = chat("Tell me about music.");
    Generation random = LM.generate(prompt, params(1, 1, 40, null, 0, List.of()), null);
    Generation replay = LM.generate(prompt, SamplingParams.sampled(1, 40, random.seedUsed()), null);
    assertThat(replay.tokens()).isEqualTo(random.tokens());
  }

  @Test
  void independentlyTrainedModel_isBitIdentical() {
    ReferenceLm other = ReferenceLm.build();
    assertThat(other.tokenizer().vocabSize()).isEqualTo(LM.tokenizer().vocabSize());
    for (String q : List.of("Tell me about cooking.", "hello", "")) {
      int[] prompt = chat(q);
      assertThat(Arrays.equals(other.nextLogProbs(prompt), LM.nextLogProbs(prompt))).isTrue();
      SamplingParams p = params(1, 0.9, 30, 7L, 3, List.of());
      assertThat(other.generate(prompt, p, null)).isEqualTo(LM.generate(prompt, p, null));
    }
  }

  /**
   * Pins the model: a checker and a miner must compute the same numbers on every machine. A
   * change of the grammar, the corpus size or seed, or the model's arithmetic changes these
   * values; that is a new model version and must be rolled out to miners and checkers together.
   */
  @Test
  void pinnedPrompt_givesPinnedTokensAndLogprobs() {
    int[] prompt = chat("Tell me about cooking.");
    Generation g = LM.generate(prompt, SamplingParams.greedy(8), null);
    assertThat(g.text()).isEqualTo(PINNED_TEXT);
    assertThat(Double.doubleToRawLongBits(g.tokens().get(0).logprob())).isEqualTo(PINNED_BITS);
    assertThat(Arrays.hashCode(LM.nextLogProbs(prompt))).isEqualTo(PINNED_DISTRIBUTION_HASH);
  }

  static final String PINNED_TEXT = " Let the lemon tart rest for 10 minutes";
  static final long PINNED_BITS = -4610496910752650703L;
  static final int PINNED_DISTRIBUTION_HASH = 163632939;
}
