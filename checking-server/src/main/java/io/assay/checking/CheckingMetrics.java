package io.assay.checking;

import io.assay.metrics.Buckets;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.function.IntSupplier;

/**
 * The metrics of one checking service, in the registry it was given: the gateway's when it
 * embeds the service, else the standalone server's own ({@link HealthServer} exposes it).
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

  /** Every {@code reason} a dead letter is counted under. */
  static final java.util.List<String> DEAD_LETTER_REASONS = java.util.List.of(
      "too_many_deliveries", "malformed_entry", "unknown_task", "unreadable_request");

  private final PrometheusRegistry registry;
  private final Counter checks;
  private final Histogram checkSeconds;
  private final Counter deadLetters;
  private final Counter checkerFailures;
  private final Counter claimed;

  CheckingMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    checks = Counter.builder().name("assay_checks_total")
        .help("Answers handled by the checking server, by task and outcome")
        .labelNames("task", "outcome").withoutExemplars().register(registry);
    checkSeconds = Histogram.builder().name("assay_check_duration_seconds")
        .help("Time a task's checker took over one batch of answers (up to its preferred"
            + " batch size)")
        .unit(Unit.SECONDS).labelNames("task").classicOnly()
        .classicUpperBounds(Buckets.seconds()).withoutExemplars().register(registry);
    deadLetters = Counter.builder().name("assay_check_dead_letters_total")
        .help("Queue entries given up and moved to " + CheckingStreams.DEAD + ", by reason")
        .labelNames("reason").withoutExemplars().register(registry);
    for (String reason : DEAD_LETTER_REASONS) {
      deadLetters.initLabelValues(reason); // shown at 0 from the start, so alerts see them
    }
    checkerFailures = Counter.builder().name("assay_checker_failures_total")
        .help("Entries left for a retry because a checker failed on them, by task")
        .labelNames("task").withoutExemplars().register(registry);
    claimed = Counter.builder().name("assay_check_claimed_total")
        .help("Entries taken over from stalled servers").withoutExemplars().register(registry);
  }

  /** Registers the gauge of entries the service holds, read from {@code inFlight} when scraped. */
  void watchInFlight(IntSupplier inFlight) {
    GaugeWithCallback.builder().name("assay_checks_in_flight")
        .help("Queue entries this server has read and not yet settled")
        .callback(cb -> cb.call(inFlight.getAsInt())).register(registry);
  }

  /** The registry the metrics are in. */
  public PrometheusRegistry registry() {
    return registry;
  }

  void outcome(String task, Outcome outcome) {
    checks.labelValues(task, outcome.label).inc();
  }

  void checked(String task, long nanos) {
    checkSeconds.labelValues(task).observe(nanos / 1e9);
  }

  void deadLetter(String reason) {
    deadLetters.labelValues(reason).inc();
  }

  void checkerFailure(String task, long entries) {
    checkerFailures.labelValues(task).inc(entries);
  }

  void claimed(long entries) {
    claimed.inc(entries);
  }

  /** Entries of {@code task} handled with {@code outcome} (one of the outcome labels). */
  public long checks(String task, String outcome) {
    return sum(checks, Labels.of("task", task, "outcome", outcome));
  }

  /** Entries moved to the dead letters, all reasons. */
  public long deadLetters() {
    return sum(deadLetters, null);
  }

  /** Entries left pending because a checker (or its task's parsing) failed on them. */
  public long checkerFailures() {
    return sum(checkerFailures, null);
  }

  /** Entries taken over from servers that did not finish them in time. */
  public long claimed() {
    return claimed.getLongValue();
  }

  /** The series with {@code labels}, or every series when null; read from a snapshot. */
  private static long sum(Counter counter, Labels labels) {
    double total = 0;
    for (CounterSnapshot.CounterDataPointSnapshot p : counter.collect().getDataPoints()) {
      if (labels == null || p.getLabels().equals(labels)) {
        total += p.getValue();
      }
    }
    return (long) total;
  }
}
