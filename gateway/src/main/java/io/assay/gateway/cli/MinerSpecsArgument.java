package io.assay.gateway.cli;

import io.assay.cli.CommandLines;
import io.assay.miner.sim.MinerSpec;
import io.assay.miner.sim.MinerSpecs;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code --miners SPEC} of {@code devnet} and {@code simulate}. */
final class MinerSpecsArgument {

  /** Their usage footer. */
  static final String HELP = "SPEC: behaviours and counts, e.g. honest:3,overclaim:1,slow:1,"
      + "flaky:1,random-output:1; sybil:N and timeshare:N are one machine behind N identities";

  private MinerSpecsArgument() {}

  /** @throws picocli.CommandLine.ParameterException saying what is wrong with {@code value} */
  static List<MinerSpec> parse(CommandSpec command, String value) {
    try {
      return MinerSpecs.parse(value);
    } catch (IllegalArgumentException e) {
      throw CommandLines.usageError(command, "--miners: " + e.getMessage());
    }
  }
}
