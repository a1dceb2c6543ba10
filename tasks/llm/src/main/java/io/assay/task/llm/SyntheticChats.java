package io.assay.task.llm;

import io.assay.task.SyntheticGenerator;
import io.assay.task.TaskRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Synthetic chat and completion requests: 2 to 10 messages of varied length on varied topics,
 * with varied temperature, max_tokens, seed and streaming, like real traffic.
 */
final class SyntheticChats implements SyntheticGenerator {

  private static final String[] TOPICS = {
      "cooking pasta", "the weather tomorrow", "a trip to the mountains", "learning to program",
      "the history of trade", "training for a marathon", "saving money", "playing the guitar",
      "how stars form", "keeping a garden", "a new phone", "writing a good email"};
  private static final String[] ASKS = {
      "Can you tell me about %s?", "What should I know about %s?", "Explain %s simply.",
      "Give me three tips on %s.", "I have a question about %s.", "Why is %s hard?",
      "Write a short note on %s.", "What is the best way to start with %s?"};
  private static final String[] REPLIES = {
      "Sure, here is a short answer.", "That depends on a few things.",
      "Good question. Let me explain.", "Here are some ideas to start with."};
  private static final String[] SYSTEMS = {
      "You are a helpful assistant.", "You answer briefly and clearly.",
      "You are a friendly tutor who explains step by step."};

  private final String model;

  SyntheticChats(String model) {
    this.model = model;
  }

  @Override
  public TaskRequest next(RandomGenerator random) {
    double temperature = Math.round(random.nextDouble() * 12) / 10.0;
    double topP = random.nextInt(4) == 0 ? 0.9 : 1.0;
    int maxTokens = 16 + random.nextInt(112);
    Long seed = random.nextInt(5) == 0 ? null : (long) random.nextInt(1_000_000);
    boolean stream = random.nextBoolean();
    List<String> stop = random.nextInt(6) == 0 ? List.of(".") : List.of();
    if (random.nextInt(5) == 0) {
      return new LlmRequest(LlmRequest.COMPLETIONS_PATH, model, List.of(),
          String.format(pick(random, ASKS), pick(random, TOPICS)), temperature, topP, maxTokens,
          stop, seed, random.nextBoolean(), random.nextInt(6), stream, stream && random.nextBoolean(),
          null);
    }
    int count = 2 + random.nextInt(9);
    List<LlmRequest.Message> messages = new ArrayList<>(count);
    if (random.nextBoolean()) {
      messages.add(new LlmRequest.Message("system", pick(random, SYSTEMS)));
    }
    while (messages.size() < count - 1) {
      messages.add(new LlmRequest.Message("user", question(random)));
      messages.add(new LlmRequest.Message("assistant", pick(random, REPLIES)));
    }
    messages.add(new LlmRequest.Message("user", question(random)));
    boolean logprobs = random.nextBoolean();
    return new LlmRequest(LlmRequest.CHAT_PATH, model, List.copyOf(messages), null, temperature,
        topP, maxTokens, stop, seed, logprobs, logprobs ? random.nextInt(6) : 0, stream,
        stream && random.nextBoolean(), null);
  }

  private static String question(RandomGenerator random) {
    StringBuilder q = new StringBuilder(String.format(pick(random, ASKS), pick(random, TOPICS)));
    int extra = random.nextInt(3);
    for (int i = 0; i < extra; i++) {
      q.append(' ').append(String.format(pick(random, ASKS), pick(random, TOPICS)));
    }
    return q.toString();
  }

  private static String pick(RandomGenerator random, String[] options) {
    return options[random.nextInt(options.length)];
  }
}
