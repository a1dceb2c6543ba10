package io.assay.checking;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.Backend;
import io.assay.task.Checker;
import io.assay.task.InvalidAnswerException;
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
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A task kind for checking tests: requests are {@code {"model","text"}}, answers {@code
 * {"text","score"}}, and its checker (for model {@value #MODEL} only) reports the answer's own
 * score as its quality, so a test knows which quality each answer must get.
 */
final class FakeKind implements TaskKind {

  static final String NAME = "fake";
  static final String MODEL = "ref";
  static final String TASK = NAME + "/" + MODEL;
  static final String PATH = "/v1/fake";

  record FakeRequest(String path, String model, String text) implements TaskRequest {}

  record FakeAnswer(String text, double score) implements TaskAnswer {
    @Override
    public byte[] toMinerBody() {
      return answerBody(text, score).getBytes(StandardCharsets.UTF_8);
    }
  }

  private final Checker checker;
  final AtomicInteger checkersMade = new AtomicInteger();

  FakeKind(Checker checker) {
    this.checker = checker;
  }

  /** A kind whose checker scores each answer with its own score. */
  static FakeKind scoring() {
    return new FakeKind(new ScoreChecker());
  }

  static String requestBody(String text) {
    return "{\"model\":\"" + MODEL + "\",\"text\":\"" + text + "\"}";
  }

  static String answerBody(String text, double score) {
    return "{\"text\":\"" + text + "\",\"score\":" + score + "}";
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public WorkUnit workUnit() {
    return new WorkUnit("characters", "characters of text");
  }

  @Override
  public List<String> paths() {
    return List.of(PATH);
  }

  @Override
  public TaskRequest parseRequest(String path, byte[] body) {
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      if (node == null || !node.path("text").isTextual()) {
        throw new InvalidRequestException("text is required", "text", null);
      }
      return new FakeRequest(path, node.path("model").asText(), node.path("text").asText());
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
        return ((FakeRequest) request).text().length();
      }

      @Override
      public byte[] minerRequestBody(TaskRequest request) {
        return requestBody(((FakeRequest) request).text()).getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public TaskAnswer readAnswer(TaskRequest request, byte[] body) {
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(body);
        } catch (IOException e) {
          throw new InvalidAnswerException("the answer is not JSON");
        }
        if (node == null || !node.path("score").isNumber()) {
          throw new InvalidAnswerException("score is missing");
        }
        return new FakeAnswer(node.path("text").asText(), node.path("score").asDouble());
      }

      @Override
      public long units(TaskRequest request, TaskAnswer answer) {
        return ((FakeAnswer) answer).text().length();
      }

      @Override
      public byte[] publicResponseBody(TaskRequest request, TaskAnswer answer) {
        return answer.toMinerBody();
      }

      @Override
      public SyntheticGenerator syntheticGenerator() {
        return random -> new FakeRequest(PATH, spec.model(), "x");
      }
    };
  }

  @Override
  public List<String> referenceModels() {
    return List.of(MODEL);
  }

  @Override
  public Optional<Backend> referenceBackend(TaskSpec spec, Executor workers) {
    return Optional.empty();
  }

  @Override
  public Backend upstreamBackend(TaskSpec spec, UpstreamConfig upstream) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<Checker> referenceChecker(TaskSpec spec) {
    if (!spec.model().equals(MODEL)) {
      return Optional.empty();
    }
    checkersMade.incrementAndGet();
    return Optional.of(checker);
  }

  /** A checker that scores every answer 0.5: the one made for a configured model server. */
  @Override
  public Optional<Checker> upstreamChecker(TaskSpec spec, UpstreamConfig upstream,
      io.assay.config.ConfigNode settings) {
    upstreamsSeen.add(upstream);
    return Optional.of(items -> items.stream()
        .map(i -> new Checker.CheckResult(0.5, "via " + upstream.baseUrl())).toList());
  }

  final List<UpstreamConfig> upstreamsSeen = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Scores each answer with its own score; counts what it checked. */
  static class ScoreChecker implements Checker {

    final AtomicInteger checked = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public List<CheckResult> check(List<CheckItem> items) {
      calls.incrementAndGet();
      beforeCheck(items);
      checked.addAndGet(items.size());
      return items.stream()
          .map(item -> new CheckResult(((FakeAnswer) item.answer()).score(), "as claimed"))
          .toList();
    }

    @Override
    public int preferredBatch() {
      return 4;
    }

    /** A hook for tests: block, fail, ... */
    void beforeCheck(List<CheckItem> items) {}
  }
}
