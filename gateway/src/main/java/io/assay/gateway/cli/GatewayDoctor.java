package io.assay.gateway.cli;

import io.assay.checking.CheckingService;
import io.assay.checking.RedisCheck;
import io.assay.config.ConfigException;
import io.assay.doctor.Check;
import io.assay.doctor.Finding;
import io.assay.doctor.PortCheck;
import io.assay.gateway.Gateway;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.config.GatewayConfig.TaskConfig;
import io.assay.gateway.state.PrivateRedis;
import io.assay.miner.IdentityFileCheck;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code assay-gateway doctor}: what {@code serve} needs, in the order it needs it. The
 * configuration (every task bound to its kind), Redis (the configured one answers, or a private
 * redis-server can be started on the data directory), the API port, the validator's identity
 * file, and what the embedded checking server's reference checkers need (the embeddings model).
 *
 * <p>What a task's reference miner needs (Node and snarkjs for zk proofs) is reported as
 * optional: the gateway verifies proofs in Java, and only {@code devnet}'s miners prove.
 */
final class GatewayDoctor {

  private static final String FIX_CONFIG =
      "correct the key it names, in the file or its ASSAY_ environment variable";

  private GatewayDoctor() {}

  /**
   * @param config reads the configuration; throws {@link ConfigException} naming the key
   * @param where the configuration's source, for the config line
   */
  static List<Check> checks(Supplier<GatewayConfig> config, String where, TaskKinds kinds) {
    GatewayConfig read;
    try {
      read = config.get();
      Gateway.bindTasks(kinds, read.tasks());
      if (read.checking().embedded()) {
        CheckingService.validate(read.checking().options(), kinds);
      }
    } catch (ConfigException | IllegalArgumentException e) {
      return List.of(Check.found("config", Finding.failed(e.getMessage(), FIX_CONFIG)));
    }
    List<Check> checks = new ArrayList<>();
    checks.add(Check.found("config", Finding.ok(where + " loads and validates")));
    checks.add(read.redisUrl() != null
        ? RedisCheck.of(read.redisUrl(), "redis.url (or ASSAY_REDIS_URL)")
        : privateRedis(read.dataDir().resolve("redis")));
    if (read.port() != 0) {
      checks.add(PortCheck.of(read.host(), read.port(), "gateway.port (or ASSAY_GATEWAY_PORT)"));
    }
    checks.add(IdentityFileCheck.of(read.identityFile(), "gateway.identity_file"));
    for (TaskConfig t : read.tasks()) {
      TaskKind kind = kinds.byName(t.kind()).orElseThrow();
      TaskSpec spec = new TaskSpec(t.kind(), t.model(), t.maxCapacity(), t.unitsPerRequest());
      if (read.checking().embedded()
          && !read.checking().options().upstreams().containsKey(spec.id())) {
        checks.addAll(kind.checkerPrerequisites(spec));
      }
      kind.backendPrerequisites(spec).forEach(c -> checks.add(c.optional("devnet's miners")));
    }
    return checks;
  }

  /** Without redis.url the gateway starts its own redis-server on {@code dir}. */
  private static Check privateRedis(Path dir) {
    String fix = "install Redis (redis-server on PATH), or set redis.url (or ASSAY_REDIS_URL)";
    return Check.of("redis (private, in " + dir + ")", fix, () -> {
      if (PrivateRedis.runningOn(dir).isPresent()) {
        return Finding.failed("a gateway runs its private Redis on this directory already",
            "stop that gateway, or give this one another gateway.data_dir");
      }
      return PrivateRedis.server()
          .map(server -> Finding.ok(server + ", started by the gateway"))
          .orElseGet(() -> Finding.missing("no redis-server on PATH and no bundled build for"
              + " this platform", fix));
    });
  }
}
