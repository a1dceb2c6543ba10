package io.assay.miner;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.Backend;
import io.assay.task.InvalidRequestException;
import io.assay.task.Json;
import io.assay.task.SyntheticGenerator;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskKind;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.UpstreamConfig;
import io.assay.task.WorkUnit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A trivial task kind for protocol tests: answers {@code {"model","text"}} with the same text.
 * One work unit per character. The backend's answers can be held back to test concurrency. A
 * request with {@code "stream": true} asks for a stream, which only backends made for it serve.
 */
final class EchoKind implements TaskKind {

  record EchoRequest(String path, String model, String text, boolean stream)
      implements TaskRequest {}

  record EchoAnswer(String text) implements TaskAnswer {
    @Override
    public byte[] toMinerBody() {
      return ("{\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
    }
  }

  @Override
  public String name() {
    return "echo";
  }

  @Override
  public WorkUnit workUnit() {
    return new WorkUnit("characters", "characters echoed");
  }

  @Override
  public List<String> paths() {
    return List.of("/v1/echo");
  }

  @Override
  public TaskRequest parseRequest(String path, byte[] body) {
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      if (node == null || !node.path("text").isTextual()) {
        throw new InvalidRequestException("text is required", "text", null);
      }
      return new EchoRequest(path, node.path("model").asText(), node.path("text").asText(),
          node.path("stream").asBoolean(false));
    } catch (IOException e) {
      throw new InvalidRequestException("not JSON", null, null);
    }
  }

  @Override
  public Task bind(TaskSpec spec) {
    return new Task() {
      @Override
      public TaskSpec spec() {
        return spec;
      }

      @Override
      public long estimateUnits(TaskRequest request) {
        return ((EchoRequest) request).text().length();
      }

      @Override
      public byte[] minerRequestBody(TaskRequest request) {
        return body(((EchoRequest) request).model(), ((EchoRequest) request).text());
      }

      @Override
      public TaskAnswer readAnswer(TaskRequest request, byte[] body) {
        try {
          return new EchoAnswer(Json.MAPPER.readTree(body).path("text").asText());
        } catch (IOException e) {
          throw new io.assay.task.InvalidAnswerException("not JSON");
        }
      }

      @Override
      public long units(TaskRequest request, TaskAnswer answer) {
        return ((EchoAnswer) answer).text().length();
      }

      @Override
      public byte[] publicResponseBody(TaskRequest request, TaskAnswer answer) {
        return answer.toMinerBody();
      }

      @Override
      public SyntheticGenerator syntheticGenerator() {
        return random -> new EchoRequest("/v1/echo", spec.model(),
            "x".repeat(random.nextInt(9) + 1), false);
      }
    };
  }

  @Override
  public List<String> referenceModels() {
    return List.of("echo-1");
  }

  /** A model whose backend cannot run on this machine, as a prover without its runtime. */
  static final String OFFLINE_MODEL = "echo-offline";

  @Override
  public Optional<Backend> referenceBackend(TaskSpec spec, Executor workers) {
    if (spec.model().equals(OFFLINE_MODEL)) {
      return Optional.of(new Backend() {
        @Override
        public CompletionStage<TaskAnswer> serve(TaskRequest request) {
          return CompletableFuture.failedFuture(new io.assay.task.TaskException("offline"));
        }

        @Override
        public String unavailableReason() {
          return "the echo runtime is not installed";
        }
      });
    }
    return Optional.of(backend(text -> CompletableFuture.completedFuture(text)));
  }

  @Override
  public Backend upstreamBackend(TaskSpec spec, UpstreamConfig upstream) {
    throw new UnsupportedOperationException();
  }

  /** A backend answering through {@code answer}, which may hold the answer back. */
  static Backend backend(Function<String, CompletionStage<String>> answer) {
    return request -> answer.apply(((EchoRequest) request).text()).thenApply(EchoAnswer::new);
  }

  static byte[] body(String model, String text) {
    return ("{\"model\":\"" + model + "\",\"text\":\"" + text + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A request for {@code text} as a stream. */
  static byte[] streamBody(String model, String text) {
    return ("{\"model\":\"" + model + "\",\"text\":\"" + text + "\",\"stream\":true}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
