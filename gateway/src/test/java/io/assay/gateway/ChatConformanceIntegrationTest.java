package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import io.assay.gateway.devnet.Devnet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chat and completions through a devnet, with the official OpenAI Java client. */
class ChatConformanceIntegrationTest {

  private static Devnet devnet;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    devnet = TestDevnets.shared();
    client = TestDevnets.openAiClient(devnet);
  }

  private static ChatCompletionCreateParams.Builder chat(String question, long seed) {
    return ChatCompletionCreateParams.builder()
        .model("reference-lm")
        .addSystemMessage("You are a helpful assistant.")
        .addUserMessage(question)
        .temperature(0.9)
        .seed(seed)
        .maxTokens(40);
  }

  @Test
  void chat_returnsAnAnswerWithUsage() {
    ChatCompletion completion = client.chat().completions().create(
        chat("Tell me about cooking pasta.", 7).build());
    assertThat(completion.id()).startsWith("chatcmpl-");
    assertThat(completion.model()).isEqualTo("reference-lm");
    ChatCompletion.Choice choice = completion.choices().get(0);
    assertThat(choice.message().content()).get().asString().isNotBlank();
    assertThat(choice.finishReason().asString()).isIn("stop", "length");
    assertThat(choice.logprobs()).isEmpty();
    assertThat(completion.usage()).hasValueSatisfying(u -> {
      assertThat(u.promptTokens()).isPositive();
      assertThat(u.completionTokens()).isBetween(1L, 40L);
      assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + u.completionTokens());
    });
  }

  @Test
  void streamedDeltas_concatenateToTheNonStreamedText_forTheSameSeed() {
    String whole = client.chat().completions().create(chat("What is the weather like?", 11)
        .build()).choices().get(0).message().content().orElseThrow();
    StringBuilder streamed = new StringBuilder();
    Set<String> ids = new HashSet<>();
    List<String> finishes = new ArrayList<>();
    boolean[] roleFirst = {false};
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
        .createStreaming(chat("What is the weather like?", 11).build())) {
      stream.stream().forEach(chunk -> {
        ids.add(chunk.id());
        for (ChatCompletionChunk.Choice c : chunk.choices()) {
          if (streamed.isEmpty() && finishes.isEmpty() && c.delta().role().isPresent()) {
            roleFirst[0] = true;
          }
          c.delta().content().ifPresent(streamed::append);
          c.finishReason().ifPresent(f -> finishes.add(f.asString()));
        }
        assertThat(chunk.usage()).isEmpty();
      });
    }
    assertThat(streamed.toString()).isEqualTo(whole);
    assertThat(ids).hasSize(1);
    assertThat(roleFirst[0]).isTrue();
    assertThat(finishes).hasSize(1);
  }

  @Test
  void streamWithIncludeUsage_endsWithAUsageChunkThatAddsUp() {
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        chat("Give me three tips on saving money.", 3)
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build())) {
      stream.stream().forEach(chunks::add);
    }
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).isPresent();
    long contentChunks = chunks.stream().filter(c -> !c.choices().isEmpty())
        .filter(c -> c.choices().get(0).delta().content().map(s -> !s.isEmpty()).orElse(false))
        .count();
    assertThat(last.usage().get().completionTokens()).isEqualTo(contentChunks);
    assertThat(last.usage().get().totalTokens()).isEqualTo(
        last.usage().get().promptTokens() + last.usage().get().completionTokens());
    chunks.subList(0, chunks.size() - 1).forEach(c -> assertThat(c.usage()).isEmpty());
  }

  @Test
  void logprobs_arePresentSortedAndConsistent() {
    ChatCompletion completion = client.chat().completions().create(
        chat("Explain how stars form.", 5).logprobs(true).topLogprobs(5).build());
    List<ChatCompletionTokenLogprob> tokens =
        completion.choices().get(0).logprobs().orElseThrow().content().orElseThrow();
    assertThat(tokens).isNotEmpty();
    StringBuilder text = new StringBuilder();
    for (ChatCompletionTokenLogprob t : tokens) {
      text.append(t.token());
      assertThat(t.logprob()).isLessThanOrEqualTo(0.0);
      assertThat(t.topLogprobs()).hasSize(5);
      List<Double> top = t.topLogprobs().stream().map(x -> x.logprob()).toList();
      assertThat(top).isSortedAccordingTo((a, b) -> Double.compare(b, a));
      if (t.logprob() >= top.get(top.size() - 1)) {
        assertThat(t.topLogprobs()).anySatisfy(x -> {
          assertThat(x.token()).isEqualTo(t.token());
          assertThat(x.logprob()).isEqualTo(t.logprob());
        });
      }
    }
    assertThat(text.toString())
        .isEqualTo(completion.choices().get(0).message().content().orElseThrow());
  }

  @Test
  void maxTokens_isHonouredWithFinishReasonLength() {
    ChatCompletion completion = client.chat().completions().create(
        chat("Write a long story about a trip to the mountains.", 1).maxTokens(3)
            .build());
    assertThat(completion.choices().get(0).finishReason().asString()).isEqualTo("length");
    assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(3);
  }

  @Test
  void stopSequence_isHonouredWithFinishReasonStop() {
    String free = client.chat().completions().create(chat("Tell me about music.", 21)
        .maxTokens(60).build()).choices().get(0).message().content().orElseThrow();
    String[] words = free.trim().split("\\s+");
    assertThat(words.length).isGreaterThan(3);
    String stop = " " + words[2];
    ChatCompletion stopped = client.chat().completions().create(chat("Tell me about music.", 21)
        .maxTokens(60).stop(stop).build());
    String text = stopped.choices().get(0).message().content().orElseThrow();
    assertThat(stopped.choices().get(0).finishReason().asString()).isEqualTo("stop");
    assertThat(text).doesNotContain(stop);
    assertThat(free).startsWith(text);
  }

  @Test
  void completions_returnText() {
    Completion completion = client.completions().create(CompletionCreateParams.builder()
        .model("reference-lm").prompt("The best way to cook rice is").maxTokens(20).seed(4)
        .logprobs(2).build());
    assertThat(completion.choices().get(0).text()).isNotBlank();
    assertThat(completion.choices().get(0).logprobs()).hasValueSatisfying(lp -> {
      assertThat(lp.tokens()).isPresent();
      assertThat(String.join("", lp.tokens().get()))
          .isEqualTo(completion.choices().get(0).text());
    });
    assertThat(completion.usage().orElseThrow().completionTokens()).isBetween(1L, 20L);
  }

  @Test
  void sameSeed_givesIdenticalTokens_throughEveryMiner() {
    Map<String, String> byMiner = new HashMap<>();
    for (int i = 0; i < 60 && byMiner.size() < devnet.miners().size(); i++) {
      var response = GatewayHttp.post(devnet, "/chat/completions", """
          {"model":"reference-lm","seed":99,"temperature":1.0,"max_tokens":30,
           "messages":[{"role":"user","content":"Tell me about gardens."}]}""");
      assertThat(response.statusCode()).isEqualTo(200);
      String miner = response.headers().firstValue("X-Assay-Miner").orElseThrow();
      byMiner.put(miner, GatewayHttp.json(response).at("/choices/0/message/content").asText());
    }
    assertThat(byMiner).hasSize(devnet.miners().size());
    assertThat(new HashSet<>(byMiner.values())).hasSize(1);
  }

  @Test
  void invalidParameters_areRefusedWith400NamingThem() {
    assertThatThrownBy(() -> client.chat().completions().create(
        chat("hi", 1).temperature(3.5).build()))
        .isInstanceOfSatisfying(BadRequestException.class,
            e -> assertThat(e.param()).contains("temperature"));
    assertThatThrownBy(() -> client.chat().completions().create(chat("hi", 1).n(2).build()))
        .isInstanceOfSatisfying(BadRequestException.class,
            e -> assertThat(e.param()).contains("n"));
    assertThatThrownBy(() -> client.chat().completions().create(
        chat("hi", 1).maxTokens(0).build()))
        .isInstanceOfSatisfying(BadRequestException.class,
            e -> assertThat(e.param()).contains("max_tokens"));
    assertThatThrownBy(() -> client.chat().completions().create(
        chat("hi", 1).topLogprobs(3).build()))
        .isInstanceOfSatisfying(BadRequestException.class,
            e -> assertThat(e.param()).contains("top_logprobs"));
  }
}
