package io.assay.task.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.assay.task.Checker.CheckResult;
import io.assay.task.Json;
import io.assay.task.TaskException;
import io.assay.task.TaskSpec;
import io.assay.task.UpstreamConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The llm checker against a vLLM-style server (WireMock plays the server): it scores answers
 * from the log-probabilities the server echoes for prompt + answer, and replays a failed answer
 * on the server before blaming the miner.
 */
class LlmUpstreamCheckerTest {

  private static final String END = "<|im_end|>";
  private static final String PROMPT = "The sky over the harbour is";

  private WireMockServer server;
  private LlmUpstreamChecker checker;

  @BeforeEach
  void start() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    UpstreamConfig upstream = new UpstreamConfig(URI.create(server.baseUrl() + "/v1"),
        "Qwen/Qwen2.5-0.5B-Instruct", null, Duration.ofSeconds(5),
        Map.of("chat_template", "chatml"));
    checker = (LlmUpstreamChecker) new LlmKind()
        .upstreamChecker(new TaskSpec("llm", "qwen-0.5b", 1000, 64), upstream,
            io.assay.config.ConfigNode.empty(Map.of())).orElseThrow();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void honestAnswerScoresOne() {
    // The model's likeliest continuation, then its end token.
    echo(PROMPT, List.of(tok(" blue", -0.2), tok(" today", -0.4), tok(".", -0.1)), END);
    CheckResult result = checker.check(completion(3), answer(" blue today.", "stop",
        claimed(" blue", -0.2), claimed(" today", -0.4), claimed(".", -0.1)));
    assertThat(result.quality()).isEqualTo(1.0);
    assertThat(result.reason()).isEqualTo("ok");
    server.verify(postRequestedFor(urlEqualTo("/v1/completions"))
        .withRequestBody(matchingJsonPath("$.echo", equalTo("true")))
        .withRequestBody(matchingJsonPath("$.logprobs", equalTo("20")))
        .withRequestBody(matchingJsonPath("$.prompt", equalTo(PROMPT + " blue today."))));
  }

  @Test
  void claimedLogprobsThatDoNotMatchLowerTheQuality() {
    echo(PROMPT, List.of(tok(" blue", -0.2), tok(" today", -0.4), tok(".", -0.1)), END);
    CheckResult result = checker.check(completion(3), answer(" blue today.", "stop",
        claimed(" blue", -0.01), claimed(" today", -0.01), claimed(".", -0.01)));
    assertThat(result.quality()).isLessThan(0.6);
    assertThat(result.reason()).contains("claimed logprobs off");
  }

  @Test
  void anotherModelsTextFailsWhenTheServerItselfAnswersWell() {
    // The miner's words are far outside the server's top 20 at every position.
    echo(PROMPT, List.of(unlikely(" purple", -14), unlikely(" carrots", -15),
        unlikely(" sing", -13)), END);
    serverAnswers(PROMPT, " blue today.", "stop");
    echo(PROMPT, List.of(tok(" blue", -0.2), tok(" today", -0.4), tok(".", -0.1)), END);
    CheckResult result = checker.check(completion(3), answer(" purple carrots sing", "stop",
        claimed(" purple", -14), claimed(" carrots", -15), claimed(" sing", -13)));
    assertThat(result.quality()).isLessThanOrEqualTo(0);
    assertThat(result.reason()).contains("tokens unlikely");
  }

  @Test
  void truncatedAnswerClaimingStopFails() {
    // After " blue" the model would go on; its end token is far down the list.
    echo(PROMPT, List.of(tok(" blue", -0.2)), " today");
    serverAnswers(PROMPT, " blue today.", "stop");
    echo(PROMPT, List.of(tok(" blue", -0.2), tok(" today", -0.4), tok(".", -0.1)), END);
    CheckResult result = checker.check(completion(8), answer(" blue", "stop",
        claimed(" blue", -0.2)));
    assertThat(result.quality()).isZero();
    assertThat(result.reason()).contains("finish_reason stop");
  }

  @Test
  void failureTheServerSharesIsNotPenalised() {
    // The miner's answer is cut where the server's own answer is cut too.
    echo(PROMPT, List.of(tok(" blue", -0.2)), " today");
    serverAnswers(PROMPT, " blue", "stop");
    CheckResult result = checker.check(completion(8), answer(" blue", "stop",
        claimed(" blue", -0.2)));
    assertThat(result.quality()).isEqualTo(1.0);
    assertThat(result.reason()).startsWith("reference fails the same way");
  }

