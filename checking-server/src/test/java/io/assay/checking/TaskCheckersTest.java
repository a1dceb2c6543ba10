package io.assay.checking;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.Checker.CheckItem;
import io.assay.task.TaskKinds;
import io.assay.task.UpstreamConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which checker a task gets: its model server's when one is configured, else the reference. */
class TaskCheckersTest {

  private static final UpstreamConfig SERVER = new UpstreamConfig(
      URI.create("http://10.0.0.9:8000/v1"), "served-model", null, Duration.ofSeconds(5));

  @Test
  void aTaskWithAModelServer_isCheckedThroughIt_othersByTheReference() {
    FakeKind kind = FakeKind.scoring();
    try (TaskCheckers checkers = new TaskCheckers(TaskKinds.of(kind),
        Map.of("fake/big-model", SERVER), Map.of())) {
      var served = checkers.resolve("fake/big-model").orElseThrow();
      FakeKind.FakeRequest request = new FakeKind.FakeRequest(FakeKind.PATH, "big-model", "x");
      assertThat(served.checker().check(List.of(new CheckItem(request,
          new FakeKind.FakeAnswer("x", 0.9)))).get(0).reason())
          .isEqualTo("via http://10.0.0.9:8000/v1");
      assertThat(kind.upstreamsSeen).containsExactly(SERVER);

      assertThat(checkers.resolve(FakeKind.TASK)).isPresent();
      assertThat(kind.checkersMade.get()).isEqualTo(1);
      // No server and no reference engine for this model: not checked here.
      assertThat(checkers.resolve("fake/unknown-model")).isEmpty();
    }
  }
}
