package io.assay.task.llm.model;

import static io.assay.task.llm.model.LmFixtures.LM;
import static io.assay.task.llm.model.LmFixtures.QUESTIONS;
import static io.assay.task.llm.model.LmFixtures.chat;
import static io.assay.task.llm.model.LmFixtures.concat;
import static io.assay.task.llm.model.LmFixtures.params;
import static io.assay.task.llm.model.LmFixtures.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogprobsTest {

  @Test
  void alternatives_areSortedDescending_andCarryTheChosenTokensExactLogprob() {
    int inTop = 0;
    for (String q : QUESTIONS) {
      for (long seed = 0; seed < 5; seed++) {
        Generation g = LM.generate(chat(q), params(1.3, 1, 40, seed, 20, List.of()), null);
        for (TokenChoice t : g.tokens()) {
          assertThat(t.top()).hasSize(20);
          for (int i = 1; i < t.top().size(); i++) {
            Alternative prev = t.top().get(i - 1);
            Alternative cur = t.top().get(i);
            assertThat(cur.logprob()).isLessThanOrEqualTo(prev.logprob());
            if (cur.logprob() == prev.logprob()) {
              assertThat(cur.id()).isGreaterThan(prev.id());
            }
          }
          assertThat(t.logprob()).isLessThanOrEqualTo(t.top().get(0).logprob());
          for (Alternative a : t.top()) {
            if (a.id() == t.id()) {
              inTop++;
              assertThat(Double.doubleToRawLongBits(a.logprob()))
                  .isEqualTo(Double.doubleToRawLongBits(t.logprob()));
              assertThat(a.text()).isEqualTo(t.text());
            }
          }
        }
      }
    }
    assertThat(inTop).isPositive();
  }

  @Test
  void fullDistribution_sumsToOne() {
    List<int[]> contexts = new ArrayList<>();
    for (String q : QUESTIONS) {
      contexts.add(chat(q));
      contexts.add(LM.completionPrompt(q));
    }
    contexts.add(new int[0]);
    contexts.add(new int[] {200, 201, 5, 999, 3000}); // raw bytes, controls, words, pieces
    contexts.add(LM.completionPrompt("Ünïcödé and xyzzy quux 12345 ?!"));
    for (int[] context : contexts) {
      double[] lp = LM.nextLogProbs(context);
      assertThat(lp).hasSize(LM.tokenizer().vocabSize());
      double sum = 0;
      for (double x : lp) {
        sum += StrictMath.exp(x);
      }
      assertThat(sum).isCloseTo(1.0, within(1e-9));
    }
  }

  @Test
  void generatedLogprobs_equalTeacherForcedScores_bitForBit() {
    for (String q : QUESTIONS) {
      int[] prompt = chat(q);
      Generation g = LM.generate(prompt, params(1, 0.9, 30, 3L, 5, List.of()), null);
      int[] ids = g.ids();
      for (int i = 0; i < ids.length; i++) {
        int[] context = concat(prompt, prefix(ids, i));
        TokenChoice chosen = g.tokens().get(i);
        NextToken scored = LM.score(context, ids[i], 5);
        assertThat(scored.logprob()).isEqualTo(chosen.logprob());
        assertThat(scored.top()).isEqualTo(chosen.top());
        assertThat(LM.nextLogProbs(context)[ids[i]]).isEqualTo(chosen.logprob());
      }
    }
  }

  @Test
  void rankZero_isTheGreedyChoice_andRanksFollowTheOrder() {
    for (String q : QUESTIONS) {
      int[] prompt = chat(q);
      Generation g = LM.generate(prompt, SamplingParams.greedy(20), null);
      int[] ids = g.ids();
      for (int i = 0; i < ids.length; i++) {
        NextToken s = LM.score(concat(prompt, prefix(ids, i)), ids[i], 3);
        assertThat(s.rank()).isZero();
        assertThat(s.top().get(0).id()).isEqualTo(ids[i]);
      }
      NextToken top = LM.score(prompt, ids[0], 3);
      assertThat(LM.score(prompt, top.top().get(2).id(), 0).rank()).isEqualTo(2);
    }
  }

  @Test
  void tokensTheModelNeverGenerates_haveNegativeInfinity() {
    LmTokenizer t = LM.tokenizer();
    double[] lp = LM.nextLogProbs(LM.completionPrompt("The weather today"));
    assertThat(lp[0xE9]).isEqualTo(Double.NEGATIVE_INFINITY); // a raw byte
    assertThat(lp[WordTokenizer.USER]).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(lp[WordTokenizer.ASSISTANT]).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(lp[t.encode("ing")[0]]).isEqualTo(Double.NEGATIVE_INFINITY); // a spelling piece
    assertThat(lp[t.eos()]).isGreaterThan(Double.NEGATIVE_INFINITY);
    NextToken s = LM.score(LM.completionPrompt("The weather today"), 0xE9, 2);
    assertThat(s.logprob()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(s.rank()).isGreaterThan(100);
  }

  @Test
  void afterAssistantMarker_onlyWordsArePossible() {
    double[] lp = LM.nextLogProbs(chat("Tell me about sport."));
    WordTokenizer t = (WordTokenizer) LM.tokenizer();
    for (int id = 0; id < lp.length; id++) {
      if (lp[id] > Double.NEGATIVE_INFINITY) {
        assertThat(t.isSpaceWord(id)).as(t.tokenText(id)).isTrue();
      }
    }
  }

  @Test
  void scoreArguments_areChecked() {
    assertThatThrownBy(() -> LM.score(new int[] {-1}, 5, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    assertThatThrownBy(() -> LM.score(new int[0], LM.tokenizer().vocabSize(), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LM.score(new int[0], 5, 21))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topK");
  }
}
