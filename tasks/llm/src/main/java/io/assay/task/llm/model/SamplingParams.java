package io.assay.task.llm.model;

import java.util.List;

/**
 * How {@link ReferenceLm#generate} chooses tokens. Values are checked here, so an instance is
 * always usable.
 *
 * @param temperature 0 to 2; 0 is greedy (most probable token, ties to the lowest id)
 * @param topP 0 to 1; nucleus sampling over the temperature-scaled distribution: tokens ordered
 *     by probability descending then id ascending, the shortest prefix whose probability reaches
 *     {@code topP} (at least one token). 1 keeps every token.
 * @param maxTokens most tokens to generate, at least 0
 * @param stop stop strings, at most {@value #MAX_STOP_STRINGS}, each non-empty; {@code null} means
 *     none
 * @param seed seed of the sampler; {@code null} for a random one (reported in {@link
 *     Generation#seedUsed()})
 * @param topLogprobs how many alternatives to report per token, 0 to {@value #MAX_TOP_LOGPROBS}
 */
public record SamplingParams(
    double temperature, double topP, int maxTokens, List<String> stop, Long seed,
    int topLogprobs) {

  public static final int MAX_TOP_LOGPROBS = 20;
  public static final int MAX_STOP_STRINGS = 4;

  public SamplingParams {
    if (!(temperature >= 0 && temperature <= 2)) {
      throw new IllegalArgumentException("temperature must be between 0 and 2, got " + temperature);
    }
    if (!(topP >= 0 && topP <= 1)) {
      throw new IllegalArgumentException("top_p must be between 0 and 1, got " + topP);
    }
    if (maxTokens < 0) {
      throw new IllegalArgumentException("max_tokens must be at least 0, got " + maxTokens);
    }
    if (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS) {
      throw new IllegalArgumentException(
          "top_logprobs must be between 0 and " + MAX_TOP_LOGPROBS + ", got " + topLogprobs);
    }
    if (stop == null) {
      stop = List.of();
    } else {
      if (stop.size() > MAX_STOP_STRINGS) {
        throw new IllegalArgumentException(
            "at most " + MAX_STOP_STRINGS + " stop strings, got " + stop.size());
      }
      for (String s : stop) {
        if (s == null || s.isEmpty()) {
          throw new IllegalArgumentException("stop strings must be non-empty, got " + stop);
        }
      }
      stop = List.copyOf(stop);
    }
  }

  /** Greedy decoding of up to {@code maxTokens} tokens, no stop strings, no alternatives. */
  public static SamplingParams greedy(int maxTokens) {
    return new SamplingParams(0, 1, maxTokens, List.of(), 0L, 0);
  }

  /** Plain sampling at {@code temperature} with {@code seed}, no nucleus, no stop strings. */
  public static SamplingParams sampled(double temperature, int maxTokens, long seed) {
    return new SamplingParams(temperature, 1, maxTokens, List.of(), seed, 0);
  }
}
