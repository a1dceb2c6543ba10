package io.assay.gateway.cli;

import io.assay.cli.CommandLines;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.weights.WeightsCommands;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code weights export}: the latest weight computation, signed for a chain client. */
@Command(name = "weights", description = "Exports the latest weights, signed for the chain.",
    subcommands = WeightsCommand.Export.class)
final class WeightsCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  /** {@code weights} alone. */
  @Override
  public Integer call() {
    throw CommandLines.usageError(spec, "weights needs an action: export");
  }

  @Command(name = "export", description = "Prints the latest weights as JSON, by chain uid,"
      + " signed by the validator.")
  static final class Export implements Callable<Integer> {

    @Mixin
    private ToolOptions tool;

    @Override
    public Integer call() throws Exception {
      GatewayConfig config = tool.load();
      return WeightsCommands.export(config.redisUrl(), config.dataDir(), config.identityFile(),
          config.scoring().chain().netuid(), config.scoring().chain().versionKey(), System.out,
          System.err);
    }
  }
}
