package io.assay.task;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * One kind of work the marketplace trades (embeddings, llm, image, zk-proof).
 *
 * <p>A kind is everything the gateway, the miner and the checking server need to handle its
 * requests without naming it: the public routes it answers, how a request and an answer are
 * parsed and validated, how work is counted, how synthetic requests are made, and the backends
 * a miner can serve it from. Kinds are found through {@link TaskKinds} (a {@link
 * java.util.ServiceLoader}), so adding a kind means adding a module to {@code tasks/} and
 * registering it in {@code META-INF/services/io.assay.task.TaskKind}.
 *
 * <p>Implementations are stateless and thread-safe. Methods that parse or count may be called on
 * an event loop, so they must not block; anything slow belongs in a {@link Backend} running on
 * the executor it is given.
 */
public interface TaskKind {

  /** Stable lower-case name, e.g. {@code "embeddings"}; the first half of a task id. */
  String name();

  /** The unit a miner declares capacity in and is paid for. */
  WorkUnit workUnit();

  /**
   * The HTTP paths this kind answers, e.g. {@code /v1/embeddings}. The gateway serves them to
   * users and a miner serves the same paths to validators, so requests and answers pass between
   * them in OpenAI's shapes.
   */
  List<String> paths();

  /**
   * Parses and validates a request body received on {@code path}.
   *
   * @throws InvalidRequestException naming the offending parameter when the body is malformed
   *     or violates the API's rules
   */
  TaskRequest parseRequest(String path, byte[] body);

  /**
   * Parses a body that came with the {@code Content-Type} header {@code contentType} (null when
   * unknown, as for a request read back from the checking queue). Kinds whose paths take only
   * JSON ignore it (the default); a path that takes {@code multipart/form-data} reads its
   * boundary from it, or from the body's first line when it is null.
   *
   * @throws InvalidRequestException as {@link #parseRequest(String, byte[])} does
   */
  default TaskRequest parseRequest(String path, String contentType, byte[] body) {
    return parseRequest(path, body);
  }

  /**
   * Whether parsing a body of {@code path} does CPU work too long for an event loop whatever the
   * body's size (decoding pictures); callers then parse on a worker. False by default: parsing
   * JSON is cheap enough inline.
   */
  default boolean parsesOnWorker(String path) {
    return false;
  }

  /** Binds this kind to one configured task (a model and its limits). */
  Task bind(TaskSpec spec);

  /** Models this kind can serve and check without any external server. */
  List<String> referenceModels();

  /**
   * A backend that computes answers in this process with the reference engine for {@code
   * spec.model()}, running its work on {@code workers}; empty when there is no reference
   * engine for that model.
   */
  Optional<Backend> referenceBackend(TaskSpec spec, Executor workers);

  /** A backend that forwards to an OpenAI-compatible model server (vLLM, Ollama, TEI, ...). */
  Backend upstreamBackend(TaskSpec spec, UpstreamConfig upstream);

  /**
   * The checker for {@code spec}'s answers, running the reference model in this process; empty
   * when this kind cannot check that model here.
   */
  default java.util.Optional<Checker> referenceChecker(TaskSpec spec) {
    return java.util.Optional.empty();
  }

  /**
   * Like {@link #referenceChecker(TaskSpec)}, with the operator's settings for this kind's
   * checkers (thresholds; {@code checking.checkers.<kind>} in the configuration, possibly empty).
   * A kind without settings refuses any key.
   *
   * @throws io.assay.config.ConfigException naming the key when a setting is unusable
   */
  default java.util.Optional<Checker> referenceChecker(TaskSpec spec,
      io.assay.config.ConfigNode settings) {
    settings.rejectUnknownKeys();
    return referenceChecker(spec);
  }

  /**
   * A checker for {@code spec}'s answers that asks a model server for the reference's view
   * (for llm: the log-probabilities a vLLM-style server reports for the answer's tokens), with
   * the operator's settings as for {@link #referenceChecker(TaskSpec, io.assay.config.ConfigNode)};
   * empty when this kind cannot check through a server.
   */
  default java.util.Optional<Checker> upstreamChecker(TaskSpec spec, UpstreamConfig upstream,
      io.assay.config.ConfigNode settings) {
    return java.util.Optional.empty();
  }

  /**
   * Public routes the gateway answers itself for this kind's configured {@code tasks}, without a
   * miner (listing circuits, verifying a proof a user brings); none by default.
   */
  default List<LocalRoute> localRoutes(List<Task> tasks) {
    return List.of();
  }

  /**
   * What a miner's reference backend for {@code spec} needs from this machine (a runtime that
   * must be installed, a model that must load), as checks for the {@code doctor} commands; none
   * by default. Checks may block for seconds (loading a model): run them off any event loop.
   */
  default List<io.assay.doctor.Check> backendPrerequisites(TaskSpec spec) {
    return List.of();
  }

  /**
   * What the reference checker of {@code spec}'s answers needs from this machine, as {@link
   * #backendPrerequisites} says; none by default.
   */
  default List<io.assay.doctor.Check> checkerPrerequisites(TaskSpec spec) {
    return List.of();
  }
}
