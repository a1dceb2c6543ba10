package io.assay.gateway.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.WeightCalculator;
import io.assay.gateway.scoring.WeightReport;
import io.assay.gateway.audit.Computation;
import io.assay.task.Json;
import io.assay.task.JsonLines;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The audit file: everything needed to recompute every weight computation, as JSON lines: one
 * line per event in stream order ({@code id} and {@code event}; the scoring constants are
 * events too), the archived events first ({@link EventArchive}), then those the stream still
 * holds, then one line per computation ({@code computation}, oldest first) naming the last
 * event it saw. {@link #recompute} runs each computation again from the file alone and
 * compares the results bit for bit.
 */
public final class EventExport {

  private EventExport() {}

  /** One line of the file: an event with its stream id, or a computation. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Line(
      @JsonProperty("id") String id,
      @JsonProperty("event") ScoringEvent event,
      @JsonProperty("computation") Computation computation) {}

  /** Writes the audit file. {@code computations} oldest first. */
  public static void write(Path out, List<EventStream.Entry> events,
      List<Computation> computations) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (EventStream.Entry e : events) {
        line(w, new Line(e.id(), e.event(), null));
      }
      for (Computation c : computations) {
        line(w, new Line(null, null, c));
      }
    }
  }

  /** Pages of the live stream: the entries after an id (null: from the first), in order. */
  public interface LivePages {
    List<EventStream.RawEntry> after(String id) throws Exception;
  }

  /**
   * Writes the audit file from the archive and the live stream, page by page: every archived
   * event, then the stream's events newer than the archive (events both hold, kept in the
   * stream because a computation still needs them, are written once).
   *
   * @return how many events were written
   */
  public static long write(Path out, EventArchive archive, LivePages live,
      List<Computation> computations) throws Exception {
    long[] written = {0};
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      IOException[] failed = {null};
      archive.forEach(e -> {
        try {
          w.write(EventArchive.line(e));
          w.newLine();
          written[0]++;
        } catch (IOException x) {
          if (failed[0] == null) {
            failed[0] = x;
          }
        }
      });
      if (failed[0] != null) {
        throw failed[0];
      }
      String archived = archive.lastId();
      String after = null;
      while (true) {
        List<EventStream.RawEntry> page = live.after(after);
        if (page.isEmpty()) {
          break;
        }
        for (EventStream.RawEntry e : page) {
          if (archived == null || EventStream.compareIds(e.id(), archived) > 0) {
            w.write(EventArchive.line(e));
            w.newLine();
            written[0]++;
          }
        }
        after = page.get(page.size() - 1).id();
      }
      for (Computation c : computations) {
        line(w, new Line(null, null, c));
      }
    }
    return written[0];
  }

  /** What recomputing one computation gave. */
  public record Check(Computation recorded, WeightReport recomputed, boolean identical) {}

  /** Recomputes every computation in the file from its events. */
  public static List<Check> recompute(Path file) throws IOException {
    List<EventStream.Entry> events = new ArrayList<>();
    List<Computation> computations = new ArrayList<>();
    JsonLines.forEach(file, (text, number) -> {
      Line line;
      try {
        line = Json.MAPPER.readValue(text, Line.class);
      } catch (IOException e) {
        throw new IOException(file + " line " + number + " is not an audit line: "
            + e.getMessage(), e);
      }
      if (line.event() != null) {
        events.add(new EventStream.Entry(Objects.requireNonNull(line.id(), "id"),
            line.event()));
      } else if (line.computation() != null) {
        computations.add(line.computation());
      }
    });
    if (events.isEmpty() && computations.isEmpty()) {
      throw new IOException(file + " holds no events and no computations: it is not an Assay"
          + " audit file");
    }
    List<Check> checks = new ArrayList<>();
    for (Computation c : computations) {
      List<ScoringEvent> seen = new ArrayList<>();
      for (EventStream.Entry e : events) {
        if (compareIds(e.id(), c.upto()) <= 0) {
          seen.add(e.event());
        }
      }
      WeightReport again = WeightCalculator.compute(seen, c.computedAt());
      checks.add(new Check(c, again, sameBits(again.weights(), c.weights())
          && again.weightsU16().equals(c.weightsU16())));
    }
    return checks;
  }

  /** Orders Redis stream ids ({@code millis-sequence}) numerically. */
  static int compareIds(String a, String b) {
    return EventStream.compareIds(a, b);
  }

  private static boolean sameBits(Map<String, Double> a, Map<String, Double> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, Double> e : a.entrySet()) {
      if (Double.doubleToRawLongBits(e.getValue())
          != Double.doubleToRawLongBits(b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static void line(BufferedWriter w, Line line) throws IOException {
    w.write(Json.MAPPER.writeValueAsString(line));
    w.newLine();
  }
}
