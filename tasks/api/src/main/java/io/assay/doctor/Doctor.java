package io.assay.doctor;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a program's {@link Check}s in order and prints one line each: {@code ok}, {@code missing}
 * or {@code failed}, what was seen and, when not ok, how to fix it; then a summary line.
 *
 * <p>The three programs' {@code doctor} commands share it, so their output reads the same (a
 * check is one line, broken here to fit):
 *
 * <pre>
 * ok      config: my.yaml loads and validates
 * failed  port 127.0.0.1:8080: cannot listen there (Address already in use); fix: stop what
 *         listens there, or set gateway.port (or ASSAY_GATEWAY_PORT) to another port
 * doctor: 1 of 6 checks not ok
 * </pre>
 */
public final class Doctor {

  private Doctor() {}

  /**
   * Runs {@code checks} and prints their lines to {@code out}. Checks of one name run once (two
   * tasks needing one model), required if any of them is.
   *
   * @return 0 when every required check is ok, 1 otherwise
   */
  public static int run(List<Check> checks, PrintStream out) {
    Map<String, Check> distinct = new LinkedHashMap<>();
    for (Check check : checks) {
      distinct.merge(check.name(), check, (first, again) -> first.required() ? first : again);
    }
    int notOk = 0;
    int optionalNotOk = 0;
    for (Check check : distinct.values()) {
      Finding finding = check.run();
      out.println(line(check, finding));
      if (!finding.ok()) {
        if (check.required()) {
          notOk++;
        } else {
          optionalNotOk++;
        }
      }
    }
    String optional = optionalNotOk == 0 ? "" : " (" + optionalNotOk + " optional not ok)";
    out.println(notOk == 0
        ? "doctor: every required check is ok" + optional
        : "doctor: " + notOk + " of " + distinct.size() + " checks not ok" + optional);
    return notOk == 0 ? 0 : 1;
  }

  static String line(Check check, Finding finding) {
    String status = finding.status().name().toLowerCase(java.util.Locale.ROOT);
    String name = check.required() ? check.name()
        : check.name() + " (optional, for " + check.optionalFor() + ")";
    String line = String.format("%-7s %s: %s", status, name, finding.detail());
    return finding.ok() ? line : line + "; fix: " + finding.fix();
  }

  /** An exception as one line: its message (or its type when it has none), breaks removed. */
  public static String oneLine(Throwable e) {
    String message = e.getMessage() == null || e.getMessage().isBlank()
        ? e.getClass().getSimpleName() : e.getMessage();
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
