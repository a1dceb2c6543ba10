package io.assay.gateway.cli;

import io.assay.doctor.Doctor;
import io.assay.task.TaskKinds;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code doctor}: what works and what is missing for {@code serve}, one line each. */
@Command(name = "doctor", description = {"Checks what serve needs, one line each: the"
    + " configuration, Redis, the port, the identity file, the checkers' models; and, as"
    + " optional, what devnet's miners need (Node and snarkjs for zk).",
    "Exit 0 when all it needs works, 1 otherwise."})
final class DoctorCommand implements Callable<Integer> {

  @Mixin
  private ConfigOption config;

  @Override
  public Integer call() {
    String where = config.file() == null ? "the default configuration (inside the jar)"
        : config.file().toString();
    return Doctor.run(GatewayDoctor.checks(config::load, where, TaskKinds.discover()),
        System.out);
  }
}
