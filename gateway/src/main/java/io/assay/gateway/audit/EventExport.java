package io.assay.gateway.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.WeightCalculator;
import io.assay.gateway.scoring.WeightReport;
import io.assay.gateway.weights.Computation;
import io.assay.task.Json;
import java.io.BufferedReader;
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
 * events too), then one line per computation ({@code computation}, oldest first) naming the last
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

  /** What recomputing one computation gave. */
  public record Check(Computation recorded, WeightReport recomputed, boolean identical) {}

  /** Recomputes every computation in the file from its events. */
  public static List<Check> recompute(Path file) throws IOException {
    List<EventStream.Entry> events = new ArrayList<>();
    List<Computation> computations = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      int number = 0;
      while ((text = r.readLine()) != null) {
        number++;
        if (text.isBlank()) {
          continue;
        }
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
      }
    }
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
    int da = a.indexOf('-');
    int db = b.indexOf('-');
    int byTime = Long.compare(Long.parseLong(a.substring(0, da)),
        Long.parseLong(b.substring(0, db)));
    return byTime != 0 ? byTime
        : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
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
