package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.miner.Miner;
import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.Json;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A miner that dies after its stream began: the user sees an error event (not a silently
 * truncated answer), and the next request is served by another miner.
 */
class MidStreamFailureIntegrationTest {

  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);

  private static LlmTestGateway test;
  private static List<Miner> miners;
  private static Gateway gateway;
  private static String apiKey;
  private static final CountDownLatch stalled = new CountDownLatch(1);
  private static final CountDownLatch release = new CountDownLatch(1);
  private static final AtomicReference<String> stalledMiner = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    test = LlmTestGateway.start("assay-midstream", SPEC, 4, reference -> Map.of(
        "first", new StallingBackend("first", reference),
        "second", new StallingBackend("second", reference)));
    miners = test.miners;
    gateway = test.gateway;
    apiKey = test.apiKey;
  }

  @AfterAll
  static void stop() {
    release.countDown();
    test.close();
  }

  @Test
  void minerDyingMidStream_endsTheStreamWithAnErrorEvent_andTheNextRequestSucceeds()
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> streaming = http.sendAsync(
        request(true), HttpResponse.BodyHandlers.ofLines());

    assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();
    Miner victim = miners.stream().filter(m -> m.name().equals(stalledMiner.get()))
        .findFirst().orElseThrow();
    victim.close();
    release.countDown();

    HttpResponse<java.util.stream.Stream<String>> response = streaming.get(30, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    List<String> data = response.body().filter(l -> l.startsWith("data: "))
        .map(l -> l.substring(6)).collect(Collectors.toList());
    assertThat(data).isNotEmpty().doesNotContain("[DONE]");
    JsonNode last = Json.MAPPER.readTree(data.get(data.size() - 1));
    assertThat(last.path("error").path("message").asText()).isNotBlank();
    assertThat(last.path("error").path("code").asText()).isEqualTo("stream_interrupted");
    assertThat(data.subList(0, data.size() - 1)).allSatisfy(
        chunk -> assertThat(Json.MAPPER.readTree(chunk).path("object").asText())
            .isEqualTo("chat.completion.chunk"));

    HttpResponse<String> next = http.send(request(false), HttpResponse.BodyHandlers.ofString());
    assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    assertThat(next.headers().firstValue("X-Assay-Miner")).isPresent()
        .get().isNotEqualTo(victim.name());
  }

  private static HttpRequest request(boolean stream) {
    String body = "{\"model\":\"reference-lm\",\"max_tokens\":200,\"temperature\":1,"
        + "\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a long story.\"}]}";
    return HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /** Streams like the reference, but the first stream anywhere stops after a few chunks. */
  private record StallingBackend(String name, Backend delegate) implements Backend {

    @Override
    public CompletionStage<TaskAnswer> serve(TaskRequest request) {
      return delegate.serve(request);
    }

    @Override
    public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
      int[] count = {0};
      return delegate.stream(request, chunk -> {
        sink.chunk(chunk);
        if (++count[0] == 3 && stalledMiner.compareAndSet(null, name)) {
          stalled.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
    }
  }
}
