package io.assay.miner;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import io.assay.doctor.Check;
import io.assay.doctor.Finding;
import io.assay.doctor.PortCheck;
import io.assay.task.Backend;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * {@code assay-miner doctor --config FILE}: what the configured miner needs before it serves.
 * Its configuration (every task's kind and backend can be made), its identity file, its port, and
 * what each task served by a reference engine needs from this machine (Node and snarkjs for zk
 * proofs, the embeddings model). Upstream model servers are not asked here: {@code check} sends
 * each task a request.
 */
final class MinerDoctor {

  private MinerDoctor() {}

  /** @param workers where reference backends load their models; owned by the caller */
  static List<Check> checks(Path file, Map<String, String> env, TaskKinds kinds,
      ExecutorService workers) {
    MinerConfig config;
    try {
      config = MinerConfig.read(ConfigNode.load(file, env), file.toAbsolutePath().getParent());
      canMakeBackends(config, kinds, workers);
    } catch (ConfigException | IllegalArgumentException e) {
      return List.of(Check.found("config", Finding.failed(e.getMessage(),
          "correct the key it names, in the file or its ASSAY_ environment variable")));
    }
    List<Check> checks = new ArrayList<>();
    checks.add(Check.found("config", Finding.ok(file + " loads and validates")));
    checks.add(IdentityFileCheck.of(config.identityFile(), "identity_file"));
    if (config.port() != 0) {
      checks.add(PortCheck.of(config.host(), config.port(), "port (or ASSAY_PORT)"));
    }
    for (MinerConfig.TaskConfig t : config.tasks()) {
      if (t.upstream() == null) {
        TaskKind kind = kinds.byName(t.kind()).orElseThrow();
        checks.addAll(kind.backendPrerequisites(new TaskSpec(kind.name(), t.model(),
            t.capacity(), 1)));
      }
    }
    return checks;
  }

  /** As the miner makes them at start: a kind unknown or a model without engine is refused. */
  private static void canMakeBackends(MinerConfig config, TaskKinds kinds,
      ExecutorService workers) {
    MinerFactory factory = new MinerFactory(kinds, workers);
    for (int i = 0; i < config.tasks().size(); i++) {
      MinerConfig.TaskConfig t = config.tasks().get(i);
      int index = i;
      TaskKind kind = kinds.byName(t.kind()).orElseThrow(() -> new ConfigException(
          "config key 'tasks[" + index + "].kind': unknown task kind '" + t.kind()
              + "'; known kinds: " + kinds.all().stream().map(TaskKind::name).toList()));
      try (Backend backend = factory.backend(kind, new TaskSpec(kind.name(), t.model(),
          t.capacity(), 1), t)) {
        // made and released: nothing is served from it
      }
    }
  }
}
