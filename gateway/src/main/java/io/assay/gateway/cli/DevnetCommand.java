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

  @Option(names = "--attest", paramLabel = "KIND", split = ",",
      description = "task kinds (e.g. llm) that must run in a TEE: the devnet makes a test"
          + " attestation authority and trusts it for them")
  private List<String> attest = List.of();

  @Option(names = "--attested-miners", paramLabel = "N",
      description = "how many miners, the first ones, run in the test enclave (default: all)")
  private Integer attestedMiners;

  @Override
  public Integer call() throws Exception {
    GatewayConfig loaded = config.load();
    if (periodSeconds != null && periodSeconds < 0) {
      throw CommandLines.usageError(spec, "--period-seconds must be positive");
    }
    if (periodSeconds != null && periodSeconds > 0) {
      loaded = loaded.withPeriod(Duration.ofSeconds(periodSeconds));
    }
    if (attestedMiners != null && (attestedMiners < 0 || attest.isEmpty())) {
      throw CommandLines.usageError(spec, attest.isEmpty()
          ? "--attested-miners needs --attest KIND" : "--attested-miners must be >= 0");
    }
    Devnet devnet;
    if (miners.matches("\\d+")) {
      int count = Integer.parseInt(miners);
      Devnet.Enclaves enclaves = new Devnet.Enclaves(java.util.Set.copyOf(attest),
          attestedMiners == null ? count : attestedMiners);
      try {
        enclaves.checkAgainst(loaded);
      } catch (IllegalArgumentException e) {
        throw CommandLines.usageError(spec, "--attest: " + e.getMessage());
      }
      devnet = Devnet.start(loaded.withPort(port), dataDir, count, enclaves);
    } else if (!attest.isEmpty()) {
      throw CommandLines.usageError(spec, "--attest runs honest reference miners: give --miners"
          + " a count, not behaviours");
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
    if (!attest.isEmpty()) {
      System.out.println("Attested:  " + String.join(", ", attest) + " tasks, served by the "
          + (attestedMiners == null ? "all the miners" : "first " + attestedMiners + " miner(s)")
          + " in the devnet's test enclave");
    }
    System.out.println("Try it:");
    System.out.println("  " + devnet.curlExample());
    System.out.println();
    return UntilStopped.await(devnet);
  }
}
