package io.assay.task.llm.model;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/** Shared prompts and helpers for the reference model's tests. */
final class LmFixtures {

  static final ReferenceLm LM = ReferenceLm.shared();

  static final List<String> QUESTIONS = List.of(
      "Tell me about cooking.",
      "How do I start investing?",
      "What is the weather like tomorrow?",
      "How do I start learning Python?",
      "Why do birds migrate?",
      "How can I get better at tennis?",
      "How do I learn to play the guitar?",
      "How much sleep do I need?",
      "Why did the Roman Empire fall?",
      "What should I pack for a trip to Lisbon?",
      "hello",
      "Write a short note about the seasons");

  static final List<String> COOKING_WORDS = List.of(
      "cook", "cooking", "cooks", "recipe", "recipes", "oven", "bake", "baking", "bread", "soup",
      "pasta", "garlic", "onions", "tomatoes", "tomato", "butter", "salt", "pepper", "flour",
      "sugar", "eggs", "rice", "cheese", "chicken", "pan", "knife", "spices", "flavour", "fry",
      "roast", "boil", "simmer", "dish", "kitchen", "taste", "heat", "stew", "salad", "pizza",
      "cake", "potatoes", "carrots", "mushrooms", "spinach", "lemon", "basil", "ginger", "herb",
      "curry", "fridge", "dinner", "season", "slice", "serve", "food");

  static final List<String> FINANCE_WORDS = List.of(
      "money", "save", "saving", "savings", "invest", "investing", "interest", "budget", "bank",
      "stocks", "bonds", "fees", "risk", "debt", "income", "dollars", "loan", "loans", "credit",
      "inflation", "fund", "funds", "expenses", "spending", "rate", "rates", "shares", "gold",
      "property", "mortgage", "pension", "returns", "cash", "cost", "rent", "market", "insurance");

  private LmFixtures() {}

  static int[] chat(String userMessage) {
    return LM.chatPrompt(List.of(new ChatMessage("user", userMessage)));
  }

  static int[] concat(int[] a, int[] b) {
    return IntStream.concat(Arrays.stream(a), Arrays.stream(b)).toArray();
  }

  static int[] prefix(int[] ids, int length) {
    return Arrays.copyOf(ids, length);
  }

  static SamplingParams params(double temperature, double topP, int maxTokens, Long seed,
      int topLogprobs, List<String> stop) {
    return new SamplingParams(temperature, topP, maxTokens, stop, seed, topLogprobs);
  }

  /** How many words of {@code text} (lower-cased, split on non-letters) are in {@code words}. */
  static int countWords(String text, List<String> words) {
    int n = 0;
    for (String w : text.toLowerCase().split("[^a-z]+")) {
      if (words.contains(w)) {
        n++;
      }
    }
    return n;
  }

  static boolean hasUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
