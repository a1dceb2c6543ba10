package io.assay.task.llm.model;

import java.util.List;
import java.util.Objects;

/**
 * {@code reference-lm}: the small built-in language model of the llm task kind, with real
 * per-token log-probabilities, needing no download and no native code.
 *
 * <h2>The model</h2>
 *
 * A mixture of word-level interpolated modified Kneser-Ney 4-gram models, one per topic (weather,
 * cooking, travel, programming, science, sport, music, health, history, finance) plus one over
 * everything, trained when the process first asks for it ({@link #shared()}, about 0.2 to 0.4
 * seconds) on a corpus generated from a seeded template grammar (10,000 documents of plain text
 * and chats, about 40,000 sentences). At each step the topic models are weighted by what the
 * whole context is about (naive Bayes over its words) and by how well each knows the phrase being
 * written, so a question about cooking gets an answer about cooking. Implementation notes are in
 * the package-private {@code LanguageModel}, {@code KneserNey} and {@code TopicModel}.
 *
 * <h2>Determinism</h2>
 *
 * Same prompt, parameters and seed: same tokens and bit-identical log-probabilities on every
 * JVM. Training and inference use {@link StrictMath}, sums in a fixed order, no hash-ordered
 * iteration; sampling draws from {@link java.util.SplittableRandom} seeded with the request's
 * seed, one {@code nextDouble()} per token at temperature above 0.
 *
 * <h2>Text and tokens</h2>
 *
 * Tokenisation rules and the round-trip guarantee: {@link LmTokenizer}. Generated text is
 * exactly {@code decode(tokens)} (unless a stop string cut it, see {@link #generate}), so it
 * usually starts with a space: the space belongs to the first word token and stays in the text. For completions, {@code encode(prompt + text)} is {@code
 * encode(prompt)} followed by the generated ids. For chats use {@link #chatContent} and {@link
 * #chatTokens}.
 *
 * <p>Thread-safe: the model is immutable and every call keeps its own state. Calls compute on the
 * calling thread (microseconds per token), so they belong on a worker, not an event loop.
 */
public final class ReferenceLm {

  public static final String MODEL_ID = "reference-lm";

  private static final class Holder {
    static final ReferenceLm SHARED = new ReferenceLm(LanguageModel.train());
  }

  private final LanguageModel model;

  private ReferenceLm(LanguageModel model) {
    this.model = model;
  }

  /** The process-wide model, trained on first use (thread-safe, once). */
  public static ReferenceLm shared() {
    return Holder.SHARED;
  }

  /** A freshly trained instance, identical to {@link #shared()}; for load-time measurements. */
  static ReferenceLm build() {
    return new ReferenceLm(LanguageModel.train());
  }

  /** Corpus and model sizes and load timings, for logs. */
  String describe() {
    return model.description;
  }

  public LmTokenizer tokenizer() {
    return model.tokenizer;
  }

  /**
   * The prompt for a chat: each message as {@code ROLE encode(" " + content) <|end|>}, then
   * {@code <|assistant|>}, from which the answer is generated. ROLE is {@code <|system|>} for
   * roles system and developer, {@code <|user|>} or {@code <|assistant|>}.
   *
   * @throws IllegalArgumentException for any other role
   */
  public int[] chatPrompt(List<ChatMessage> messages) {
    return ChatTemplate.render(messages, model.tokenizer);
  }

  /** The prompt for a plain completion: {@code encode(prompt)}, nothing added. */
  public int[] completionPrompt(String prompt) {
    return model.tokenizer.encode(prompt);
  }

