package io.assay.task.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.Json;
import io.assay.task.TaskException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a vLLM-style server says about a text it was asked to echo: {@code POST /v1/completions}
 * with {@code echo: true, logprobs: K, max_tokens: 1} scores every token of the prompt (the
 * model's log-probability of it and its top K alternatives) and generates one more token, whose
 * alternatives are the model's next-token distribution after the whole text.
 *
 * <p>Read from the legacy completions {@code logprobs} object ({@code tokens}, {@code
 * token_logprobs}, {@code top_logprobs}, {@code text_offset}), which vLLM, the OpenAI legacy
 * API and llama.cpp's server share.
 *
 * @param tokens every token: the echoed text's, then the generated one
 * @param promptLength the length in code points of the prompt before the answer in the echoed
 *     text (text offsets count code points)
 */
record EchoedLogprobs(List<Scored> tokens, int promptLength) {

  /**
   * One token as the server scored it.
   *
   * @param text the token's text
   * @param logprob the model's log-probability of it after the text before it (NaN for the
   *     first token, which has no context)
   * @param top the K likeliest tokens at its position, by text
   * @param offset where it starts in the echoed text, in code points
   */
  record Scored(String text, double logprob, Map<String, Double> top, int offset) {

    /** How many of the top alternatives are strictly likelier than this token. */
    int rank() {
      int rank = 0;
      for (double lp : top.values()) {
        if (lp > logprob) {
          rank++;
        }
      }
      return rank;
    }

    /** Whether the token is among the top alternatives the server reported. */
    boolean inTop(int k) {
      return top.containsKey(text) && rank() < k;
    }
  }

  /**
   * Reads a completions response.
   *
   * @param prompt the part of the echoed text before the answer
   * @throws TaskException when the body is not a completions answer with echoed logprobs
   */
  static EchoedLogprobs read(byte[] body, String prompt) {
    JsonNode logprobs;
    try {
      logprobs = Json.MAPPER.readTree(body).path("choices").path(0).path("logprobs");
    } catch (IOException e) {
      throw new TaskException("the model server's answer is not JSON: " + e.getMessage());
    }
    JsonNode tokens = logprobs.path("tokens");
    JsonNode values = logprobs.path("token_logprobs");
    JsonNode tops = logprobs.path("top_logprobs");
    JsonNode offsets = logprobs.path("text_offset");
    int n = tokens.size();
    if (!tokens.isArray() || n == 0 || values.size() != n || tops.size() != n
        || offsets.size() != n) {
      throw new TaskException("the model server did not echo log-probabilities (it needs"
          + " echo and logprobs on /v1/completions, as vLLM offers)");
    }
    List<Scored> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Double> top = new LinkedHashMap<>();
      tops.get(i).fields().forEachRemaining(e -> top.put(e.getKey(), e.getValue().asDouble()));
      JsonNode value = values.get(i);
      out.add(new Scored(tokens.get(i).asText(), value.isNumber() ? value.asDouble() : Double.NaN,
          top, offsets.get(i).asInt()));
    }
    return new EchoedLogprobs(out, prompt.codePointCount(0, prompt.length()));
  }

  /** The tokens of the answer: those starting at or after the prompt, before the generated one. */
  List<Scored> answerTokens() {
    List<Scored> answer = new ArrayList<>();
    for (int i = 0; i < tokens.size() - 1; i++) {
      if (tokens.get(i).offset() >= promptLength) {
        answer.add(tokens.get(i));
      }
    }
    return answer;
  }

  /** Whether a token starts inside the prompt and runs into the answer (a merged boundary). */
  boolean straddles() {
    for (int i = 0; i < tokens.size() - 1; i++) {
      Scored t = tokens.get(i);
      int end = t.offset() + t.text().codePointCount(0, t.text().length());
      if (t.offset() < promptLength && end > promptLength) {
        return true;
      }
    }
    return false;
  }

  /** The model's top alternatives after the whole echoed text. */
  Map<String, Double> next() {
    return tokens.get(tokens.size() - 1).top();
  }
}
