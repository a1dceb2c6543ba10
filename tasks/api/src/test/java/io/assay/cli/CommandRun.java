package io.assay.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.function.ToIntFunction;

/**
 * What one run of a program's command line printed, and its exit code: the three programs'
 * command-line tests call their {@code run(String...)} through this, with standard output and
 * error captured.
 */
public record CommandRun(int exit, String out, String err) {

  public static CommandRun of(ToIntFunction<String[]> main, String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true));
    System.setErr(new PrintStream(err, true));
    try {
      int exit = main.applyAsInt(args);
      return new CommandRun(exit, out.toString(), err.toString());
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }
}
