package io.assay.gateway.audit;

import io.assay.task.Json;
import io.assay.task.JsonLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The events trimmed from the stream, kept on disk: one JSON-lines file per UTC day of the
 * entries' stream ids ({@code events-2025-06-01.jsonl}), each line {@code {"id": ..., "event":
 * ...}} exactly as {@code export-events} writes events, the event's JSON as the stream held it.
 * Day files can be compressed or moved off the machine once a day is over; {@code
 * export-events} reads whatever is in the directory.
 *
 * <p>Entries are appended in id order and flushed to the disk before the stream lets go of them.
 * An append interrupted between the disk and the stream may be repeated: readers keep only
 * strictly increasing ids, so a repeated entry is read once. Blocking I/O: call it from a
 * worker thread or a command-line tool. Thread-safe.
 */
public final class EventArchive {

  private static final String PREFIX = "events-";
  private static final String SUFFIX = ".jsonl";
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final Path dir;
  private String lastId;
  private boolean lastIdRead;

  public EventArchive(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** The id of the newest archived entry, or null when the archive is empty. */
  public synchronized String lastId() {
    if (!lastIdRead) {
      List<Path> files = files();
      for (int i = files.size() - 1; i >= 0 && lastId == null; i--) {
        lastId = lastIdOf(files.get(i));
      }
      lastIdRead = true;
    }
    return lastId;
  }

  /**
   * Appends the entries newer than {@link #lastId}, in order, and forces them to the disk.
   *
   * @return how many were appended
   */
  public synchronized int append(List<EventStream.RawEntry> entries) {
    String last = lastId();
    Map<Path, StringBuilder> byDay = new LinkedHashMap<>();
    int appended = 0;
    for (EventStream.RawEntry e : entries) {
      if (last != null && EventStream.compareIds(e.id(), last) <= 0) {
        continue;
      }
      long millis = Long.parseLong(e.id().substring(0, e.id().indexOf('-')));
      Path file = dir.resolve(PREFIX + DAY.format(Instant.ofEpochMilli(millis)) + SUFFIX);
      byDay.computeIfAbsent(file, f -> new StringBuilder()).append(line(e)).append('\n');
      last = e.id();
      appended++;
    }
    try {
      Files.createDirectories(dir);
      for (Map.Entry<Path, StringBuilder> day : byDay.entrySet()) {
        try (FileChannel out = FileChannel.open(day.getKey(), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
          ByteBuffer bytes = StandardCharsets.UTF_8.encode(day.getValue().toString());
          while (bytes.hasRemaining()) {
            out.write(bytes);
          }
          out.force(true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot archive events in " + dir, e);
    }
    lastId = last;
    return appended;
  }

  /** Every archived entry once, in id order. */
  public void forEach(Consumer<EventStream.RawEntry> consumer) {
    String[] previous = {null};
    for (Path file : files()) {
      try {
        JsonLines.forEach(file, (text, number) -> {
          EventStream.RawEntry e = entry(text, file, number);
          if (previous[0] == null || EventStream.compareIds(e.id(), previous[0]) > 0) {
            consumer.accept(e);
            previous[0] = e.id();
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the event archive " + file, e);
      }
    }
  }

  /** The line of an entry, as {@code export-events} writes it. */
  static String line(EventStream.RawEntry e) {
    return "{\"id\":\"" + e.id() + "\",\"event\":" + e.json() + "}";
  }

  private static EventStream.RawEntry entry(String line, Path file, int number) {
    try {
      com.fasterxml.jackson.databind.JsonNode node = Json.MAPPER.readTree(line);
      String head = "{\"id\":\"" + node.get("id").asText() + "\",\"event\":";
      String json = line.startsWith(head) && line.endsWith("}")
          ? line.substring(head.length(), line.length() - 1) : node.get("event").toString();
      return new EventStream.RawEntry(node.get("id").asText(), json);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(file + " line " + number + " is not an archived event: "
          + e.getMessage(), e);
    }
  }

  private List<Path> files() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      List<Path> out = new ArrayList<>(list.filter(p -> {
        String name = p.getFileName().toString();
        return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
      }).sorted().toList());
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the event archive " + dir, e);
    }
  }

  private static String lastIdOf(Path file) {
    String[] last = {null};
    try {
      JsonLines.forEach(file, (text, number) -> {
        String id = entry(text, file, number).id();
        if (last[0] == null || EventStream.compareIds(id, last[0]) > 0) {
          last[0] = id;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the event archive " + file, e);
    }
    return last[0];
  }
}
