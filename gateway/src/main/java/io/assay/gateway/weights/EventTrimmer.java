package io.assay.gateway.weights;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.assay.gateway.audit.EventArchive;
import io.assay.gateway.audit.EventStream;
import io.assay.gateway.scoring.EventLog;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.ScoringState;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.task.Json;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Keeps the event stream to what scoring still needs: events older than the longest window
 * (and the margin) are appended to the {@link EventArchive}, forced to the disk, and only then
 * deleted from the stream, except those a computation still needs (the parameters, task weights
 * and uids, each series' newest event, old answers that may still count: {@link
 * ScoringState#trim}), which stay in place with their ids. So a gateway restarted on the stream
 * rebuilds the same scoring state, and {@code export-events} (archive, then the stream) still
 * writes every event once.
 *
 * <p>Before deleting anything it records what the stream may now lack ({@link Record}, in
 * Redis), so that a state rebuilt later under parameters needing more knows to read the
 * archive. Runs on the event loop; parsing and archiving run through {@code worker}.
 */
final class EventTrimmer {

  private static final int PAGE = 5_000;

  private final EventStream events;
  private final EventArchive archive;
  private final Redis redis;

  EventTrimmer(EventStream events, EventArchive archive, Redis redis) {
    this.events = events;
    this.archive = archive;
    this.redis = redis;
  }

  /**
   * What trimming has taken so far, merged over every trim: events before {@code before} may be
   * gone, the old answers kept were bounded by {@code minAnswers} and {@code zkRecent}.
   */
  record Record(
      @JsonProperty("before") long before,
      @JsonProperty("min_answers") int minAnswers,
      @JsonProperty("zk_recent") int zkRecent,
      @JsonProperty("period_ms") long periodMillis) {

    Record merge(Record other) {
      return other == null ? this : new Record(Math.max(before, other.before),
          Math.min(minAnswers, other.minAnswers), Math.min(zkRecent, other.zkRecent),
          periodMillis);
    }
  }

  /** The record of what was trimmed so far, or null when nothing was. */
  Future<Record> recorded() {
    return Redis.on(redis.commands().get(Keys.eventsTrimmed())).map(json -> {
      if (json == null) {
        return null;
      }
      try {
        return Json.MAPPER.readValue(json, Record.class);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("unreadable " + Keys.eventsTrimmed() + ": " + json, e);
      }
    });
  }

  /**
   * Archives and deletes the stream's entries before {@code trim.before()}, up to {@code
   * upto} (the last entry the state has seen; nothing after it is touched).
   *
   * @param worker runs parsing and archiving off the event loop
   * @return how many entries were deleted
   */
  Future<Long> trim(ScoringState.Trim trim, String upto,
      Function<Callable<Page>, Future<Page>> worker) {
    if (trim == null || upto == null) {
      return Future.succeededFuture(0L);
    }
    Record now = new Record(trim.before(), trim.minAnswers(), trim.zkRecent(),
        trim.periodMillis());
    return recorded().compose(previous -> {
      String json;
      try {
        json = Json.MAPPER.writeValueAsString(now.merge(previous));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return Future.failedFuture(e);
      }
      return Redis.on(redis.commands().set(Keys.eventsTrimmed(), json));
    }).compose(ok -> page(null, trim, upto, worker, 0L));
  }

  /** One page's outcome: the entries to delete, and whether the scan is over. */
  record Page(List<String> delete, String last, boolean done) {}

  private Future<Long> page(String after, ScoringState.Trim trim, String upto,
      Function<Callable<Page>, Future<Page>> worker, long deleted) {
    return events.readAfter(after, PAGE)
        .compose(entries -> worker.apply(() -> sort(entries, trim, upto)))
        .compose(p -> events.delete(p.delete()).compose(n -> p.done()
            ? Future.succeededFuture(deleted + n)
            : page(p.last(), trim, upto, worker, deleted + n)));
  }

  /** Archives the page's entries before the trim, and names those to delete. Blocking. */
  private Page sort(List<EventStream.RawEntry> entries, ScoringState.Trim trim, String upto) {
    List<EventStream.RawEntry> old = new ArrayList<>();
    List<String> delete = new ArrayList<>();
    boolean done = entries.size() < PAGE;
    for (EventStream.RawEntry e : entries) {
      if (EventStream.compareIds(e.id(), upto) > 0) {
        done = true;
        break;
      }
      ScoringEvent event = EventLog.fromJson(e.json());
      if (event.at() >= trim.before()) {
        done = true;
        break;
      }
      old.add(e);
      boolean always = event instanceof ScoringEvent.ParamsChanged
          || event instanceof ScoringEvent.TaskWeightsChanged
          || event instanceof ScoringEvent.UidsChanged;
      if (!always && !trim.held().test(EventStream.position(e.id()))) {
        delete.add(e.id());
      }
    }
    archive.append(old);
    return new Page(delete, entries.isEmpty() ? null : entries.get(entries.size() - 1).id(),
        done);
  }
}
