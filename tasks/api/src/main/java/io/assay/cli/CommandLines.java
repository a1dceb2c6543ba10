package io.assay.cli;

import io.assay.config.ConfigException;
import io.assay.doctor.Doctor;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * How the gateway, the miner and the checking server run their picocli command lines, so the
 * three answer alike:
 *
 * <ul>
 *   <li>every command and subcommand takes {@code -h} / {@code --help}: usage on stdout, exit 0
 *       (added here, so a new subcommand cannot forget it);
 *   <li>a usage error (an unknown option, a missing required one, a bad number, or a command's
 *       own {@link CommandLine.ParameterException}) prints the message, which names the option,
 *       then the command's usage, on stderr: exit 2;
 *   <li>an unusable configuration ({@link ConfigException}) prints its message, which names the
 *       key: exit 2;
 *   <li>any other failure prints one line, without a stack trace: exit 1. A command's own exit
 *       code (a {@code Callable<Integer>}) is returned as it is.
 * </ul>
 *
 * <p>Needs picocli on the class path: this module declares it optional, and each program
 * depends on it itself.
 */
public final class CommandLines {

  /** Exit code of a usage error or an unusable configuration. */
  public static final int USAGE = 2;

  private CommandLines() {}

  /**
   * Runs {@code command} (a picocli {@code @Command}) on {@code args}; returns the exit code.
   * Usage and messages go to {@link System#out} and {@link System#err} as they are at this call,
   * where the commands print too.
   */
  public static int execute(Object command, String... args) {
    CommandLine line = new CommandLine(command);
    addHelp(line);
    line.setSeparator(" "); // usage reads --config FILE, as the README writes the commands
    line.setOut(new PrintWriter(System.out, true));
    line.setErr(new PrintWriter(System.err, true));
    line.setExecutionExceptionHandler((e, failed, parsed) -> {
      String program = failed.getCommandSpec().root().name();
      failed.getErr().println(program + ": " + Doctor.oneLine(e));
      return e instanceof ConfigException ? USAGE : 1;
    });
    try {
      return line.execute(args);
    } catch (LinkageError e) {
      // picocli passes errors through; a class missing from a damaged jar is still one line.
      line.getErr().println(command.getClass().getAnnotation(CommandLine.Command.class).name()
          + ": " + Doctor.oneLine(e));
      return 1;
    }
  }

  /** Usage errors a command finds itself ({@code --periods must be positive}). */
  public static CommandLine.ParameterException usageError(CommandLine.Model.CommandSpec spec,
      String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  private static void addHelp(CommandLine line) {
    line.getCommandSpec().addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
        .description("Show this help and exit.").build());
    line.getSubcommands().values().forEach(CommandLines::addHelp);
  }
}
