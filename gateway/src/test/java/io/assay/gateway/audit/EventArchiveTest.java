package io.assay.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.gateway.scoring.EventLog;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk archive of trimmed events, and stream ids as positions. */
class EventArchiveTest {

  private static final long DAY = 86_400_000L;

  private static EventStream.RawEntry entry(long millis, int seq, double quality) {
    ScoringEvent e = new QualityChecked(millis, "m", "t", "a" + seq, quality);
    return new EventStream.RawEntry(millis + "-" + seq, EventLog.toJson(e));
  }

  @Test
  void entriesGoToOneFilePerDay_andReadBackOnceInOrder_evenWhenAnAppendIsRepeated(
      @TempDir Path dir) throws Exception {
    EventArchive archive = new EventArchive(dir.resolve("archive"));
    assertThat(archive.lastId()).isNull();
    List<EventStream.RawEntry> first = List.of(entry(DAY - 1, 0, 0.1), entry(DAY, 0, 0.2),
        entry(DAY, 1, 1.0 / 3));
    assertThat(archive.append(first)).isEqualTo(3);
    // an append interrupted before the stream let go is made again, with more
    List<EventStream.RawEntry> again = new ArrayList<>(first);
    again.add(entry(2 * DAY + 5, 0, 0.4));
    assertThat(archive.append(again)).isEqualTo(1);

    assertThat(Files.list(dir.resolve("archive")).map(p -> p.getFileName().toString()).sorted())
        .containsExactly("events-1970-01-01.jsonl", "events-1970-01-02.jsonl",
            "events-1970-01-03.jsonl");
    EventArchive reopened = new EventArchive(dir.resolve("archive"));
    assertThat(reopened.lastId()).isEqualTo((2 * DAY + 5) + "-0");
    List<EventStream.RawEntry> read = new ArrayList<>();
    reopened.forEach(read::add);
    assertThat(read).containsExactlyElementsOf(again);
    assertThat(read.get(2).parse().event()).isEqualTo(first.get(2).parse().event());
  }

  @Test
  void aRepeatedLineOnDisk_isReadOnce(@TempDir Path dir) throws Exception {
    EventStream.RawEntry e = entry(1000, 0, 0.5);
    Files.writeString(dir.resolve("events-1970-01-01.jsonl"),
        EventArchive.line(e) + "\n" + EventArchive.line(e) + "\n\n");
    List<EventStream.RawEntry> read = new ArrayList<>();
    new EventArchive(dir).forEach(read::add);
    assertThat(read).containsExactly(e);
  }

  @Test
  void aBrokenLine_isRefusedNamingTheFileAndLine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("events-1970-01-01.jsonl"), "{\"id\":\"1-0\"}\nnot json\n");
    assertThatThrownBy(() -> new EventArchive(dir).forEach(x -> { }))
        .hasMessageContaining("events-1970-01-01.jsonl line");
  }

  @Test
  void streamIdsAsPositions_keepTheirOrder() {
    assertThat(EventStream.position("1700000000000-0"))
        .isLessThan(EventStream.position("1700000000000-1"))
        .isLessThan(EventStream.position("1700000000001-0"));
    assertThatThrownBy(() -> EventStream.position("12")).isInstanceOf(
        IllegalArgumentException.class);
    assertThatThrownBy(() -> EventStream.position("1-4194304"))
        .hasMessageContaining("out of range");
  }
}
