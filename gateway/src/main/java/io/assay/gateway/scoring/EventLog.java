package io.assay.gateway.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.assay.task.Json;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of {@link ScoringEvent}s: one object per event, and JSON lines (one event per
 * line) for a whole log, so that anyone can hold the log and recompute the weights. Reading
 * back what was written gives equal events, every double bit for bit. Thread-safe.
 */
public final class EventLog {

  private EventLog() {}

  /**
   * Made once: a writer made per call looks its serializers up again each time, and an event is
   * written for every answer.
   */
  private static final ObjectWriter WRITER = Json.MAPPER.writerFor(ScoringEvent.class);
  private static final ObjectReader READER = Json.MAPPER.readerFor(ScoringEvent.class);

  /** One event as a single-line JSON object. */
  public static String toJson(ScoringEvent event) {
    try {
      return WRITER.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write " + event.type() + " event", e);
    }
  }

  /**
   * Parses one event.
   *
   * @throws IllegalArgumentException if {@code json} is not a valid event
   */
  public static ScoringEvent fromJson(String json) {
    try {
      return READER.readValue(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a scoring event: " + abbreviate(json), e);
    }
  }

  /** The events as JSON lines, each line ending in {@code \n}. */
  public static String toJsonLines(List<? extends ScoringEvent> events) {
    StringBuilder out = new StringBuilder(events.size() * 160);
    for (ScoringEvent event : events) {
      out.append(toJson(event)).append('\n');
    }
    return out.toString();
  }

  /**
   * Parses JSON lines; blank lines are skipped.
   *
   * @throws IllegalArgumentException naming the line number if a line is not a valid event
   */
  public static List<ScoringEvent> fromJsonLines(String text) {
    List<ScoringEvent> events = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        try {
          events.add(fromJson(lines[i]));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
        }
      }
    }
    return events;
  }

  private static String abbreviate(String json) {
    return json.length() <= 200 ? json : json.substring(0, 200) + "...";
  }
}
