package io.assay.gateway.weights;

import io.assay.gateway.audit.Computation;
import io.assay.gateway.audit.EventArchive;
import io.assay.gateway.audit.EventStream;
import io.assay.gateway.scoring.EventLog;
import io.assay.gateway.scoring.Retention;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.ScoringParams;
import io.assay.gateway.scoring.ScoringState;
import io.assay.gateway.scoring.WeightReport;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.task.Json;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the weight computation on a cadence (and on demand), keeps the report as the latest,
 * appends it to the history and hands it to the listener (routing's task scores).
 *
 * <h2>Incremental</h2>
 *
 * The service keeps a {@link ScoringState} and the id of the last stream entry it accepted. A
 * computation at {@code t} reads only the entries after that id, page by page, and accepts them
 * in order up to the first one recorded after {@code t} (that one and what follows wait for a
 * later computation), then reports; the computation names the last entry accepted, and every
 * entry up to it is visible at {@code t}, so recomputing it from the log gives the same bits.
 * Parsing, accepting and scoring run on one worker thread, never on an event loop, and
 * computations queue behind each other. After a restart the state is rebuilt from the stream,
 * which trimming keeps to the scoring windows; when the parameters in force need more than the
 * state or the stream kept, it is rebuilt from the archive and the stream. A computation for an
 * earlier time than the state has reached (a clock set back, an explicit time) is made from a
 * fresh state over the stream.
 *
 * <p>After each computation, when enabled, the stream is trimmed ({@link EventTrimmer}).
 */
public final class WeightsService {

  private static final Logger log = LoggerFactory.getLogger(WeightsService.class);
  private static final int HISTORY_KEPT = 10_000;
  /** Score snapshots kept: 1,000 computations, two weeks at the default cadence of 20 min. */
  private static final int SCORES_KEPT = 1_000;
  private static final int PAGE = 5_000;
  /** Entries accepted between two evictions while catching up: bounds a rebuild's memory. */
  private static final long ADVANCE_EVERY = 1_000_000;

  /**
   * How the service keeps the log.
   *
   * @param retention what the scoring state keeps beyond the parameters, and its margin
   * @param archive where trimmed entries go; null to never trim
   * @param scoring runs the tasks of one computation (they are independent)
   * @param observer told of each event a computation accepts, once however many times it is
   *     read again (a rebuild, a computation for an earlier time), on the service's worker
   *     thread; must be quick, and what it throws is logged and ignored
   * @param fence admits a computation for recording (several gateways: the leader's only); null
   *     to record every computation (one gateway alone, tools)
   */
  public record Settings(Retention retention, EventArchive archive, Executor scoring,
      Consumer<ScoringEvent> observer, WeightsFence fence) {

    public Settings {
      Objects.requireNonNull(retention, "retention");
      Objects.requireNonNull(scoring, "scoring");
      Objects.requireNonNull(observer, "observer");
    }

    /** Settings with no fence. */
    public Settings(Retention retention, EventArchive archive, Executor scoring,
        Consumer<ScoringEvent> observer) {
      this(retention, archive, scoring, observer, null);
    }

    /** Settings with no observer and no fence. */
    public Settings(Retention retention, EventArchive archive, Executor scoring) {
      this(retention, archive, scoring, event -> { });
    }

    /** A one-hour margin, no trimming, tasks scored on the worker thread itself. */
    public static Settings untrimmed() {
      return new Settings(Retention.withMargin(Duration.ofHours(1)), null, Runnable::run);
    }
  }

  private final EventStream events;
  private final Redis redis;
  private final Clock clock;
  private final Consumer<WeightReport> onComputed;
  private final Settings settings;
  private final EventTrimmer trimmer;
  private final Context context;
  private final WorkerExecutor worker;
  private final AtomicLong read = new AtomicLong();
  /** The newest stream position the observer was told of; touched on the worker thread only. */
  private long observed = Long.MIN_VALUE;
  private Future<?> queue = Future.succeededFuture();
  /** Set on the service's context; its state is touched on the worker thread only. */
  private Reader main;
  private volatile WeightReport latest;

  /**
   * @param onComputed told of every new report, on the service's context
   */
  public WeightsService(Vertx vertx, EventStream events, Redis redis, Clock clock,
      Consumer<WeightReport> onComputed) {
    this(vertx, events, redis, clock, onComputed, Settings.untrimmed());
  }

  public WeightsService(Vertx vertx, EventStream events, Redis redis, Clock clock,
      Consumer<WeightReport> onComputed, Settings settings) {
    this.events = events;
    this.redis = redis;
    this.clock = clock;
    this.onComputed = onComputed;
    this.settings = settings;
    this.trimmer = settings.archive() == null ? null
        : new EventTrimmer(events, settings.archive(), redis);
    this.context = vertx.getOrCreateContext();
    this.worker = vertx.createSharedWorkerExecutor("assay-weights", 1, 30, TimeUnit.MINUTES);
  }

  /** The latest report, or null before the first computation. */
  public WeightReport latest() {
    return latest;
  }

  /**
   * How many stream entries computations have read so far: each once, except those recorded
   * after a computation's time (and any after them on the same page), which the next reads
   * again.
   */
  public long entriesRead() {
    return read.get();
  }

  /** Computes the weights as of now from every event recorded so far, and records them. */
  public Future<WeightReport> compute() {
    return compute(clock.millis());
  }

  /**
   * Computes the weights as they stood at {@code computedAt} (epoch millis), from the stream's
   * entries up to the first recorded after it, and records the computation; then trims the
   * stream when enabled. Computations run one after another.
   */
  public Future<WeightReport> compute(long computedAt) {
    Context caller = Vertx.currentContext();
    CompletableFuture<WeightReport> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      Future<WeightReport> next = queue.transform(ar -> run(computedAt));
      queue = next;
      next.onComplete(ar -> {
        if (ar.succeeded()) {
          done.complete(ar.result());
        } else {
          done.completeExceptionally(ar.cause());
        }
      });
    });
    return caller == null ? Future.fromCompletionStage(done)
        : Future.fromCompletionStage(done, caller);
  }

  /** A state and how far into the stream it has read. */
  private static final class Reader {
    final ScoringState state;
    String lastId;
    long sinceAdvance;
    long advancedTo = Long.MIN_VALUE;
    boolean sawEntries;
    /** Reached an entry after the computation's time: nothing after it may be accepted. */
    boolean stopped;

    Reader(ScoringState state) {
      this.state = state;
    }
  }

  private Future<WeightReport> run(long computedAt) {
    Future<Reader> reader = main == null ? fromStream() : Future.succeededFuture(main);
    return reader.compose(r -> {
      if (computedAt < Math.max(r.advancedTo, r.state.newestAt())) {
        // Earlier than the state has reached: from a fresh state, leaving the main one be.
        return fromStream().compose(fresh -> computed(fresh, computedAt, false))
            .compose(c -> store(c.report(), c.upto()));
      }
      main = r;
      return computed(r, computedAt, true)
          .compose(c -> store(c.report(), c.upto()))
          .compose(report -> trim(computedAt).transform(ar -> {
            if (ar.failed()) {
              log.warn("event stream not trimmed: {}", ar.cause().getMessage());
            }
            return Future.succeededFuture(report);
          }));
    });
  }

  /** A report and the last entry it saw. */
  private record Computed(WeightReport report, String upto) {}

  /**
   * Catches {@code r} up to {@code t} and reports; when the state must be rebuilt, rebuilds it
   * (as the main state when {@code main}) and reports from that.
   */
  private Future<Computed> computed(Reader r, long t, boolean asMain) {
    return catchUp(r, t).compose(x -> report(r, t))
        .map(report -> new Computed(report, r.lastId))
        .recover(e -> rebuilt(e, r, t, asMain));
  }

  /** After {@link ScoringState.RebuildNeeded}: rebuilds the state, and reports again. */
  private Future<Computed> rebuilt(Throwable failure, Reader old, long t, boolean asMain) {
    if (!(failure instanceof ScoringState.RebuildNeeded needed)) {
      return Future.failedFuture(failure);
    }
    Future<Reader> fresh;
    if (needed.history() && settings.archive() != null) {
      log.warn("rebuilding the scoring state from the event archive and the stream: {}",
          needed.getMessage());
      fresh = onWorker(() -> fromArchive(old.state.params(), t));
    } else {
      log.warn("rebuilding the scoring state from the event stream: {}", needed.getMessage());
      fresh = fromStream();
    }
    return fresh.compose(r -> {
      if (asMain) {
        main = r;
      }
      return catchUp(r, t).compose(x -> report(r, t))
          .map(report -> new Computed(report, r.lastId));
    });
  }

  /** A new state to be fed the stream, told what trimming took from it. */
  private Future<Reader> fromStream() {
    Future<EventTrimmer.Record> trimmed = trimmer == null ? Future.succeededFuture(null)
        : trimmer.recorded();
    return trimmed.map(record -> {
      ScoringState state = ScoringState.create(settings.retention());
      if (record != null) {
        state.assumeTrimmed(record.before(), record.minAnswers(), record.zkRecent(),
            record.periodMillis());
      }
      return new Reader(state);
    });
  }

  /** Reads and accepts the entries after the reader's last, up to the first after {@code t}. */
  private Future<Reader> catchUp(Reader r, long t) {
    if (r.stopped) {
      return Future.succeededFuture(r);
    }
    return events.readAfter(r.lastId, PAGE).compose(entries -> {
      read.addAndGet(entries.size());
      r.sawEntries |= !entries.isEmpty();
      return onWorker(() -> accept(r, entries, t));
    }).compose(more -> more ? catchUp(r, t) : Future.succeededFuture(r));
  }

  /** Accepts entries in order while visible at {@code t}; whether more may follow. */
  private boolean accept(Reader r, List<EventStream.RawEntry> entries, long t) {
    for (EventStream.RawEntry e : entries) {
      ScoringEvent event = EventLog.fromJson(e.json());
      if (event.at() > t) {
        return false;
      }
      long position = EventStream.position(e.id());
      r.state.accept(position, event);
      observe(position, event);
      r.lastId = e.id();
      if (++r.sinceAdvance >= ADVANCE_EVERY) {
        advance(r, r.state.newestAt());
      }
    }
    return entries.size() == PAGE;
  }

  /** Tells the observer of an accepted event it has not been told of. */
  private void observe(long position, ScoringEvent event) {
    if (position <= observed) {
      return;
    }
    observed = position;
    try {
      settings.observer().accept(event);
    } catch (RuntimeException e) {
      log.warn("the scoring event observer failed on a {} event", event.getClass().getSimpleName(),
          e);
    }
  }

  private static void advance(Reader r, long t) {
    r.state.advance(t);
    r.advancedTo = Math.max(r.advancedTo, t);
    r.sinceAdvance = 0;
  }

  private Future<WeightReport> report(Reader r, long t) {
    if (!r.sawEntries && r.state.accepted() == 0) {
      return Future.failedFuture(new IllegalStateException("no scoring events yet"));
    }
    return onWorker(() -> {
      advance(r, t);
      return r.state.report(t, settings.scoring());
    });
  }

  /**
   * A state fed the archive up to the first entry after {@code t}, keeping at least what {@code
   * params} need; the stream follows unless it stopped there. Blocking.
   */
  private Reader fromArchive(ScoringParams params, long t) {
    Retention retention = params == null ? settings.retention()
        : settings.retention().atLeast(params, false);
    Reader r = new Reader(ScoringState.create(retention));
    settings.archive().forEach(e -> {
      if (r.stopped) {
        return;
      }
      ScoringEvent event = e.parse().event();
      if (event.at() > t) {
        r.stopped = true;
        return;
      }
      r.state.accept(EventStream.position(e.id()), event);
      r.lastId = e.id();
      r.sawEntries = true;
      if (++r.sinceAdvance >= ADVANCE_EVERY) {
        advance(r, r.state.newestAt());
      }
    });
    return r;
  }

  private Future<Long> trim(long t) {
    if (trimmer == null) {
      return Future.succeededFuture(0L);
    }
    Reader r = main;
    return onWorker(() -> r.state.trim(t))
        .compose(trim -> trimmer.trim(trim, r.lastId, this::onWorker));
  }

  private <T> Future<T> onWorker(Callable<T> work) {
    return worker.executeBlocking(work, true);
  }

  /** The recorded computations, newest first. */
  public Future<List<Computation>> history(int limit) {
    return newestRows(Keys.weightsHistory(), limit, Computation.class, "weights history");
  }

  /**
   * Each miner's quality and task score per task of the recorded computations, newest first
   * (the newest {@value #SCORES_KEPT} are kept).
   */
  public Future<List<ScoreSnapshot>> scoreHistory(int limit) {
    return newestRows(Keys.scoresHistory(), limit, ScoreSnapshot.class, "score history");
  }

  /**
   * The first {@code limit} JSON rows of the list {@code key} as {@code type}; unreadable ones
   * are logged and skipped.
   */
  private <T> Future<List<T>> newestRows(String key, int limit, Class<T> type, String what) {
    return Redis.on(redis.commands().lrange(key, 0, limit - 1)).map(rows -> {
      List<T> out = new ArrayList<>(rows.size());
      for (String row : rows) {
        try {
          out.add(Json.MAPPER.readValue(row, type));
        } catch (java.io.IOException e) {
          log.warn("unreadable {} entry skipped: {}", what, e.getMessage());
        }
      }
      return out;
    });
  }

  private Future<WeightReport> store(WeightReport report, String upto) {
    Future<Void> admitted = settings.fence() == null ? Future.succeededFuture()
        : settings.fence().admit(report.computedAt());
    return admitted.compose(v -> record(report, upto));
  }

  private Future<WeightReport> record(WeightReport report, String upto) {
    latest = report;
    onComputed.accept(report);
    Computation computation = new Computation(report.computedAt(), upto, report.taskWeights(),
        report.weights(), report.weightsU16());
    String json;
    String full;
    String scores;
    try {
      json = Json.MAPPER.writeValueAsString(computation);
      full = Json.MAPPER.writeValueAsString(report);
      scores = Json.MAPPER.writeValueAsString(ScoreSnapshot.of(report));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Future.failedFuture(e);
    }
    return Redis.on(redis.commands().lpush(Keys.weightsHistory(), json))
        .compose(n -> Redis.on(redis.commands().ltrim(Keys.weightsHistory(), 0, HISTORY_KEPT - 1)))
        .compose(ok -> Redis.on(redis.commands().set(Keys.weightsLatest(), full)))
        .compose(ok -> Redis.on(redis.commands().lpush(Keys.scoresHistory(), scores)))
        .compose(n -> Redis.on(redis.commands().ltrim(Keys.scoresHistory(), 0, SCORES_KEPT - 1)))
        .map(ok -> report);
  }

  /**
   * Loads the latest report kept in Redis when it is newer than the one held: after a restart,
   * and on a gateway that does not lead, to route by the leader's computations.
   */
  public Future<Void> loadLatest() {
    return Redis.on(redis.commands().get(Keys.weightsLatest())).map(json -> {
      if (json != null) {
        try {
          WeightReport stored = Json.MAPPER.readValue(json, WeightReport.class);
          WeightReport held = latest;
          if (held == null || stored.computedAt() > held.computedAt()) {
            latest = stored;
            onComputed.accept(stored);
          }
        } catch (java.io.IOException e) {
          log.warn("latest weights unreadable, recomputing later: {}", e.getMessage());
        }
      }
      return null;
    });
  }
}
