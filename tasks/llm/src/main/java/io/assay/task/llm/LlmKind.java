package io.assay.task.llm;

import io.assay.config.ConfigNode;
import io.assay.task.Backend;
import io.assay.task.Checker;
import io.assay.task.Task;
import io.assay.task.TaskKind;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.UpstreamConfig;
import io.assay.task.WorkUnit;
import io.assay.task.upstream.OpenAiHttp;
import io.assay.task.llm.model.ReferenceLm;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The llm task kind: {@code /v1/chat/completions} and {@code /v1/completions}, streamed or not,
 * with per-token log-probabilities on every answer. Work unit: output tokens.
 */
public final class LlmKind implements TaskKind {

  public static final String NAME = "llm";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public WorkUnit workUnit() {
    return new WorkUnit("output_tokens", "tokens generated (completion tokens)");
  }

  @Override
  public List<String> paths() {
    return List.of(LlmRequest.CHAT_PATH, LlmRequest.COMPLETIONS_PATH);
  }

  @Override
  public TaskRequest parseRequest(String path, byte[] body) {
    return LlmRequestParser.parse(path, body);
  }

  @Override
  public Task bind(TaskSpec spec) {
    return new LlmTask(spec, Clock.systemUTC());
  }

  @Override
  public List<String> referenceModels() {
    return List.of(ReferenceLm.MODEL_ID);
  }

  @Override
  public Optional<Backend> referenceBackend(TaskSpec spec, Executor workers) {
    if (!spec.model().equals(ReferenceLm.MODEL_ID)) {
      return Optional.empty();
    }
    return Optional.of(new ReferenceLmBackend(workers));
  }

  /**
   * An {@link LlmChecker} with its default thresholds ({@link LlmCheckerConfig#defaults()}),
   * teacher-forcing answers through the process-wide {@link ReferenceLm}, for {@code
   * reference-lm}; empty for any other model.
   */
  @Override
  public Optional<Checker> referenceChecker(TaskSpec spec) {
    return referenceChecker(spec, ConfigNode.empty(java.util.Map.of()));
  }

  /**
   * As {@link #referenceChecker(TaskSpec)}, with the thresholds set in {@code settings} ({@link
   * LlmCheckerConfig#read}).
   */
  @Override
  public Optional<Checker> referenceChecker(TaskSpec spec, ConfigNode settings) {
    LlmCheckerConfig config = LlmCheckerConfig.read(settings);
    if (!spec.model().equals(ReferenceLm.MODEL_ID)) {
      return Optional.empty();
    }
    return Optional.of(new LlmChecker(config));
  }

  /**
   * An {@link LlmUpstreamChecker} asking a vLLM-style server at {@code upstream} for the
   * log-probabilities of answers, with the thresholds set in {@code settings}; the upstream
   * option {@code chat_template} ({@code chatml}, the default, or {@code llama3}) says how the
   * model reads chat messages.
   *
   * @throws IllegalArgumentException for an unknown chat template
   */
  @Override
  public Optional<Checker> upstreamChecker(TaskSpec spec, UpstreamConfig upstream,
      ConfigNode settings) {
    LlmCheckerConfig config = LlmCheckerConfig.read(settings);
    ChatPrompt template = ChatPrompt.named(upstream.options().getOrDefault("chat_template",
        "chatml"));
    return Optional.of(new LlmUpstreamChecker(OpenAiHttp.create(upstream), config, template));
  }

  @Override
  public Backend upstreamBackend(TaskSpec spec, UpstreamConfig upstream) {
    return new LlmUpstreamBackend(upstream);
  }
}
