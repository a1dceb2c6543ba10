package io.assay.miner;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.TaskKinds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 9: {@code assay-miner check} sends one request of each configured task to its
 * backend and says, a line a task, what answered and what did not and why.
 */
class BackendCheckTest {

  private final ExecutorService workers = Workers.inference();
  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    workers.shutdownNow();
  }

  @Test
  void eachTask_isReportedOkOrWithWhyNot() {
    MinerConfig config = new MinerConfig("checked", dir.resolve("m.key"), "127.0.0.1", 0,
        Duration.ofMinutes(60), List.of(), true, List.of(
            new MinerConfig.TaskConfig("echo", "echo-1", 10, 4, null),
            new MinerConfig.TaskConfig("echo", EchoKind.OFFLINE_MODEL, 10, 4, null),
            new MinerConfig.TaskConfig("echo", "echo-1", 10, 4, new MinerConfig.Upstream(
                URI.create("http://127.0.0.1:9"), "echo-1", null, Duration.ofSeconds(2))),
            new MinerConfig.TaskConfig("nosuch", "model", 10, 4, null)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int exit = BackendCheck.run(config, TaskKinds.of(new EchoKind()), workers,
        new PrintStream(out, true));

    List<String> lines = out.toString().lines().toList();
    assertThat(exit).isEqualTo(1);
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).startsWith("ok").contains("echo/echo-1").contains("units in")
        .contains("reference engine");
    assertThat(lines.get(1)).startsWith("FAIL").contains("the echo runtime is not installed");
    assertThat(lines.get(2)).startsWith("FAIL").contains("echo/echo-1");
    assertThat(lines.get(3)).startsWith("FAIL").contains("unknown task kind");
    assertThat(lines.get(4)).contains("3 of 4 tasks did not answer");
  }
}