  @Test
  void moreTokensThanMaxTokensFailWithoutAskingTheServer() {
    CheckResult result = checker.check(completion(2), answer(" blue today.", "length",
        claimed(" blue", -0.2), claimed(" today", -0.4), claimed(".", -0.1)));
    assertThat(result.quality()).isZero();
    assertThat(result.reason()).contains("more than max_tokens");
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void tokensOtherThanTheServersFail() {
    echo(PROMPT, List.of(tok(" blue", -0.2), tok(" today", -0.4), tok(".", -0.1)), END);
    CheckResult result = checker.check(completion(3), answer(" blue today.", "stop",
        claimed(" blue to", -0.2), claimed("day", -0.4), claimed(".", -0.1)));
    assertThat(result.quality()).isZero();
    assertThat(result.reason()).contains("tokenizer");
  }

  @Test
  void chatIsScoredInTheModelsTemplate() {
    String rendered = "<|im_start|>user\nWhat colour is the sky?<|im_end|>\n"
        + "<|im_start|>assistant\n";
    echo(rendered, List.of(tok("Blue", -0.3), tok(".", -0.1)), END);
    LlmRequest chat = new LlmRequest(LlmRequest.CHAT_PATH, "qwen-0.5b",
        List.of(new LlmRequest.Message("user", "What colour is the sky?")), null, 0.7, 1.0, 16,
        List.of(), null, true, 0, false, false, null);
    CheckResult result = checker.check(chat, new LlmAnswer(true, "qwen-0.5b", "Blue.",
        List.of(claimed("Blue", -0.3), claimed(".", -0.1)), "stop", 12));
    assertThat(result.quality()).isEqualTo(1.0);
  }

  @Test
  void serverErrorsAreReportedNotScored() {
    server.stubFor(post(urlEqualTo("/v1/completions"))
        .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"oom\"}}")));
    assertThatThrownBy(() -> checker.check(completion(3), answer(" blue", "stop",
        claimed(" blue", -0.2)))).isInstanceOf(TaskException.class);
  }

  // --- a vLLM-style server, as far as the checker sees it ---

  /** A token the model ranks first at its position, with a few weaker alternatives. */
  private static Scored tok(String text, double logprob) {
    return new Scored(text, logprob, true);
  }

  /** A token the model would hardly ever draw: not among the reported alternatives. */
  private static Scored unlikely(String text, double logprob) {
    return new Scored(text, logprob, false);
  }

  private record Scored(String text, double logprob, boolean inTop) {}

  /**
   * Stubs the echo call for {@code prompt + answer}: the prompt as one token, the answer's
   * tokens, then one generated token whose likeliest alternative is {@code next}.
   */
  private void echo(String prompt, List<Scored> answer, String next) {
    StringBuilder text = new StringBuilder(prompt);
    ObjectNode logprobs = Json.MAPPER.createObjectNode();
    ArrayNode tokens = logprobs.putArray("tokens");
    ArrayNode values = logprobs.putArray("token_logprobs");
    ArrayNode tops = logprobs.putArray("top_logprobs");
    ArrayNode offsets = logprobs.putArray("text_offset");
    tokens.add(prompt);
    values.addNull();
    tops.addObject().put(prompt, -1.0);
    offsets.add(0);
    for (Scored s : answer) {
      tokens.add(s.text());
      values.add(s.logprob());
      ObjectNode top = tops.addObject();
      if (s.inTop()) {
        top.put(s.text(), s.logprob());
      }
      top.put(" and", -3.0).put(" very", -4.0).put(END, -9.0);
      offsets.add(text.codePointCount(0, text.length()));
      text.append(s.text());
    }
    tokens.add(next);
    values.add(-0.05);
    ObjectNode last = tops.addObject().put(next, -0.05);
    // A server reports 20 alternatives; when the answer should go on, the end token is not one.
    for (int i = 1; i < LlmUpstreamChecker.SERVER_TOP; i++) {
      last.put(" w" + i, -1.0 - i * 0.3);
    }
    offsets.add(text.codePointCount(0, text.length()));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putArray("choices").addObject().put("text", text + next).put("finish_reason", "length")
        .set("logprobs", logprobs);
    server.stubFor(post(urlEqualTo("/v1/completions"))
        .withRequestBody(matchingJsonPath("$.echo", equalTo("true")))
        .withRequestBody(matchingJsonPath("$.prompt", equalTo(text.toString())))
        .willReturn(aResponse().withHeader("Content-Type", "application/json")
            .withBody(body.toString())));
  }

  /** Stubs the server's own answer to {@code prompt} (a replay, without echo). */
  private void serverAnswers(String prompt, String text, String finish) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putArray("choices").addObject().put("text", text).put("finish_reason", finish);
    server.stubFor(post(urlEqualTo("/v1/completions"))
        .withRequestBody(matchingJsonPath("$[?(!@.echo)]"))
        .withRequestBody(matchingJsonPath("$.prompt", equalTo(prompt)))
        .willReturn(aResponse().withHeader("Content-Type", "application/json")
            .withBody(body.toString())));
  }

  private static LlmRequest completion(int maxTokens) {
    return new LlmRequest(LlmRequest.COMPLETIONS_PATH, "qwen-0.5b", List.of(), PROMPT, 0.7, 1.0,
        maxTokens, List.of(), null, false, 0, false, false, null);
  }

  private static LlmAnswer answer(String text, String finish, LlmAnswer.TokenLogprob... tokens) {
    return new LlmAnswer(false, "qwen-0.5b", text, new ArrayList<>(List.of(tokens)), finish, 6);
  }

  private static LlmAnswer.TokenLogprob claimed(String token, double logprob) {
    return new LlmAnswer.TokenLogprob(token, logprob, List.of());
  }
}