  /**
   * Generates a continuation of {@code prompt}.
   *
   * <p>Each step computes the raw distribution (reported in {@link TokenChoice}), then chooses a
   * token as {@link SamplingParams} says. Generation ends with {@link Generation#STOP} when the
   * end-of-sequence token is chosen (it is not part of {@code tokens} or {@code text}; a checker
   * can score it with {@code score(prompt + tokens, eos)}) or when a stop string appears, and
   * with {@link Generation#LENGTH} after {@code maxTokens} tokens.
   *
   * <p>Stop strings are matched on the decoded text generated so far (not on the prompt). When one
   * appears, the text is cut just before its earliest occurrence and {@code tokens} keeps only
   * the tokens whose text ends at or before the cut; a token the stop string starts inside is
   * dropped, though the part of its text before the cut stays in {@code text}.
   *
   * <p>The listener (may be null) gets each kept token, in order, on the calling thread, as soon
   * as it is certain to be kept: at once when there are no stop strings; otherwise once its text
   * ends within {@code safePrefixLength(text so far, stops)}, i.e. when no stop string can begin
   * inside or before it any more. Tokens held back are delivered when later text rules out the
   * stop string, or when generation ends by eos or length. So the listener sees exactly {@code
   * tokens}, and the concatenated texts it saw are a prefix of {@code text}.
   *
   * @throws IllegalArgumentException when a prompt id is outside the vocabulary
   */
  public Generation generate(int[] prompt, SamplingParams params, TokenListener listener) {
    Objects.requireNonNull(params, "params");
    checkIds(prompt);
    return new Generator(model, params, listener).run(prompt);
  }

  /**
   * Teacher forcing: how likely {@code token} is right after {@code context}, under the raw
   * distribution (temperature 1, no nucleus); the same values {@link #generate} reports.
   *
   * @param topK alternatives to list, 0 to {@value SamplingParams#MAX_TOP_LOGPROBS}
   * @throws IllegalArgumentException when an id is outside the vocabulary or topK out of range
   */
  public NextToken score(int[] context, int token, int topK) {
    checkIds(context);
    checkIds(new int[] {token});
    if (topK < 0 || topK > SamplingParams.MAX_TOP_LOGPROBS) {
      throw new IllegalArgumentException("topK must be between 0 and "
          + SamplingParams.MAX_TOP_LOGPROBS + ", got " + topK);
    }
    Distribution d = distributionAfter(context);
    return new NextToken(d.logprob(token), d.rank(token), d.top(topK, model.tokenizer));
  }

  /**
   * The full raw next-token distribution after {@code context}: natural-log probabilities
   * indexed by token id, {@code -Infinity} for tokens the model never produces there. A new
   * array each call.
   */
  public double[] nextLogProbs(int[] context) {
    checkIds(context);
    return distributionAfter(context).logprobs();
  }

  private Distribution distributionAfter(int[] context) {
    LmState state = model.newState();
    for (int id : context) {
      state.push(id);
    }
    Distribution d = model.newDistribution();
    model.next(state, d);
    return d;
  }

  /**
   * The message content of a chat answer: {@code text} without the leading space of its first
   * word (directly after {@code <|assistant|>} the model gives punctuation and the end of sequence
   * probability 0, so every chat answer starts with a word). The inverse is {@link
   * #chatTokens}.
   */
  public static String chatContent(String text) {
    return text.startsWith(" ") ? text.substring(1) : text;
  }

  /**
   * The token ids of a chat answer from its content: none for empty content, else {@code
   * encode(" " + content)}. Equals the generated ids whenever no stop string cut a token.
   */
  public int[] chatTokens(String content) {
    return content.isEmpty() ? new int[0] : model.tokenizer.encode(" " + content);
  }

  /**
   * How many leading chars of streamed {@code text} can be sent without risk of sending part of a
   * stop string: the start of the first whole stop string if there is one (the answer ends
   * there), else {@code text.length()} minus the longest suffix of {@code text} that is a proper
   * prefix of some stop string. Returns {@code text.length()} for no stops.
   */
  public static int safePrefixLength(String text, List<String> stops) {
    return StopStrings.safePrefixLength(text, stops);
  }

  private void checkIds(int[] ids) {
    int vocab = model.tokenizer.vocabSize();
    for (int id : ids) {
      if (id < 0 || id >= vocab) {
        throw new IllegalArgumentException(
            "token id " + id + " is outside the vocabulary [0, " + vocab + ")");
      }
    }
  }
}
