package io.assay.gateway.receipts;

import io.assay.gateway.receipts.ReceiptBook.Held;
import io.assay.task.Json;
import io.assay.task.JsonLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The checked periods on disk, beside the event archive: one JSON-lines file per period
 * ({@code receipts-<period>.jsonl}), one line per miner with its {@link RootCheck} and the
 * receipts held (in the root's leaf order, with request ids), so that any answer of the period
 * can be proved later ({@code prove-answer}) after Redis has let the receipts go. Blocking I/O:
 * call it from a worker thread or a command-line tool.
 */
public final class ReceiptArchive {

  private static final String PREFIX = "receipts-";
  private static final String SUFFIX = ".jsonl";

  /** One miner's line of a period file. */
  public record Line(
      @com.fasterxml.jackson.annotation.JsonProperty("check") RootCheck check,
      @com.fasterxml.jackson.annotation.JsonProperty("held") List<Held> held) {}

  private final Path dir;

  public ReceiptArchive(Path dir) {
    this.dir = dir;
  }

  /** Writes the file of {@code period} whole (replacing an earlier one), through a rename. */
  public void write(long period, List<Line> lines) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(PREFIX + period + SUFFIX);
    Path partial = dir.resolve(PREFIX + period + SUFFIX + ".partial");
    StringBuilder text = new StringBuilder();
    for (Line line : lines) {
      text.append(Json.MAPPER.writeValueAsString(line)).append('\n');
    }
    Files.writeString(partial, text);
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /** Every line, newest period first, that holds a receipt of {@code requestId}. */
  public List<Line> find(String requestId) throws IOException {
    List<Line> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    List<Path> files;
    try (Stream<Path> listed = Files.list(dir)) {
      files = listed.filter(p -> period(p) >= 0)
          .sorted(Comparator.comparingLong(ReceiptArchive::period).reversed()).toList();
    }
    for (Path file : files) {
      JsonLines.forEach(file, (text, number) -> {
        Line line;
        try {
          line = Json.MAPPER.readValue(text, Line.class);
        } catch (IOException e) {
          throw new IOException(file + " line " + number + ": " + e.getMessage(), e);
        }
        if (line.held().stream().anyMatch(h -> requestId.equals(h.requestId()))) {
          found.add(line);
        }
      });
    }
    return found;
  }

  private static long period(Path file) {
    String name = file.getFileName().toString();
    if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
