package io.assay.gateway.audit;

import io.assay.checking.CheckingStreams;
import io.assay.gateway.scoring.EventAppender;
import io.assay.gateway.scoring.EventLog;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.state.Redis;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every input of the weight computation, appended to one Redis Stream ({@code
 * assay:{scoring}:events}, {@link CheckingStreams#EVENTS}: checking servers append verdicts) in
 * the order Redis receives it. Entries are never edited; the stream id orders them and lets a
 * computation name exactly which events it saw, so it can be recomputed bit for bit later.
 * Entries out of every scoring window are deleted once archived ({@code weights/EventTrimmer}),
 * so the stream holds the recent log and {@link EventArchive} the rest.
 *
 * <p>Appends are pipelined and not awaited (scoring input is written off the request's path);
 * reads page through the stream. {@link #readAfter} returns entries unparsed, so that callers
 * parse them off the event loop.
 */
public final class EventStream implements EventAppender {

  public static final String STREAM = CheckingStreams.EVENTS;
  private static final String FIELD = CheckingStreams.EVENT_FIELD;
  private static final int PAGE = 5_000;

  private final Redis redis;

  public EventStream(Redis redis) {
    this.redis = redis;
  }

  /**
   * Appends an event; returns its stream id when Redis has it. While Redis is away the event
   * waits, in order with the others, and goes out when it is back.
   */
  @Override
  public Future<String> append(ScoringEvent event) {
    String json = EventLog.toJson(event);
    return Redis.on(redis.durableWrites(cmd -> cmd.xadd(STREAM, Map.of(FIELD, json))));
  }

  /** An event with the id Redis gave it. */
  public record Entry(String id, ScoringEvent event) {}

  /** An entry as stored: its id and the event's JSON. */
  public record RawEntry(String id, String json) {

    public Entry parse() {
      return new Entry(id, EventLog.fromJson(json));
    }
  }

  /** Every event in the stream, in order. */
  public Future<List<Entry>> readAll() {
    List<Entry> out = new ArrayList<>();
    return page(null, out).map(v -> out);
  }

  private Future<Void> page(String after, List<Entry> out) {
    return readAfter(after, PAGE).compose(entries -> {
      for (RawEntry e : entries) {
        out.add(e.parse());
      }
      if (entries.size() < PAGE) {
        return Future.succeededFuture();
      }
      return page(entries.get(entries.size() - 1).id(), out);
    });
  }

  /**
   * Up to {@code count} entries after {@code afterId} (exclusive; null for the first), in
   * order, unparsed.
   */
  public Future<List<RawEntry>> readAfter(String afterId, int count) {
    Range.Boundary<String> from = afterId == null ? Range.Boundary.unbounded()
        : Range.Boundary.excluding(afterId);
    return Redis.on(redis.commands().xrange(STREAM, Range.from(from, Range.Boundary.unbounded()),
            Limit.from(count)))
        .map(messages -> {
          List<RawEntry> out = new ArrayList<>(messages.size());
          for (StreamMessage<String, String> m : messages) {
            out.add(new RawEntry(m.getId(), m.getBody().get(FIELD)));
          }
          return out;
        });
  }

  /** Deletes the entries {@code ids}; returns how many were there. */
  public Future<Long> delete(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    return Redis.on(redis.commands().xdel(STREAM, ids.toArray(String[]::new)));
  }

  /** How many entries the stream holds. */
  public Future<Long> length() {
    return Redis.on(redis.commands().xlen(STREAM));
  }

  /**
   * A stream id ({@code millis-sequence}) as one number in the same order: {@code millis << 22
   * | sequence}, the position {@link io.assay.gateway.scoring.ScoringState} numbers events by.
   *
   * @throws IllegalArgumentException for an id that is not {@code millis-sequence} or whose
   *     sequence does not fit 22 bits (four million entries in one millisecond)
   */
  public static long position(String id) {
    int dash = id.indexOf('-');
    long millis;
    long sequence;
    try {
      millis = Long.parseLong(id.substring(0, dash));
      sequence = Long.parseLong(id.substring(dash + 1));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a stream id: " + id, e);
    }
    if (millis < 0 || millis >= 1L << 41 || sequence < 0 || sequence >= 1L << 22) {
      throw new IllegalArgumentException("stream id out of range: " + id);
    }
    return millis << 22 | sequence;
  }

  /** Orders stream ids ({@code millis-sequence}) numerically. */
  public static int compareIds(String a, String b) {
    int da = a.indexOf('-');
    int db = b.indexOf('-');
    int byTime = Long.compare(Long.parseLong(a.substring(0, da)),
        Long.parseLong(b.substring(0, db)));
    return byTime != 0 ? byTime
        : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
  }
}
