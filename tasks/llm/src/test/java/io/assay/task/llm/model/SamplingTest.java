package io.assay.task.llm.model;

import static io.assay.task.llm.model.LmFixtures.LM;
import static io.assay.task.llm.model.LmFixtures.QUESTIONS;
import static io.assay.task.llm.model.LmFixtures.chat;
import static io.assay.task.llm.model.LmFixtures.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplingTest {

  @Test
  void maxTokensReached_finishesWithLength() {
    Generation g = LM.generate(chat("Tell me about history."), SamplingParams.sampled(1, 5, 1),
        null);
    assertThat(g.tokens()).hasSize(5);
    assertThat(g.finishReason()).isEqualTo(Generation.LENGTH);
    assertThat(g.text()).isEqualTo(LM.tokenizer().decode(g.ids()));
  }

  @Test
  void zeroMaxTokens_generatesNothing() {
    Generation g = LM.generate(chat("Hi"), SamplingParams.greedy(0), null);
    assertThat(g.tokens()).isEmpty();
    assertThat(g.text()).isEmpty();
    assertThat(g.finishReason()).isEqualTo(Generation.LENGTH);
  }

  @Test
  void endOfSequence_finishesWithStop_andIsNotInTheAnswer() {
    int[] prompt = chat("Tell me about cooking.");
    Generation g = LM.generate(prompt, SamplingParams.greedy(200), null);
    assertThat(g.finishReason()).isEqualTo(Generation.STOP);
    assertThat(g.ids()).doesNotContain(LM.tokenizer().eos());
    int[] done = LmFixtures.concat(prompt, g.ids());
    assertThat(LM.score(done, LM.tokenizer().eos(), 1).rank()).isZero();
  }

  @Test
  void promptTokens_isThePromptLength() {
    int[] prompt = chat("How do I bake bread?");
    assertThat(LM.generate(prompt, SamplingParams.greedy(3), null).promptTokens())
        .isEqualTo(prompt.length);
  }

  @Test
  void stopString_finishesWithStop_textStopsBeforeIt_tokensEndBeforeIt() {
    int[] prompt = chat("Tell me about the weather.");
    for (long seed = 0; seed < 30; seed++) {
      Generation free = LM.generate(prompt, SamplingParams.sampled(1, 60, seed), null);
      String text = free.text();
      if (text.length() < 20) {
        continue;
      }
      // A stop string starting inside the 3rd token, crossing into the next ones.
      int third = LM.tokenizer().decode(Arrays.copyOf(free.ids(), 2)).length() + 2;
      String stop = text.substring(third, Math.min(third + 6, text.length()));
      int cut = text.indexOf(stop);
      List<TokenChoice> streamed = new ArrayList<>();
      Generation g = LM.generate(prompt,
          params(1, 1, 60, seed, 0, List.of("never appears", stop)), streamed::add);
      assertThat(g.finishReason()).isEqualTo(Generation.STOP);
      assertThat(g.text()).isEqualTo(text.substring(0, cut)).doesNotContain(stop);
      String kept = LM.tokenizer().decode(g.ids());
      assertThat(g.text()).startsWith(kept);
      assertThat(g.tokens()).isEqualTo(free.tokens().subList(0, g.tokens().size()));
      int next = kept.length() + free.tokens().get(g.tokens().size()).text().length();
      assertThat(next).isGreaterThan(cut); // the first token left out reaches into the stop
      assertThat(streamed).isEqualTo(g.tokens());
    }
  }

  @Test
  void listener_getsExactlyTheKeptTokens_inOrder() {
    for (String q : QUESTIONS) {
      for (List<String> stops : List.of(List.<String>of(), List.of("."), List.of("zz", "e, t"))) {
        List<TokenChoice> streamed = new ArrayList<>();
        List<String> emittedText = new ArrayList<>();
        Generation g = LM.generate(chat(q), params(1, 1, 50, 5L, 2, stops), t -> {
          streamed.add(t);
          emittedText.add(t.text());
        });
        assertThat(streamed).isEqualTo(g.tokens());
        assertThat(g.text()).startsWith(String.join("", emittedText));
      }
    }
  }

  @Test
  void tokensHeldBackForAStopStringThatNeverCompletes_areStillDelivered() {
    int[] prompt = chat("Tell me about cooking.");
    Generation free = LM.generate(prompt, SamplingParams.greedy(40), null);
    // Starts like the 2nd token, so the 2nd token is held back until the 3rd rules it out.
    String stop = free.tokens().get(1).text() + "\u0000";
    List<TokenChoice> streamed = new ArrayList<>();
    Generation g = LM.generate(prompt, params(0, 1, 40, null, 0, List.of(stop)), streamed::add);
    assertThat(g.tokens()).isEqualTo(free.tokens());
    assertThat(streamed).isEqualTo(g.tokens());
  }

  @Test
  void tinyTopP_isGreedy_atAnyTemperature() {
    for (String q : QUESTIONS) {
      Generation greedy = LM.generate(chat(q), SamplingParams.greedy(30), null);
      Generation nucleus = LM.generate(chat(q), params(1.5, 0, 30, 11L, 0, List.of()), null);
      assertThat(nucleus.tokens()).isEqualTo(greedy.tokens());
    }
  }

  @Test
  void lowTemperature_isCloserToGreedyThanHighTemperature() {
    double cold = 0;
    double hot = 0;
    for (String q : QUESTIONS) {
      for (long seed = 0; seed < 5; seed++) {
        cold += meanLogprob(LM.generate(chat(q), SamplingParams.sampled(0.3, 30, seed), null));
        hot += meanLogprob(LM.generate(chat(q), SamplingParams.sampled(1.5, 30, seed), null));
      }
    }
    assertThat(cold).isGreaterThan(hot);
  }

  private static double meanLogprob(Generation g) {
    return g.tokens().stream().mapToDouble(TokenChoice::logprob).average().orElse(0);
  }

  @Test
  void safePrefixLength_holdsBackPossibleStopStarts() {
    assertThat(ReferenceLm.safePrefixLength("Hello wor", List.of("world"))).isEqualTo(6);
    assertThat(ReferenceLm.safePrefixLength("Hello world!", List.of("world"))).isEqualTo(6);
    assertThat(ReferenceLm.safePrefixLength("Hello", List.of("xyz"))).isEqualTo(5);
    assertThat(ReferenceLm.safePrefixLength("Hello", List.of())).isEqualTo(5);
    assertThat(ReferenceLm.safePrefixLength("a.\n", List.of("\n\n", ".\nX"))).isEqualTo(1);
    assertThat(ReferenceLm.safePrefixLength("", List.of("a"))).isZero();
  }

  @Test
  void samplingParams_rejectBadValues_namingTheParameter() {
    assertThatThrownBy(() -> params(2.5, 1, 1, null, 0, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
    assertThatThrownBy(() -> params(Double.NaN, 1, 1, null, 0, null))
        .hasMessageContaining("temperature");
    assertThatThrownBy(() -> params(1, 1.1, 1, null, 0, null)).hasMessageContaining("top_p");
    assertThatThrownBy(() -> params(1, 1, -1, null, 0, null)).hasMessageContaining("max_tokens");
    assertThatThrownBy(() -> params(1, 1, 1, null, 21, null)).hasMessageContaining("top_logprobs");
    assertThatThrownBy(() -> params(1, 1, 1, null, 0, List.of(""))).hasMessageContaining("stop");
    assertThatThrownBy(() -> params(1, 1, 1, null, 0, List.of("a", "b", "c", "d", "e")))
        .hasMessageContaining("stop");
    assertThat(params(1, 1, 1, null, 0, null).stop()).isEmpty();
  }

  @Test
  void promptIdsOutsideTheVocabulary_areRejected() {
    assertThatThrownBy(() -> LM.generate(new int[] {1 << 20}, SamplingParams.greedy(1), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocabulary");
  }
}
