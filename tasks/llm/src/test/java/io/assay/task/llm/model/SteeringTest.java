package io.assay.task.llm.model;

import static io.assay.task.llm.model.LmFixtures.COOKING_WORDS;
import static io.assay.task.llm.model.LmFixtures.FINANCE_WORDS;
import static io.assay.task.llm.model.LmFixtures.LM;
import static io.assay.task.llm.model.LmFixtures.chat;
import static io.assay.task.llm.model.LmFixtures.countWords;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SteeringTest {

  private static final List<String> COOKING = List.of(
      "Tell me about cooking.", "How do I make tomato soup?", "What should I cook tonight?");
  private static final List<String> FINANCE = List.of(
      "Tell me about personal finance.", "How do I start investing?", "How do I make a budget?");

  @Test
  void cookingPrompts_getCookingAnswers_financePrompts_getFinanceAnswers() {
    StringBuilder cooking = new StringBuilder();
    StringBuilder finance = new StringBuilder();
    for (int i = 0; i < COOKING.size(); i++) {
      cooking.append(answers(chat(COOKING.get(i))));
      finance.append(answers(chat(FINANCE.get(i))));
    }
    assertThat(countWords(cooking.toString(), COOKING_WORDS))
        .isGreaterThan(3 * countWords(finance.toString(), COOKING_WORDS));
    assertThat(countWords(finance.toString(), FINANCE_WORDS))
        .isGreaterThan(3 * countWords(cooking.toString(), FINANCE_WORDS));
  }

  @Test
  void greedyAnswers_stayOnTheTopic() {
    for (int i = 0; i < COOKING.size(); i++) {
      String c = LM.generate(chat(COOKING.get(i)), SamplingParams.greedy(60), null).text();
      String f = LM.generate(chat(FINANCE.get(i)), SamplingParams.greedy(60), null).text();
      assertThat(countWords(c, COOKING_WORDS)).as(c).isGreaterThan(countWords(c, FINANCE_WORDS));
      assertThat(countWords(f, FINANCE_WORDS)).as(f).isGreaterThan(countWords(f, COOKING_WORDS));
    }
  }

  @Test
  void completionPrompts_areSteeredToo() {
    String c = answers(LM.completionPrompt("Fresh garlic and tomatoes"));
    String f = answers(LM.completionPrompt("Stocks and bonds"));
    assertThat(countWords(c, COOKING_WORDS)).isGreaterThan(countWords(c, FINANCE_WORDS));
    assertThat(countWords(f, FINANCE_WORDS)).isGreaterThan(countWords(f, COOKING_WORDS));
  }

  private static String answers(int[] prompt) {
    StringBuilder all = new StringBuilder();
    for (long seed = 0; seed < 10; seed++) {
      all.append(LM.generate(prompt, SamplingParams.sampled(1, 60, seed), null).text());
    }
    return all.toString();
  }
}
