package io.assay.miner;

import io.assay.metrics.Buckets;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One miner's metrics, in a registry of its own (a fleet of simulated miners shares a JVM): its
 * requests by task and outcome, how long answers took, and its declaration, consumption and
 * requests in flight, read from the capacity ledgers when scraped. Every series a request
 * touches is bound at start, so serving adds an increment and an observation. Thread-safe.
 */
final class MinerMetrics {

  /** How a task request ended; the {@code outcome} label. */
  enum Outcome {
    /** Answered in full (200, or a stream that ended with its receipt). */
    ANSWERED,
    /** Refused with 429: over the capacity or concurrency, or the backend was busy. */
    REFUSED,
    /** The backend failed (502, or a stream ended with an error). */
    FAILED,
    /** The validator went away before the answer was delivered. */
    ABANDONED;

    final String label = name().toLowerCase(Locale.ROOT);
  }

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Map<String, TaskSeries> byTask = new HashMap<>();

  /** @param tasks by task id; not copied, read when scraped */
  MinerMetrics(Map<String, ServedTask> tasks) {
    Counter requests = Counter.builder().name("assay_miner_requests_total")
        .help("Task requests from validators, by task and outcome (answered, refused, failed,"
            + " abandoned)")
        .labelNames("task", "outcome").withoutExemplars().register(registry);
    Histogram seconds = Histogram.builder().name("assay_miner_request_duration_seconds")
        .help("Time from admitting a task request to the end of its answer (the last chunk of"
            + " a stream); answered requests only")
        .unit(Unit.SECONDS).labelNames("task").classicOnly()
        .classicUpperBounds(Buckets.seconds()).withoutExemplars().register(registry);
    tasks.keySet().forEach(id -> byTask.put(id, new TaskSeries(id, requests, seconds)));
    gauge("assay_miner_requests_in_flight", "Task requests admitted and not yet finished",
        tasks, t -> t.ledger().inFlight());
    gauge("assay_miner_declared_work_units", "Work units the miner declares for each period",
        tasks, t -> t.offer().declaredPerPeriod());
    gauge("assay_miner_consumed_work_units", "Work units taken in the current period",
        tasks, t -> t.ledger().consumed());
    gauge("assay_miner_max_concurrency", "Task requests the miner serves at once", tasks,
        t -> t.ledger().maxConcurrency());
  }

  PrometheusRegistry registry() {
    return registry;
  }

  /** The series of an offered task. */
  TaskSeries task(String taskId) {
    return byTask.get(taskId);
  }

  private void gauge(String name, String help, Map<String, ServedTask> tasks,
      ToDoubleFunction<ServedTask> value) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("task")
        .callback(cb -> tasks.forEach((id, t) -> cb.call(value.applyAsDouble(t), id)))
        .register(registry);
  }

  /** The series of one task, bound at start. */
  static final class TaskSeries {
    private final CounterDataPoint[] byOutcome = new CounterDataPoint[Outcome.values().length];
    private final DistributionDataPoint answered;

    TaskSeries(String task, Counter requests, Histogram seconds) {
      for (Outcome o : Outcome.values()) {
        byOutcome[o.ordinal()] = requests.labelValues(task, o.label);
      }
      answered = seconds.labelValues(task);
    }

    /** A request admitted {@code nanos} ago ended with {@code outcome}. */
    void ended(Outcome outcome, long nanos) {
      byOutcome[outcome.ordinal()].inc();
      if (outcome == Outcome.ANSWERED) {
        answered.observe(nanos / 1e9);
      }
    }

    /** A request was refused before it was admitted. */
    void refused() {
      byOutcome[Outcome.REFUSED.ordinal()].inc();
    }
  }
}
