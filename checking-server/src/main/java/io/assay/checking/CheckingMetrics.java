package io.assay.checking;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one checking service, rendered in Prometheus' text format by {@link #render()}
 * (the gateway appends them to its own {@code /metrics} when it embeds the service).
 * Thread-safe.
 */
public final class CheckingMetrics {

  /** How the handling of one queue entry ended; the {@code outcome} label. */
  enum Outcome {
    /** Scored with the checker's quality. */
    CHECKED("checked"),
    /** The answer did not parse; scored 0. */
    INVALID_ANSWER("invalid_answer"),
    /** Another server, or an earlier delivery, had scored it; acknowledged only. */
    ALREADY_CHECKED("already_checked"),
    /** No kind or no reference checker here for its task; acknowledged, not scored. */
    UNKNOWN_TASK("unknown_task"),
    /** Given up and moved to the dead letters; not scored. */
    DEAD_LETTER("dead_letter");

    final String label;

    Outcome(String label) {
      this.label = label;
    }
  }

  private final Map<String, LongAdder> checks = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> deadLetters = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> checkerFailures = new ConcurrentHashMap<>();
  private final LongAdder claimed = new LongAdder();

  void outcome(String task, Outcome outcome) {
    add(checks, "task=\"" + escape(task) + "\",outcome=\"" + outcome.label + "\"", 1);
  }

  void deadLetter(String reason) {
    add(deadLetters, "reason=\"" + reason + "\"", 1);
  }

  void checkerFailure(String task, long entries) {
    add(checkerFailures, "task=\"" + escape(task) + "\"", entries);
  }

  void claimed(long entries) {
    claimed.add(entries);
  }

  /** Entries of {@code task} handled with {@code outcome} (one of the outcome labels). */
  public long checks(String task, String outcome) {
    LongAdder n = checks.get("task=\"" + escape(task) + "\",outcome=\"" + outcome + "\"");
    return n == null ? 0 : n.sum();
  }

  /** Entries moved to the dead letters, all reasons. */
  public long deadLetters() {
    return deadLetters.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Entries left pending because a checker (or its task's parsing) failed on them. */
  public long checkerFailures() {
    return checkerFailures.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Entries taken over from servers that did not finish them in time. */
  public long claimed() {
    return claimed.sum();
  }

  /** The exposition text. */
  public String render() {
    StringBuilder out = new StringBuilder(1024);
    series(out, "assay_checks_total", "Answers handled by the checking server, by task and outcome",
        checks);
    series(out, "assay_check_dead_letters_total",
        "Queue entries given up and moved to " + CheckingStreams.DEAD + ", by reason", deadLetters);
    series(out, "assay_checker_failures_total",
        "Entries left for a retry because a checker failed on them, by task", checkerFailures);
    out.append("# HELP assay_check_claimed_total Entries taken over from stalled servers\n");
    out.append("# TYPE assay_check_claimed_total counter\n");
    out.append("assay_check_claimed_total ").append(claimed.sum()).append('\n');
    return out.toString();
  }

  private static void add(Map<String, LongAdder> family, String labels, long n) {
    family.computeIfAbsent(labels, l -> new LongAdder()).add(n);
  }

  private static void series(StringBuilder out, String name, String help,
      Map<String, LongAdder> family) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    family.forEach((labels, value) ->
        out.append(name).append('{').append(labels).append("} ").append(value.sum()).append('\n'));
  }

  /** Label values come from the queue, so they are escaped as the text format requires. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
