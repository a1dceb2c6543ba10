package io.assay.miner;

import io.assay.config.ConfigException;
import io.assay.protocol.Hotkey;
import io.assay.protocol.Identity;
import io.assay.task.Backend;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskSpec;
import io.assay.task.UpstreamConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/** Turns a {@link MinerConfig} into a {@link Miner}: finds task kinds and builds backends. */
public final class MinerFactory {

  private final TaskKinds kinds;
  private final ExecutorService workers;

  /**
   * @param kinds where task kinds are looked up
   * @param workers runs reference-engine inference; owned by the caller
   */
  public MinerFactory(TaskKinds kinds, ExecutorService workers) {
    this.kinds = kinds;
    this.workers = workers;
  }

  public Miner create(MinerConfig config) {
    Identity identity;
    try {
      identity = Identity.loadOrCreate(config.identityFile());
    } catch (IOException e) {
      throw new UncheckedIOException("miner " + config.name() + ": cannot read or create identity "
          + config.identityFile(), e);
    }
    Set<Hotkey> accepted = new HashSet<>(config.acceptValidators());
    Miner.Builder builder = Miner.builder()
        .name(config.name())
        .identity(identity)
        .host(config.host())
        .port(config.port())
        .periodLength(config.period())
        .acceptValidators(config.acceptAnyValidator() ? v -> true : accepted::contains);
    for (MinerConfig.TaskConfig t : config.tasks()) {
      TaskKind kind = kinds.byName(t.kind()).orElseThrow(() -> new ConfigException(
          "miner " + config.name() + ": unknown task kind '" + t.kind() + "'; known kinds: "
              + kinds.all().stream().map(TaskKind::name).toList()));
      TaskSpec spec = new TaskSpec(kind.name(), t.model(), t.capacity(), 1);
      builder.offer(new TaskOffer(kind, spec, backend(kind, spec, t), t.capacity(),
          t.maxConcurrency()));
    }
    return builder.build();
  }

  private Backend backend(TaskKind kind, TaskSpec spec, MinerConfig.TaskConfig t) {
    if (t.upstream() != null) {
      MinerConfig.Upstream u = t.upstream();
      return kind.upstreamBackend(spec,
          new UpstreamConfig(u.baseUrl(), u.model(), u.apiKey(), u.timeout()));
    }
    return kind.referenceBackend(spec, workers).orElseThrow(() -> new ConfigException(
        "task " + spec.id() + ": there is no reference engine for model '" + spec.model()
            + "' (reference models: " + kind.referenceModels()
            + "); use backend: upstream to forward to a model server"));
  }
}
