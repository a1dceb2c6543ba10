package io.assay.checking;

import io.assay.config.ConfigException;
import io.assay.doctor.Check;
import io.assay.doctor.Finding;
import io.assay.doctor.PortCheck;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code assay-checking-server doctor}: what a standalone checking server needs, in the order it
 * needs it. Its configuration, then the shared Redis it reads the queue from, the port of its
 * health endpoints, and what each kind's reference checker needs (a standalone server checks
 * whatever task the gateways queue, so every reference model of every kind on the class path,
 * except tasks checked through a configured model server).
 */
final class CheckingDoctor {

  private CheckingDoctor() {}

  /**
   * @param options reads the configuration; throws {@link ConfigException} naming the key
   * @param where the configuration's source, for the config line
   */
  static List<Check> checks(Supplier<CheckingOptions> options, String where, TaskKinds kinds) {
    CheckingOptions read;
    try {
      read = options.get();
      CheckingService.validate(read, kinds);
    } catch (ConfigException e) {
      return List.of(Check.found("config", Finding.failed(e.getMessage(),
          "correct the key it names, in the file or its ASSAY_ environment variable")));
    }
    List<Check> checks = new ArrayList<>();
    checks.add(Check.found("config", Finding.ok(where + " loads and validates")));
    checks.add(RedisCheck.of(read.redisUrl(), "redis.url (or ASSAY_REDIS_URL)"));
    if (read.port() != 0) {
      checks.add(PortCheck.of(read.host(), read.port(), "checking.port (or --port)"));
    }
    for (TaskKind kind : kinds.all()) {
      for (String model : kind.referenceModels()) {
        TaskSpec spec = new TaskSpec(kind.name(), model, Long.MAX_VALUE, 1);
        if (!read.upstreams().containsKey(spec.id())) {
          checks.addAll(kind.checkerPrerequisites(spec));
        }
      }
    }
    return checks;
  }
}
