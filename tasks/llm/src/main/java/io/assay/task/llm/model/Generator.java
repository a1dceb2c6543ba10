package io.assay.task.llm.model;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One generation: the sampling loop, stop strings and the holding back of tokens that a stop
 * string might still swallow. The rules are documented on {@link ReferenceLm#generate}.
 *
 * <p>Not thread-safe; one instance per call.
 */
final class Generator {

  private final LanguageModel model;
  private final SamplingParams params;
  private final TokenListener listener;
  private final List<TokenChoice> tokens = new ArrayList<>();
  /** {@code ends.get(i)}: length of the text once token {@code i} is appended. */
  private final IntList ends = new IntList(64);
  private final StringBuilder text = new StringBuilder();
  private int emitted;

  Generator(LanguageModel model, SamplingParams params, TokenListener listener) {
    this.model = model;
    this.params = params;
    this.listener = listener;
  }

  Generation run(int[] prompt) {
    long seed = params.seed() != null ? params.seed() : ThreadLocalRandom.current().nextLong();
    SplittableRandom random = new SplittableRandom(seed);
    LmState state = model.newState();
    for (int id : prompt) {
      state.push(id);
    }
    Distribution d = model.newDistribution();
    Sampler sampler = new Sampler(model.tokenizer.vocabSize());
    List<String> stops = params.stop();
    int longestStop = StopStrings.longest(stops);
    String finish = Generation.LENGTH;
    while (tokens.size() < params.maxTokens()) {
      model.next(state, d);
      int id = sampler.choose(d, params.temperature(), params.topP(), random);
      if (id == WordTokenizer.END) {
        finish = Generation.STOP;
        break;
      }
      String piece = model.tokenizer.tokenText(id);
      tokens.add(new TokenChoice(id, piece, d.logprob(id), d.top(params.topLogprobs(),
          model.tokenizer)));
      int before = text.length();
      text.append(piece);
      ends.add(text.length());
      state.push(id);
      if (stops.isEmpty()) {
        emitUpTo(text.length());
        continue;
      }
      int match = StopStrings.firstMatch(text, stops, Math.max(0, before - longestStop + 1));
      if (match >= 0) {
        emitUpTo(match);
        text.setLength(match);
        return finish(emitted, Generation.STOP, prompt.length, seed);
      }
      emitUpTo(text.length() - StopStrings.formingSuffix(text, stops));
    }
    emitUpTo(text.length());
    return finish(tokens.size(), finish, prompt.length, seed);
  }

  /** Hands the listener every token not yet emitted whose text ends at or before {@code safe}. */
  private void emitUpTo(int safe) {
    while (emitted < tokens.size() && ends.get(emitted) <= safe) {
      if (listener != null) {
        listener.onToken(tokens.get(emitted));
      }
      emitted++;
    }
  }

  private Generation finish(int kept, String reason, int promptTokens, long seed) {
    return new Generation(tokens.subList(0, kept), text.toString(), reason, promptTokens, seed);
  }
}
