package io.assay.task.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.assay.task.llm.UpstreamFixtures.CHAT;
import static io.assay.task.llm.UpstreamFixtures.CHAT_STREAM;
import static io.assay.task.llm.UpstreamFixtures.COMPLETION;
import static io.assay.task.llm.UpstreamFixtures.COMPLETION_STREAM;
import static io.assay.task.llm.UpstreamFixtures.HELLO;
import static io.assay.task.llm.UpstreamFixtures.PUBLIC_MODEL;
import static io.assay.task.llm.UpstreamFixtures.UPSTREAM_MODEL;
import static io.assay.task.llm.UpstreamFixtures.await;
import static io.assay.task.llm.UpstreamFixtures.chatChunk;
import static io.assay.task.llm.UpstreamFixtures.chatCompletion;
import static io.assay.task.llm.UpstreamFixtures.chatRoleChunk;
import static io.assay.task.llm.UpstreamFixtures.failureOf;
import static io.assay.task.llm.UpstreamFixtures.sse;
import static io.assay.task.llm.UpstreamFixtures.textChunk;
import static io.assay.task.llm.UpstreamFixtures.tokensOf;
import static io.assay.task.llm.UpstreamFixtures.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.assay.task.InvalidAnswerException;
import io.assay.task.UpstreamConfig;
import io.assay.task.upstream.UpstreamException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WireMock stands in for vLLM: whole and streamed chat and text completions, and its failures. */
class UpstreamBackendTest {

  private static final LlmAnswer HELLO_ANSWER =
      new LlmAnswer(true, PUBLIC_MODEL, "Héllo wörld!", HELLO, "stop", 12);
  private static final String ERROR_BODY = "{\"error\":{\"message\":\"The model is overloaded\","
      + "\"type\":\"server_error\",\"param\":null,\"code\":null}}";

  private WireMockServer server;
  private final List<byte[]> sink = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  // ------------------------------------------------------------------ whole answers

