package io.assay.gateway.audit;

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
 * Every input of the weight computation, appended to one Redis Stream ({@code assay:events}) in
 * the order Redis receives it. Entries are never edited; the stream id orders them and lets a
 * computation name exactly which events it saw, so it can be recomputed bit for bit later.
 *
 * <p>Appends are pipelined and not awaited (scoring input is written off the request's path);
 * reads page through the stream.
 */
public final class EventStream implements EventAppender {

  public static final String STREAM = "assay:events";
  private static final String FIELD = "e";
  private static final int PAGE = 5_000;

  private final Redis redis;

  public EventStream(Redis redis) {
    this.redis = redis;
  }

  /** Appends an event; returns its stream id when Redis has it. */
  @Override
  public Future<String> append(ScoringEvent event) {
    String json = EventLog.toJson(event);
    return Redis.on(redis.writes(cmd -> cmd.xadd(STREAM, Map.of(FIELD, json))));
  }

  /** An event with the id Redis gave it. */
  public record Entry(String id, ScoringEvent event) {}

  /** Every event in the stream, in order. */
  public Future<List<Entry>> readAll() {
    List<Entry> out = new ArrayList<>();
    return page(Range.Boundary.unbounded(), out).map(v -> out);
  }

  private Future<Void> page(Range.Boundary<String> from, List<Entry> out) {
    return Redis.on(redis.commands().xrange(STREAM, Range.from(from, Range.Boundary.unbounded()),
            Limit.from(PAGE)))
        .compose(messages -> {
          for (StreamMessage<String, String> m : messages) {
            out.add(new Entry(m.getId(), EventLog.fromJson(m.getBody().get(FIELD))));
          }
          if (messages.size() < PAGE) {
            return Future.succeededFuture();
          }
          String last = messages.get(messages.size() - 1).getId();
          return page(Range.Boundary.excluding(last), out);
        });
  }

}
