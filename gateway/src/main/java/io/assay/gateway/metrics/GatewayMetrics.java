package io.assay.gateway.metrics;

import io.assay.gateway.miner.MinerCallException;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.metrics.Buckets;
import io.assay.metrics.Exposition;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The gateway's metrics, kept in one {@link PrometheusRegistry} per gateway and exposed at
 * {@code /metrics} through the Prometheus client's writers ({@link #scrape}).
 *
 * <p>How it stays cheap on the request path: every series a request touches is bound once, on
 * its first use, and kept here by route, task or miner (a {@link ConcurrentHashMap} read, or an
 * array slot by status code or outcome), so serving a request adds a few atomic increments and
 * no label lookups, string building or allocation. Histograms keep classic buckets only and no
 * exemplars. Values that live elsewhere (declarations, weights, the check queue in Redis) are
 * read only when scraped, through callbacks ({@link MinerGauges}, {@link #beforeScrape}).
 *
 * <p>Thread-safe; the request-path methods may be called from any event loop.
 */
public final class GatewayMetrics {

  /** How long a scrape waits for values read elsewhere before it shows the last ones it had. */
  private static final Duration REFRESH_WAIT = Duration.ofSeconds(2);

  private final PrometheusRegistry registry;
  private final long since;

  private final Counter requests;
  private final Histogram requestSeconds;
  private final LongAdder apiInFlight = new LongAdder();
  private final Histogram taskSeconds;
  private final Histogram firstChunkSeconds;
  private final Counter units;
  private final Counter tokens;
  private final Counter minerCalls;
  private final Counter verdicts;
  private final Histogram quality;

  private final Map<String, RouteSeries> routes = new ConcurrentHashMap<>();
  private final Map<String, TaskSeries> tasks = new ConcurrentHashMap<>();
  private final Map<String, Map<String, MinerSeries>> miners = new ConcurrentHashMap<>();
  private final List<Supplier<CompletionStage<?>>> refreshes = new CopyOnWriteArrayList<>();

  /**
   * @param registry this gateway's own registry (the embedded checking service registers there
   *     too)
   * @param clock verdicts recorded before this instant are not counted: they were counted by
   *     whichever gateway ran then
   */
  public GatewayMetrics(PrometheusRegistry registry, Clock clock) {
    this.registry = registry;
    this.since = clock.millis();
    requests = Counter.builder().name("assay_http_requests_total")
        .help("HTTP requests answered, by route and status code")
        .labelNames("route", "status").withoutExemplars().register(registry);
    requestSeconds = Histogram.builder().name("assay_http_request_duration_seconds")
        .help("Time from a request's arrival to the end of its answer (the last chunk of a"
            + " stream), by route and status class")
        .unit(Unit.SECONDS).labelNames("route", "status_class")
        .classicOnly().classicUpperBounds(Buckets.seconds()).withoutExemplars()
        .register(registry);
    GaugeWithCallback.builder().name("assay_api_requests_in_flight")
        .help("Requests under /v1 received and not yet answered in full (streams until their"
            + " end)")
        .callback(cb -> cb.call(apiInFlight.sum())).register(registry);
    taskSeconds = Histogram.builder().name("assay_task_request_duration_seconds")
        .help("Time to serve a user's request of a task, from its dispatch to the end of its"
            + " answer (the last chunk of a stream); served requests only")
        .unit(Unit.SECONDS).labelNames("task")
        .classicOnly().classicUpperBounds(Buckets.seconds()).withoutExemplars()
        .register(registry);
    firstChunkSeconds = Histogram.builder().name("assay_stream_time_to_first_chunk_seconds")
        .help("Time from a streamed request's dispatch to its first valid chunk from a miner,"
            + " retries and hedges included")
        .unit(Unit.SECONDS).labelNames("task")
        .classicOnly().classicUpperBounds(Buckets.seconds()).withoutExemplars()
        .register(registry);
    units = Counter.builder().name("assay_work_units_total")
        .help("Work units served to users, by task").labelNames("task").withoutExemplars()
        .register(registry);
    tokens = Counter.builder().name("assay_tokens_total")
        .help("Tokens of served requests, by task and direction (input: the prompt, output:"
            + " the completion), for tasks that count tokens")
        .labelNames("task", "direction").withoutExemplars().register(registry);
    minerCalls = Counter.builder().name("assay_miner_calls_total")
        .help("Calls to miners as they settled, by miner, task and outcome (success, abandoned,"
            + " or why it failed)")
        .labelNames("miner", "task", "outcome").withoutExemplars().register(registry);
    verdicts = Counter.builder().name("assay_check_verdicts_total")
        .help("Verdicts on checked answers in the scoring log since this gateway started, by"
            + " task and verdict (scored; failed_answer or failed_service: no verdict, and"
            + " whose fault); counted when a weight computation reads them")
        .labelNames("task", "verdict").withoutExemplars().register(registry);
    quality = Histogram.builder().name("assay_check_quality")
        .help("Quality (0 to 1) of the scored verdicts counted in assay_check_verdicts_total")
        .labelNames("task").classicOnly()
        .classicUpperBounds(0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0).withoutExemplars()
        .register(registry);
  }

  /** The registry: other parts of the gateway register their metrics here. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** An HTTP request was answered ({@code status}) or its connection closed, after {@code nanos}. */
  public void requestEnded(String route, int status, long nanos) {
    RouteSeries series = routes.get(route);
    if (series == null) {
      series = routes.computeIfAbsent(route, RouteSeries::new);
    }
    series.ended(status, nanos / 1e9);
  }

  /** A request under {@code /v1} arrived; {@link #apiRequestEnded} follows once. */
  public void apiRequestStarted() {
    apiInFlight.increment();
  }

  public void apiRequestEnded() {
    apiInFlight.decrement();
  }

  /** The series of one task, bound on first use. */
  public TaskSeries task(String taskId) {
    TaskSeries series = tasks.get(taskId);
    return series != null ? series : tasks.computeIfAbsent(taskId, TaskSeries::new);
  }

  /**
   * An attempt on a miner settled.
   *
   * @param failure why it failed, or null (then {@code outcome} is the label)
   */
  public void minerCall(String miner, String task, RequestOutcome.Outcome outcome,
      MinerCallException.Outcome failure) {
    Map<String, MinerSeries> byTask = miners.get(miner);
    if (byTask == null) {
      byTask = miners.computeIfAbsent(miner, m -> new ConcurrentHashMap<>());
    }
    MinerSeries series = byTask.get(task);
    if (series == null) {
      series = byTask.computeIfAbsent(task, t -> new MinerSeries(miner, t));
    }
    series.settled(outcome, failure);
  }

  /**
   * A scoring event the weight computation accepted (each once, on its worker thread): verdicts
   * are counted, the rest ignored.
   */
  public void scoringEvent(ScoringEvent event) {
    if (event.at() < since) {
      return;
    }
    if (event instanceof ScoringEvent.QualityChecked q) {
      verdicts.labelValues(q.task(), "scored").inc();
      quality.labelValues(q.task()).observe(q.quality());
    } else if (event instanceof ScoringEvent.CheckFailed f) {
      verdicts.labelValues(f.task(), f.cause() == ScoringEvent.CheckFailed.Cause.SERVICE
          ? "failed_service" : "failed_answer").inc();
    }
  }

  /**
   * Work to do before each scrape, such as reading values kept in Redis into gauges; it must
   * not block, and a scrape waits for it at most two seconds.
   */
  public void beforeScrape(Supplier<CompletionStage<?>> refresh) {
    refreshes.add(refresh);
  }

  /**
   * Runs the {@link #beforeScrape} work; completes (never exceptionally) once it is done or
   * the wait is over, on whichever thread finished it.
   */
  public CompletionStage<Void> refresh() {
    CompletableFuture<?>[] all = new CompletableFuture<?>[refreshes.size()];
    for (int i = 0; i < all.length; i++) {
      CompletionStage<?> stage;
      try {
        stage = refreshes.get(i).get();
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      all[i] = stage.toCompletableFuture().exceptionally(e -> null);
    }
    return CompletableFuture.allOf(all)
        .completeOnTimeout(null, REFRESH_WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(e -> null);
  }

  /** Every metric, written as the {@code Accept} header asks; runs the gauges' callbacks. */
  public Exposition.Scrape scrape(String accept) {
    return Exposition.write(registry, accept);
  }

  /** The series of one route: a counter per status code and a histogram per status class. */
  private final class RouteSeries {
    private final String route;
    private final AtomicReferenceArray<CounterDataPoint> byStatus =
        new AtomicReferenceArray<>(600);
    private final AtomicReferenceArray<DistributionDataPoint> byClass =
        new AtomicReferenceArray<>(6);

    RouteSeries(String route) {
      this.route = route;
    }

    void ended(int status, double seconds) {
      int code = status >= 100 && status < 600 ? status : 0;
      CounterDataPoint count = byStatus.get(code);
      if (count == null) {
        count = requests.labelValues(route, Integer.toString(status));
        byStatus.set(code, count);
      }
      count.inc();
      int klass = code / 100;
      DistributionDataPoint time = byClass.get(klass);
      if (time == null) {
        time = requestSeconds.labelValues(route, code == 0 ? "other" : klass + "xx");
        byClass.set(klass, time);
      }
      time.observe(seconds);
    }
  }

  /** The series of one task, bound once. */
  public final class TaskSeries {
    private final DistributionDataPoint served;
    private final DistributionDataPoint firstChunk;
    private final CounterDataPoint workUnits;
    private final CounterDataPoint input;
    private final CounterDataPoint output;

    private TaskSeries(String task) {
      served = taskSeconds.labelValues(task);
      firstChunk = firstChunkSeconds.labelValues(task);
      workUnits = units.labelValues(task);
      input = tokens.labelValues(task, "input");
      output = tokens.labelValues(task, "output");
    }

    /**
     * A user's request was served in {@code nanos}.
     *
     * @param counts the task's usage counts; {@code prompt_tokens} or {@code input_tokens}
     *     count as input, {@code completion_tokens} or {@code output_tokens} as output
     */
    public void served(long nanos, long workUnits, Map<String, Long> counts) {
      served.observe(nanos / 1e9);
      this.workUnits.inc(workUnits);
      if (!counts.isEmpty()) {
        add(input, counts, "prompt_tokens", "input_tokens");
        add(output, counts, "completion_tokens", "output_tokens");
      }
    }

    /** A streamed request's first chunk arrived {@code nanos} after its dispatch. */
    public void firstChunk(long nanos) {
      firstChunk.observe(nanos / 1e9);
    }

    private static void add(CounterDataPoint to, Map<String, Long> counts, String name,
        String otherName) {
      Long n = counts.get(name);
      if (n == null) {
        n = counts.get(otherName);
      }
      if (n != null && n > 0) {
        to.inc(n);
      }
    }
  }

  /** The outcomes of one miner on one task, one counter per outcome or failure. */
  private final class MinerSeries {
    private final String miner;
    private final String task;
    private final AtomicReferenceArray<CounterDataPoint> byOutcome =
        new AtomicReferenceArray<>(RequestOutcome.Outcome.values().length);
    private final AtomicReferenceArray<CounterDataPoint> byFailure =
        new AtomicReferenceArray<>(MinerCallException.Outcome.values().length);

    MinerSeries(String miner, String task) {
      this.miner = miner;
      this.task = task;
    }

    void settled(RequestOutcome.Outcome outcome, MinerCallException.Outcome failure) {
      Enum<?> label = failure != null ? failure : outcome;
      AtomicReferenceArray<CounterDataPoint> slots = failure != null ? byFailure : byOutcome;
      CounterDataPoint count = slots.get(label.ordinal());
      if (count == null) {
        count = minerCalls.labelValues(miner, task,
            label.name().toLowerCase(java.util.Locale.ROOT));
        slots.set(label.ordinal(), count);
      }
      count.inc();
    }
  }
}
