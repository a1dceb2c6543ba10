package io.assay.gateway.cli;

import io.assay.miner.KeygenCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The gateway's command line: {@code assay-gateway [serve] [--config FILE]} runs a gateway, and
 * the subcommands are the devnet, the simulation, the audit and key tools, {@code doctor} and
 * {@code verify-quote}.
 * Run it through {@link io.assay.cli.CommandLines}, which adds {@code --help} everywhere and
 * turns failures into exit codes.
 */
@Command(name = "assay-gateway",
    description = "The Assay validator gateway: an OpenAI-compatible API in front of miners.",
    subcommands = {ServeCommand.class, DevnetCommand.class, SimulateCommand.class,
        AuditCommands.ExportEvents.class, AuditCommands.RecomputeWeights.class,
        KeysCommand.class, AuditCommands.ProveAnswer.class, WeightsCommand.class,
        KeygenCommand.class, DoctorCommand.class, VerifyQuoteCommand.class},
    footer = {"", "Without a command it serves: assay-gateway --config FILE is"
        + " assay-gateway serve --config FILE."})
public final class GatewayCommand implements Callable<Integer> {

  @Mixin
  private ConfigOption config;

  @Override
  public Integer call() throws Exception {
    return ServeCommand.serve(config);
  }
}
