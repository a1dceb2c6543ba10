package io.assay.task.llm;

import io.assay.task.SyntheticGenerator;
import io.assay.task.TaskRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Synthetic chat and completion requests: 2 to 10 messages of varied length on varied topics,
 * with varied temperature, max_tokens, seed and streaming, like real traffic.
 *
 * <p>Every text comes from the template arrays here, so {@link #produced} can tell the
 * generator's requests by their content alone: a completions prompt is one question template
 * filled with a topic; a chat is an optional system line, then questions and canned replies in
 * turn, ending with a question, where each question is one to three filled templates.
 */
final class SyntheticChats implements SyntheticGenerator {

  /**
   * Seeds are below a million, as people pick them; {@link LlmTask#reseed} draws replays' seeds
   * the same way, since a 19-digit seed would mark a request as the validator's.
   */
  static final int SEED_BOUND = 1_000_000;

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

  /** One question template filled with a topic. */
  private static final String ASK = "(?:" + Arrays.stream(ASKS)
      .map(ask -> Pattern.quote(ask).replace("%s", "\\E" + oneOf(TOPICS) + "\\Q"))
      .collect(Collectors.joining("|")) + ")";
  private static final Pattern PROMPT = Pattern.compile(ASK);
  /** What {@link #question} makes: one to three filled templates, a space apart. */
  private static final Pattern QUESTION = Pattern.compile(ASK + "(?: " + ASK + "){0,2}");
  private static final Set<String> REPLY_SET = Set.of(REPLIES);
  private static final Set<String> SYSTEM_SET = Set.of(SYSTEMS);
  /** Questions in a chat: 1 to 5 after a system line, 2 to 6 without (see {@link #next}). */
  private static final int MAX_QUESTIONS_AFTER_SYSTEM = 5;

  private final String model;

  SyntheticChats(String model) {
    this.model = model;
  }

  /**
   * Whether {@code request} is an llm request whose content keeps to this generator's shapes
   * (see the class comment), whatever its parameters. Never wrong about the generator's own
   * requests; a user's request is taken for one only if it asks one of the eight questions about
   * one of the twelve topics word for word, in the same order of turns.
   */
  @Override
  public boolean produced(TaskRequest request) {
    if (!(request instanceof LlmRequest r)) {
      return false;
    }
    return r.chat() ? producedChat(r.messages())
        : r.prompt() != null && PROMPT.matcher(r.prompt()).matches();
  }

  /** An optional system line, then questions and replies in turn, as many as {@link #next}. */
  private static boolean producedChat(List<LlmRequest.Message> messages) {
    boolean system = !messages.isEmpty() && messages.get(0).role().equals("system");
    if (system && !SYSTEM_SET.contains(messages.get(0).content())) {
      return false;
    }
    List<LlmRequest.Message> turns = messages.subList(system ? 1 : 0, messages.size());
    int questions = (turns.size() + 1) / 2;
    int fewest = system ? 1 : 2;
    int most = system ? MAX_QUESTIONS_AFTER_SYSTEM : MAX_QUESTIONS_AFTER_SYSTEM + 1;
    if (turns.size() % 2 == 0 || questions < fewest || questions > most) {
      return false;
    }
    for (int i = 0; i < turns.size(); i++) {
      if (!generatedTurn(turns.get(i), i % 2 == 0)) {
        return false;
      }
    }
    return true;
  }

  private static boolean generatedTurn(LlmRequest.Message m, boolean question) {
    return question ? m.role().equals("user") && QUESTION.matcher(m.content()).matches()
        : m.role().equals("assistant") && REPLY_SET.contains(m.content());
  }

  private static String oneOf(String[] words) {
    return Arrays.stream(words).map(Pattern::quote).collect(Collectors.joining("|", "(?:", ")"));
  }

  @Override
  public TaskRequest next(RandomGenerator random) {
    double temperature = Math.round(random.nextDouble() * 12) / 10.0;
    double topP = random.nextInt(4) == 0 ? 0.9 : 1.0;
    int maxTokens = 16 + random.nextInt(112);
    Long seed = random.nextInt(5) == 0 ? null : (long) random.nextInt(SEED_BOUND);
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
