package io.assay.task.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Checker;
import io.assay.task.Json;
import io.assay.task.TaskException;
import io.assay.task.upstream.OpenAiHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * Checks llm answers of a model served by a vLLM-style server, teacher-forced as {@link
 * LlmChecker} does with the reference model, but asking the server for the reference's view.
 *
 * <p>Per answer: the prompt is rebuilt as the model saw it (the completion prompt, or the chat
 * messages in the configured {@link ChatPrompt template}) and sent with the answer appended to
 * {@code POST /v1/completions} with {@code echo: true, logprobs: 20, max_tokens: 1}, so one call
 * returns the model's log-probability of every answer token with its top 20 alternatives, and
 * the next-token distribution after the answer ({@link EchoedLogprobs}). Then, as in {@link
 * LlmCheckerPass}:
 *
 * <ul>
 *   <li>the server's tokens for the answer must be the answer's tokens, one for one, and no more
 *       than max_tokens;
 *   <li>a token outside the top k (k from {@link LlmCheckerConfig#k} at the request's
 *       temperature, at most the 20 a server reports) is unlikely; more unlikely tokens than
 *       allowed fail the answer;
 *   <li>the end token's probability at every position adds to a stop hazard; too high a hazard
 *       is an avoided stop; {@code stop} needs the end token (or a token starting a stop string)
 *       among the top k next tokens or likely enough; {@code length} needs exactly max_tokens;
 *   <li>a failed answer is replayed: the server answers the same request itself and its answer
 *       gets the same check; if it fails the same way the miner is not penalised;
 *   <li>at up to {@link LlmCheckerConfig#finePositions()} positions the miner's claimed
 *       log-probabilities are compared with the server's; the mean distance gives the quality.
 * </ul>
 *
 * <p>Seeded samples are not replayed: a server's sampling is not reproducible across batches, so
 * a seed proves nothing here (the reference checker does replay them). Calls block the checking
 * worker that runs them, as model inference does in the reference checker. Thread-safe.
 */
final class LlmUpstreamChecker implements Checker {

  /** Alternatives a vLLM server reports per position by default (its max_logprobs). */
  static final int SERVER_TOP = 20;

  private final OpenAiHttp http;
  private final LlmCheckerConfig config;
  private final ChatPrompt template;

  LlmUpstreamChecker(OpenAiHttp http, LlmCheckerConfig config, ChatPrompt template) {
    this.http = http;
    this.config = config;
    this.template = template;
  }

  /**
   * @throws TaskException when the server cannot be asked (the entries are then checked again
   *     later, as for any failed check)
   */
  @Override
  public List<CheckResult> check(List<CheckItem> items) {
    List<CheckResult> results = new ArrayList<>(items.size());
    for (CheckItem item : items) {
      if (!(item.request() instanceof LlmRequest request)
          || !(item.answer() instanceof LlmAnswer answer)) {
        throw new IllegalArgumentException("the llm checker was given " + item);
      }
      results.add(check(request, answer));
    }
    return results;
  }

  /** Small batches: each item is a server round trip, and the server batches on its side. */
  @Override
  public int preferredBatch() {
    return 8;
  }

  CheckResult check(LlmRequest request, LlmAnswer answer) {
    if (answer.tokens().size() > request.maxTokens()) {
      return new CheckResult(0, answer.tokens().size() + " tokens, more than max_tokens "
          + request.maxTokens());
    }
    String prompt = request.chat() ? template.render(request.messages()) : request.prompt();
    Pass pass = score(request, prompt, answer.text(), answer.finishReason());
    if (pass == null) {
      return new CheckResult(0, "the tokens are not the model tokenizer's for the text");
    }
    if (!sameTokens(pass.tokens, answer)) {
      return new CheckResult(0, "the tokens are not the model tokenizer's for the text");
    }
    String excuse = null;
    if (!pass.failures.isEmpty()) {
      Pass replay = replay(request, prompt);
      if (replay == null || !replay.failures.containsAll(pass.failures)
          || (pass.failures.contains(LlmCheckerPass.Failure.UNLIKELY_TOKENS)
              && pass.unlikelyFraction() > replay.unlikelyFraction() + config.replayTolerance())) {
        boolean fabricated = pass.failures.contains(LlmCheckerPass.Failure.UNLIKELY_TOKENS)
            && pass.unlikelyFraction() > config.fabricatedFraction();
        return new CheckResult(fabricated ? -1 : 0, pass.detail);
      }
      excuse = "reference fails the same way: " + pass.detail;
    }
    double[] reference = pass.tokens.stream().mapToDouble(EchoedLogprobs.Scored::logprob)
        .toArray();
    double d = FineCheck.meanDistance(answer, reference, pass.unlikely, config.finePositions());
    double quality = Math.max(0, 1 - d / config.logprobScale());
    return new CheckResult(quality, excuse != null ? excuse
        : d == 0 ? "ok" : String.format(Locale.ROOT, "claimed logprobs off by %.3g on average", d));
  }

  /** The coarse check of {@code text} after {@code prompt}; null when the boundary merged. */
  private Pass score(LlmRequest request, String prompt, String text, String finishReason) {
    EchoedLogprobs echoed = EchoedLogprobs.read(call(echoBody(prompt + text)), prompt);
    if (echoed.straddles()) {
      return null;
    }
    List<EchoedLogprobs.Scored> tokens = echoed.answerTokens();
    int k = Math.min(config.k(request.temperature()), SERVER_TOP);
    boolean[] unlikely = new boolean[tokens.size()];
    int unlikelyCount = 0;
    double hazard = 0;
    for (int i = 0; i < tokens.size(); i++) {
      EchoedLogprobs.Scored t = tokens.get(i);
      if (!t.inTop(k) && t.logprob() < Math.log(config.tailMass())) {
        unlikely[i] = true;
        unlikelyCount++;
      }
      double stop = endProbability(t.top());
      hazard += stop >= 1 ? Double.POSITIVE_INFINITY : -Math.log1p(-stop);
    }
    Set<LlmCheckerPass.Failure> failures = EnumSet.noneOf(LlmCheckerPass.Failure.class);
    List<String> detail = new ArrayList<>();
    int allowed = config.allowedFailures(tokens.size());
    if (unlikelyCount > allowed) {
      failures.add(LlmCheckerPass.Failure.UNLIKELY_TOKENS);
      detail.add(unlikelyCount + " of " + tokens.size() + " tokens unlikely at temperature "
          + request.temperature() + " (allowed " + allowed + ")");
    }
    if (hazard > config.maxStopHazard()) {
      failures.add(LlmCheckerPass.Failure.AVOIDED_STOP);
      detail.add(String.format(Locale.ROOT, "avoided stopping (stop hazard %.1f > %s)", hazard,
          config.maxStopHazard()));
    }
    for (String stop : request.stop()) {
      if (text.contains(stop)) {
        failures.add(LlmCheckerPass.Failure.PAST_STOP_STRING);
        detail.add("text runs past stop sequence \"" + stop + "\"");
      }
    }
    if ("length".equals(finishReason)) {
      if (tokens.size() != request.maxTokens()) {
        failures.add(LlmCheckerPass.Failure.EARLY_LENGTH);
        detail.add("finish_reason length after " + tokens.size() + " of max_tokens "
            + request.maxTokens());
      }
    } else if (!endsHere(echoed.next(), request, k)) {
      failures.add(LlmCheckerPass.Failure.UNJUSTIFIED_STOP);
      detail.add("finish_reason stop where neither the end token nor a stop sequence fits");
    }
    return new Pass(tokens, unlikely, unlikelyCount, failures,
        detail.isEmpty() ? "ok" : String.join("; ", detail));
  }

  /** The coarse check of the server's own answer to the request; null if it cannot be read. */
  private Pass replay(LlmRequest request, String prompt) {
    ObjectNode body = Json.MAPPER.createObjectNode()
        .put("model", http.config().model())
        .put("prompt", prompt)
        .put("max_tokens", request.maxTokens())
        .put("temperature", request.temperature())
        .put("top_p", request.topP());
    request.stop().forEach(body.putArray("stop")::add);
    JsonNode choice = readTree(call(body)).path("choices").path(0);
    String text = choice.path("text").asText(null);
    if (text == null) {
      return null;
    }
    return score(request, prompt, text, choice.path("finish_reason").asText("stop"));
  }

  private boolean endsHere(Map<String, Double> next, LlmRequest request, int k) {
    if (rankOf(next, template.endToken()) < k) {
      return true;
    }
    double probability = 0;
    for (Map.Entry<String, Double> e : next.entrySet()) {
      boolean ends = e.getKey().equals(template.endToken())
          || (!request.stop().isEmpty() && LlmCheckerPass.startsStop(e.getKey(), request.stop()));
      if (ends) {
        if (rankOf(next, e.getKey()) < k) {
          return true;
        }
        probability += Math.exp(e.getValue());
      }
    }
    return probability >= config.minEndProbability();
  }

  private double endProbability(Map<String, Double> top) {
    Double lp = top.get(template.endToken());
    return lp == null ? 0 : Math.exp(lp);
  }

  private static int rankOf(Map<String, Double> top, String token) {
    Double lp = top.get(token);
    if (lp == null) {
      return Integer.MAX_VALUE;
    }
    int rank = 0;
    for (double other : top.values()) {
      if (other > lp) {
        rank++;
      }
    }
    return rank;
  }

  private static boolean sameTokens(List<EchoedLogprobs.Scored> tokens, LlmAnswer answer) {
    if (tokens.size() != answer.tokens().size()) {
      return false;
    }
    for (int i = 0; i < tokens.size(); i++) {
      if (!tokens.get(i).text().equals(answer.tokens().get(i).token())) {
        return false;
      }
    }
    return true;
  }

  private ObjectNode echoBody(String text) {
    return Json.MAPPER.createObjectNode()
        .put("model", http.config().model())
        .put("prompt", text)
        .put("max_tokens", 1)
        .put("temperature", 0)
        .put("echo", true)
        .put("logprobs", SERVER_TOP);
  }

  private byte[] call(ObjectNode body) {
    try {
      return http.postJson("/completions", body.toString().getBytes(StandardCharsets.UTF_8))
          .join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof TaskException t ? t
          : new TaskException("the model server failed: " + e.getCause(), e.getCause());
    }
  }

  private static JsonNode readTree(byte[] body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new TaskException("the model server's answer is not JSON: " + e.getMessage());
    }
  }

  /** One coarse check's findings. */
  private record Pass(List<EchoedLogprobs.Scored> tokens, boolean[] unlikely, int unlikelyCount,
      Set<LlmCheckerPass.Failure> failures, String detail) {

    double unlikelyFraction() {
      return tokens.isEmpty() ? 0 : (double) unlikelyCount / tokens.size();
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
