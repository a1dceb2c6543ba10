package io.assay.gateway.cli;

import io.assay.cli.CommandLines;
import io.assay.gateway.devnet.Simulation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simulate}: a time-compressed market of miner behaviours; prints their weights. */
@Command(name = "simulate", description = "Runs a time-compressed market of simulated miners"
    + " and prints each miner's task scores and weight.", footer = MinerSpecsArgument.HELP)
final class SimulateCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Mixin
  private ConfigOption config;

  @Option(names = "--miners", paramLabel = "SPEC", required = true,
      description = "the miners' behaviours and counts")
  private String miners;

  @Option(names = "--periods", paramLabel = "N", defaultValue = "10",
      description = "scoring periods to run (default: ${DEFAULT-VALUE})")
  private int periods;

  @Option(names = "--period-seconds", paramLabel = "S", defaultValue = "10",
      description = "length of one period (default: ${DEFAULT-VALUE})")
  private int seconds;

  @Option(names = "--data-dir", paramLabel = "D",
      description = "where the market's state goes (default: a new temporary directory)")
  private Path dataDir;

  @Option(names = "--out", paramLabel = "FILE", description = "also write the result as JSON")
  private Path out;

  @Override
  public Integer call() throws Exception {
    if (periods < 1 || seconds < 1) {
      throw CommandLines.usageError(spec, "--periods and --period-seconds must be positive");
    }
    var specs = MinerSpecsArgument.parse(spec, miners);
    Simulation.run(config.load(), specs, periods, Duration.ofSeconds(seconds),
        dataDir == null ? Files.createTempDirectory("assay-simulation") : dataDir, System.out,
        out);
    return 0;
  }
}
