package io.assay.gateway.cli;

import io.assay.cli.CommandLines;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.devnet.Devnet;
import io.assay.miner.sim.MinerSpec;
import io.assay.miner.sim.ServiceModel;
import io.assay.miner.sim.SimulatedFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code devnet}: a gateway, its private Redis and reference miners on loopback, one process. */
@Command(name = "devnet", description = "Runs a gateway with reference miners on loopback.",
    footer = MinerSpecsArgument.HELP)
final class DevnetCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Mixin
  private ConfigOption config;

  @Option(names = "--port", paramLabel = "P", defaultValue = "8080",
      description = "the gateway's port (default: ${DEFAULT-VALUE})")
  private int port;

  @Option(names = "--data-dir", paramLabel = "D", defaultValue = "data/devnet",
      description = "keys, identities and usage, kept across starts (default: ${DEFAULT-VALUE})")
  private Path dataDir;

  @Option(names = "--miners", paramLabel = "N|SPEC", defaultValue = "3",
      description = "how many honest miners, or a SPEC of behaviours (default: ${DEFAULT-VALUE})")
  private String miners;

  @Option(names = "--period-seconds", paramLabel = "S",
      description = "the scoring period (default: scoring.period)")
  private Integer periodSeconds;

  @Override
  public Integer call() throws Exception {
    GatewayConfig loaded = config.load();
    if (periodSeconds != null && periodSeconds < 0) {
      throw CommandLines.usageError(spec, "--period-seconds must be positive");
    }
    if (periodSeconds != null && periodSeconds > 0) {
      loaded = loaded.withPeriod(Duration.ofSeconds(periodSeconds));
    }
    Devnet devnet;
    if (miners.matches("\\d+")) {
      devnet = Devnet.start(loaded.withPort(port), dataDir, Integer.parseInt(miners));
    } else {
      List<MinerSpec> specs = MinerSpecsArgument.parse(spec, miners);
      devnet = Devnet.start(loaded.withPort(port), dataDir, specs,
          new SimulatedFleet(specs, ServiceModel.sharedBy(specs.size()), loaded.period()));
    }
    System.out.println();
    System.out.println("Assay devnet is up: " + devnet.miners().size() + " miners behind "
        + devnet.info().baseUrl());
    System.out.println("API key:   " + devnet.info().apiKey());
    System.out.println("Admin key: " + devnet.info().adminKey());
    System.out.println("Try it:");
    System.out.println("  " + devnet.curlExample());
    System.out.println();
    return UntilStopped.await(devnet);
  }
}
