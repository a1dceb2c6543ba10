package io.assay.checking;

import io.assay.metrics.CounterFamily;

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

  private final CounterFamily checks = new CounterFamily("assay_checks_total",
      "Answers handled by the checking server, by task and outcome");
  private final CounterFamily deadLetters = new CounterFamily("assay_check_dead_letters_total",
      "Queue entries given up and moved to " + CheckingStreams.DEAD + ", by reason");
  private final CounterFamily checkerFailures = new CounterFamily("assay_checker_failures_total",
      "Entries left for a retry because a checker failed on them, by task");
  private final CounterFamily claimed = new CounterFamily("assay_check_claimed_total",
      "Entries taken over from stalled servers");

  CheckingMetrics() {
    claimed.add(0); // an unlabelled counter is shown from the start, at 0
  }

  void outcome(String task, Outcome outcome) {
    checks.add(1, "task", task, "outcome", outcome.label);
  }

  void deadLetter(String reason) {
    deadLetters.add(1, "reason", reason);
  }

  void checkerFailure(String task, long entries) {
    checkerFailures.add(entries, "task", task);
  }

  void claimed(long entries) {
    claimed.add(entries);
  }

  /** Entries of {@code task} handled with {@code outcome} (one of the outcome labels). */
  public long checks(String task, String outcome) {
    return checks.get("task", task, "outcome", outcome);
  }

  /** Entries moved to the dead letters, all reasons. */
  public long deadLetters() {
    return deadLetters.total();
  }

  /** Entries left pending because a checker (or its task's parsing) failed on them. */
  public long checkerFailures() {
    return checkerFailures.total();
  }

  /** Entries taken over from servers that did not finish them in time. */
  public long claimed() {
    return claimed.total();
  }

  /** The exposition text. */
  public String render() {
    StringBuilder out = new StringBuilder(1024);
    checks.render(out);
    deadLetters.render(out);
    checkerFailures.render(out);
    claimed.render(out);
    return out.toString();
  }
}