  @Test
  void wholeChatCompletion_passesThrough_underThePublicModelId() {
    stub("/v1/chat/completions", 200, chatCompletion(HELLO, true, 12));

    LlmAnswer answer = (LlmAnswer) await(backend("sk-up").serve(CHAT));

    assertThat(answer).isEqualTo(HELLO_ANSWER);
    server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer sk-up"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(matchingJsonPath("$.model", equalTo(UPSTREAM_MODEL)))
        .withRequestBody(matchingJsonPath("$.logprobs", equalTo("true")))
        .withRequestBody(matchingJsonPath("$.top_logprobs", equalTo("5")))
        .withRequestBody(matchingJsonPath("$.stream", equalTo("false")))
        .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("Say hello."))));
  }

  @Test
  void wholeAnswerWithoutLogprobs_isInvalid() {
    stub("/v1/chat/completions", 200, chatCompletion(HELLO, false, 12));

    Throwable failure = failureOf(backend(null).serve(CHAT));

    assertThat(failure).isInstanceOf(InvalidAnswerException.class)
        .hasMessageContaining("/v1/chat/completions")
        .hasMessageContaining("no logprobs");
  }

  @Test
  void wholeAnswer_httpError_failsWithTheServersMessage() {
    stub("/v1/chat/completions", 500, ERROR_BODY);

    Throwable failure = failureOf(backend(null).serve(CHAT));

    assertThat(failure).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("HTTP 500").hasMessageContaining("The model is overloaded");
    assertThat(((UpstreamException) failure).status()).isEqualTo(500);
    assertThat(((UpstreamException) failure).serverMessage()).isEqualTo("The model is overloaded");
  }

  // ------------------------------------------------------------------ streamed chat

  @Test
  void streamedChat_everyChunkReachesTheSinkInOrder_inTheReferenceShape_valuesUnchanged() {
    stubSse("/v1/chat/completions", sse(chatRoleChunk(), chatChunk(HELLO.subList(0, 1), null),
        chatChunk(HELLO.subList(1, 2), null), chatChunk(HELLO.subList(2, 3), "stop"),
        usageChunk(true, 12, 3)));

    LlmAnswer answer = (LlmAnswer) await(backend("sk-up").stream(CHAT_STREAM, sink::add));

    assertHelloChatStream(answer);
    server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer sk-up"))
        .withHeader("Accept", equalTo("text/event-stream"))
        .withRequestBody(matchingJsonPath("$.model", equalTo(UPSTREAM_MODEL)))
        .withRequestBody(matchingJsonPath("$.logprobs", equalTo("true")))
        .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
        .withRequestBody(matchingJsonPath("$.stream_options.include_usage", equalTo("true"))));
  }

  @Test
  void streamedChat_withCrlfLineEnds_keepAliveComments_andOtherFields_readsTheSame() {
    String body = ": ping\r\n\r\n"
        + "id: 1\r\ndata:" + chatRoleChunk() + "\r\n\r\n"
        + ": keep-alive\r\n\r\n"
        + "data: " + chatChunk(HELLO.subList(0, 1), null) + "\r\n\r\n"
        + "retry: 3000\r\n: another comment\r\n"
        + "data: " + chatChunk(HELLO.subList(1, 2), null) + "\r\n\r\n"
        + "event: message\r\ndata: " + chatChunk(HELLO.subList(2, 3), "stop") + "\r\n\r\n"
        + "data: " + usageChunk(true, 12, 3) + "\r\n\r\n"
        + ": bye\r\n"
        + "data: [DONE]\r\n\r\n";
    stubSse("/v1/chat/completions", body);

    LlmAnswer answer = (LlmAnswer) await(backend(null).stream(CHAT_STREAM, sink::add));

    assertHelloChatStream(answer);
  }

  @Test
  void streamedChat_contentWithoutLogprobs_isInvalid_andNothingOfItIsSent() {
    stubSse("/v1/chat/completions", sse(chatRoleChunk(), chatChunk("Hello", null, null),
        chatChunk("", List.of(), "stop"), usageChunk(true, 12, 1)));

    Throwable failure = failureOf(backend(null).stream(CHAT_STREAM, sink::add));

    assertThat(failure).isInstanceOf(InvalidAnswerException.class)
        .hasMessageContaining("no logprobs");
    assertThat(sink).hasSize(1); // the role chunk only
  }

  @Test
  void streamedChat_contentNotSpelledByItsTokens_isInvalid() {
    stubSse("/v1/chat/completions", sse(chatRoleChunk(),
        chatChunk("Hello", HELLO.subList(0, 1), null)));

    Throwable failure = failureOf(backend(null).stream(CHAT_STREAM, sink::add));

    assertThat(failure).isInstanceOf(InvalidAnswerException.class)
        .hasMessageContaining("do not spell");
  }

  @Test
  void streamedChat_httpError_failsWithTheServersMessage() {
    stub("/v1/chat/completions", 500, ERROR_BODY);

    Throwable failure = failureOf(backend(null).stream(CHAT_STREAM, sink::add));

    assertThat(failure).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("HTTP 500").hasMessageContaining("The model is overloaded");
    assertThat(((UpstreamException) failure).status()).isEqualTo(500);
    assertThat(sink).isEmpty();
  }

  @Test
  void streamedChat_errorReportedMidStream_failsWithTheServersMessage() {
    String error = "{\"error\":{\"object\":\"error\",\"message\":\"CUDA out of memory\","
        + "\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}";
    stubSse("/v1/chat/completions", sse(chatRoleChunk(), chatChunk(HELLO.subList(0, 1), null),
        error));

    Throwable failure = failureOf(backend(null).stream(CHAT_STREAM, sink::add));

    assertThat(failure).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("mid-stream").hasMessageContaining("CUDA out of memory");
    assertThat(((UpstreamException) failure).status()).isEqualTo(500);
  }

  @Test
  void streamCutBeforeDone_withoutAFinishChunk_fails() {
    String body = "data: " + chatRoleChunk() + "\n\n"
        + "data: " + chatChunk(HELLO.subList(0, 1), null) + "\n\n";
    stubSse("/v1/chat/completions", body);

    Throwable failure = failureOf(backend(null).stream(CHAT_STREAM, sink::add));

    assertThat(failure).isInstanceOf(InvalidAnswerException.class)
        .hasMessageContaining("without a finish_reason");
    assertThat(sink).hasSize(2); // what came before the cut was passed on as it came
  }

  @Test
  void garbageThenClose_failsTheStage() {
    server.stubFor(post(urlEqualTo("/v1/chat/completions"))
        .willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));

    assertThat(failureOf(backend(null).stream(CHAT_STREAM, sink::add)))
        .isInstanceOf(UpstreamException.class);
  }

  @Test
  void okThenMalformedChunk_failsTheStage() {
    server.stubFor(post(urlEqualTo("/v1/chat/completions"))
        .willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));

    assertThat(failureOf(backend(null).stream(CHAT_STREAM, sink::add)))
        .isInstanceOf(UpstreamException.class);
  }

  // ------------------------------------------------------------------ streamed completions

  @Test
  void streamedCompletion_legacyLogprobs_passThroughWithOffsets() {
    var first = HELLO.subList(0, 1);
    var rest = HELLO.subList(1, 3);
    stubSse("/v1/completions", sse(textChunk(first, 0, null), textChunk(rest, 5, "length"),
        usageChunk(false, 6, 3)));

    LlmAnswer answer = (LlmAnswer) await(backend(null).stream(COMPLETION_STREAM, sink::add));

    assertThat(answer).isEqualTo(
        new LlmAnswer(false, PUBLIC_MODEL, "Héllo wörld!", HELLO, "length", 6));
    List<JsonNode> chunks = sink.stream().map(UpstreamFixtures::tree).toList();
    assertThat(chunks).hasSize(4); // no role chunk for text completions
    assertThat(chunks.get(0).path("object").asText()).isEqualTo("text_completion");
    assertThat(chunks.get(0).path("choices").path(0).path("text").asText()).isEqualTo("Héllo");
    assertThat(tokensOf(chunks.get(0))).isEqualTo(first);
    assertThat(chunks.get(1).path("choices").path(0).path("text").asText()).isEqualTo(" wörld!");
    assertThat(tokensOf(chunks.get(1))).isEqualTo(rest);
    assertThat(chunks.get(1).at("/choices/0/logprobs/text_offset").toString()).isEqualTo("[5,11]");
    assertThat(chunks.get(2).at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(chunks.get(2).at("/choices/0/text").asText()).isEmpty();
    assertThat(chunks.get(3).at("/usage/prompt_tokens").asInt()).isEqualTo(6);
    assertThat(chunks.get(3).at("/usage/completion_tokens").asInt()).isEqualTo(3);
    server.verify(postRequestedFor(urlEqualTo("/v1/completions"))
        .withRequestBody(matchingJsonPath("$.prompt", equalTo("The capital of France is")))
        .withRequestBody(matchingJsonPath("$.logprobs", equalTo("5"))));
    relayAccepts(COMPLETION_STREAM, answer);
  }

  @Test
  void wholeCompletion_readsTheLegacyShape() {
    String body = "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"text\":\" Paris\",\"logprobs\":{\"text_offset\":[0],"
        + "\"token_logprobs\":[-0.25],\"tokens\":[\" Paris\"],\"top_logprobs\":[{\" Paris\":-0.25,"
        + "\" Lyon\":-3.5}]},\"finish_reason\":\"stop\",\"stop_reason\":null}],"
        + "\"usage\":{\"prompt_tokens\":5,\"total_tokens\":6,\"completion_tokens\":1}}";
    stub("/v1/completions", 200, body);

    LlmAnswer answer = (LlmAnswer) await(backend(null).serve(COMPLETION));

    assertThat(answer).isEqualTo(new LlmAnswer(false, PUBLIC_MODEL, " Paris",
        List.of(UpstreamFixtures.tok(" Paris", -0.25, UpstreamFixtures.alt(" Paris", -0.25),
            UpstreamFixtures.alt(" Lyon", -3.5))), "stop", 5));
  }

  // ------------------------------------------------------------------ helpers

  /** The stream of {@link #HELLO_ANSWER}, split as vLLM splits it, in our shape. */
  private void assertHelloChatStream(LlmAnswer answer) {
    assertThat(answer).isEqualTo(HELLO_ANSWER);
    List<JsonNode> chunks = sink.stream().map(UpstreamFixtures::tree).toList();
    assertThat(chunks).hasSize(6);
    for (JsonNode chunk : chunks) {
      assertThat(chunk.path("model").asText()).isEqualTo(PUBLIC_MODEL);
      assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
    }
    JsonNode role = chunks.get(0).at("/choices/0");
    assertThat(role.at("/delta/role").asText()).isEqualTo("assistant");
    assertThat(role.at("/delta/content").asText()).isEmpty();
    assertThat(role.path("logprobs").isNull()).isTrue();
    for (int i = 0; i < 3; i++) {
      JsonNode choice = chunks.get(1 + i).at("/choices/0");
      assertThat(choice.at("/delta/content").asText()).isEqualTo(HELLO.get(i).token());
      assertThat(tokensOf(chunks.get(1 + i))).containsExactly(HELLO.get(i));
      assertThat(choice.path("finish_reason").isNull()).isTrue();
    }
    JsonNode finish = chunks.get(4).at("/choices/0");
    assertThat(finish.path("finish_reason").asText()).isEqualTo("stop");
    assertThat(finish.at("/delta/content").isMissingNode()).isTrue();
    JsonNode usage = chunks.get(5);
    assertThat(usage.path("choices").size()).isZero();
    assertThat(usage.at("/usage/prompt_tokens").asInt()).isEqualTo(12);
    assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(3);
    relayAccepts(CHAT_STREAM, answer);
  }

  /** The gateway's relay takes the stream as a miner's and arrives at the same answer. */
  private void relayAccepts(LlmRequest request, LlmAnswer answer) {
    LlmStreamRelay relay = new LlmStreamRelay(request, "gw-1", 1);
    sink.forEach(relay::accept);
    relay.finish();
    assertThat(relay.answer()).isEqualTo(answer);
  }

  private LlmUpstreamBackend backend(String apiKey) {
    return new LlmUpstreamBackend(new UpstreamConfig(URI.create(server.baseUrl() + "/v1"),
        UPSTREAM_MODEL, apiKey, Duration.ofSeconds(5)));
  }

  private void stub(String path, int status, String body) {
    server.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json").withBody(body)));
  }

  private void stubSse(String path, String body) {
    server.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/event-stream").withBody(body)));
  }
}
