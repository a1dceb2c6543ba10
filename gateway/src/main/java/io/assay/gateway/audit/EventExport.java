package io.assay.gateway.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.ScoringParams;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The audit file: everything needed to recompute every weight computation, as JSON lines. The
 * first line holds the scoring constants, then one line per event in stream order ({@code id}
 * and {@code event}), then one line per computation ({@code computation}, oldest first) naming
 * the last event it saw. {@link #recompute} runs each computation again from the file alone and
 * compares the results bit for bit.
 */
public final class EventExport {

  private EventExport() {}

  /** One line of the file: exactly one of the fields is set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Line(
      @JsonProperty("params") Params params,
      @JsonProperty("id") String id,
      @JsonProperty("event") ScoringEvent event,
      @JsonProperty("computation") Computation computation) {}

  /** {@link ScoringParams} with durations in milliseconds, so the file needs no time module. */
  record Params(
      @JsonProperty("period_ms") long periodMs,
      @JsonProperty("quality_window_ms") long qualityWindowMs,
      @JsonProperty("min_answers") int minAnswers,
      @JsonProperty("quality_threshold") double qualityThreshold,
      @JsonProperty("quality_exponent") double qualityExponent,
      @JsonProperty("speed_percentile") double speedPercentile,
      @JsonProperty("bonus_span") double bonusSpan,
      @JsonProperty("nps_window_ms") long npsWindowMs,
      @JsonProperty("established_periods") int establishedPeriods,
      @JsonProperty("new_miner_multiplier") double newMinerMultiplier,
      @JsonProperty("period_decay") double periodDecay,
      @JsonProperty("task_exponent") double taskExponent,
      @JsonProperty("response_time_tasks_ms") java.util.SortedMap<String, Long>
          responseTimeTasksMs) {

    static Params of(ScoringParams p) {
      java.util.SortedMap<String, Long> timeouts = new java.util.TreeMap<>();
      p.responseTimeTasks().forEach((task, timeout) -> timeouts.put(task, timeout.toMillis()));
      return new Params(p.period().toMillis(), p.qualityWindow().toMillis(), p.minAnswers(),
          p.qualityThreshold(), p.qualityExponent(), p.speedPercentile(), p.bonusSpan(),
          p.npsWindow().toMillis(), p.establishedPeriods(), p.newMinerMultiplier(),
          p.periodDecay(), p.taskExponent(), timeouts);
    }

    ScoringParams toParams() {
      java.util.Map<String, Duration> timeouts = new java.util.TreeMap<>();
      if (responseTimeTasksMs != null) {
        responseTimeTasksMs.forEach((task, ms) -> timeouts.put(task, Duration.ofMillis(ms)));
      }
      return new ScoringParams(Duration.ofMillis(periodMs), Duration.ofMillis(qualityWindowMs),
          minAnswers, qualityThreshold, qualityExponent, speedPercentile, bonusSpan,
          Duration.ofMillis(npsWindowMs), establishedPeriods, newMinerMultiplier, periodDecay,
          taskExponent).withResponseTimeTasks(timeouts);
    }
  }

  /** Writes the audit file. {@code computations} oldest first. */
  public static void write(Path out, ScoringParams params, List<EventStream.Entry> events,
      List<Computation> computations) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      line(w, new Line(Params.of(params), null, null, null));
      for (EventStream.Entry e : events) {
        line(w, new Line(null, e.id(), e.event(), null));
      }
      for (Computation c : computations) {
        line(w, new Line(null, null, null, c));
      }
    }
  }

  /** What recomputing one computation gave. */
  public record Check(Computation recorded, WeightReport recomputed, boolean identical) {}

  /** Recomputes every computation in the file from its events. */
  public static List<Check> recompute(Path file) throws IOException {
    ScoringParams params = null;
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
        if (line.params() != null) {
          params = line.params().toParams();
        } else if (line.event() != null) {
          events.add(new EventStream.Entry(Objects.requireNonNull(line.id(), "id"),
              line.event()));
        } else if (line.computation() != null) {
          computations.add(line.computation());
        }
      }
    }
    if (params == null) {
      throw new IOException(file + " has no params line: it is not an Assay audit file");
    }
    List<Check> checks = new ArrayList<>();
    for (Computation c : computations) {
      List<ScoringEvent> seen = new ArrayList<>();
      for (EventStream.Entry e : events) {
        if (compareIds(e.id(), c.upto()) <= 0) {
          seen.add(e.event());
        }
      }
      WeightReport again = WeightCalculator.compute(seen, params, c.computedAt());
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
