package io.assay.checking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.assay.cli.CommandRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 5: the checking server's command line. Help on every command exits 0, usage
 * errors exit 2 naming the option, and {@code doctor} says what works against a real Redis and
 * real ports on loopback.
 */
class CheckingServerMainTest {

  @TempDir
  Path dir;

  @Test
  void help_exits0_onEveryCommand() {
    for (String[] args : new String[][] {{"--help"}, {"-h"}, {"doctor", "--help"},
        {"doctor", "-h"}}) {
      CommandRun ran = run(args);
      assertThat(ran.exit()).as(String.join(" ", args)).isZero();
      assertThat(ran.out()).contains("assay-checking-server").contains("--config");
    }
    assertThat(run("--help").out()).contains("doctor");
  }

  @Test
  void anUnknownOption_exits2_namingIt() {
    CommandRun ran = run("--verbose");
    assertThat(ran.exit()).isEqualTo(2);
    assertThat(ran.err()).contains("--verbose").contains("Usage:");
    assertThat(run("doctor", "--verbose").err()).contains("--verbose");
  }

  @Test
  void aBadOrMissingValue_exits2_namingTheOption() {
    CommandRun notANumber = run("--port", "x");
    assertThat(notANumber.exit()).isEqualTo(2);
    assertThat(notANumber.err()).contains("--port").contains("'x'");

    CommandRun noValue = run("doctor", "--config");
    assertThat(noValue.exit()).isEqualTo(2);
    assertThat(noValue.err()).contains("--config");

    CommandRun outOfRange = run("--port", "70000");
    assertThat(outOfRange.exit()).isEqualTo(2);
    assertThat(outOfRange.err()).contains("--port must be 0 to 65535");
  }

  @Test
  void serving_withoutRedis_exits2_namingTheKey() {
    assumeTrue(System.getenv("ASSAY_REDIS_URL") == null, "ASSAY_REDIS_URL is set here");
    CommandRun ran = run();
    assertThat(ran.exit()).isEqualTo(2);
    assertThat(ran.err()).contains("redis.url").doesNotContain("Exception");
  }

  @Test
  void doctor_withAGoodConfig_printsOkLines_andExits0() throws Exception {
    try (TestRedis redis = TestRedis.start()) {
      int port = freePort();
      Path file = config(redis.url());

      CommandRun ran = run("doctor", "--config", file.toString(), "--port", Integer.toString(port));

      assertThat(ran.exit()).as(ran.out()).isZero();
      assertThat(ran.out().lines()).anyMatch(l -> l.startsWith("ok      config: " + file))
          .anyMatch(l -> l.startsWith("ok      redis 127.0.0.1:"))
          .anyMatch(l -> l.startsWith("ok      port 127.0.0.1:" + port + ": free"))
          .anyMatch(l -> l.startsWith("ok      model all-MiniLM-L6-v2"))
          .noneMatch(l -> l.startsWith("failed") || l.startsWith("missing"));
    }
  }

  @Test
  void doctor_namesTheClosedRedis_andTheBusyPort_andExits1() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int closed = freePort();
      Path file = config("redis://127.0.0.1:" + closed);

      CommandRun ran = run("doctor", "--config", file.toString(), "--port",
          Integer.toString(busy.getLocalPort()));

      assertThat(ran.exit()).as(ran.out()).isEqualTo(1);
      assertThat(ran.out().lines())
          .anyMatch(l -> l.startsWith("failed  redis 127.0.0.1:" + closed) && l.contains("fix:")
              && l.contains("redis.url"))
          .anyMatch(l -> l.startsWith("failed  port 127.0.0.1:" + busy.getLocalPort())
              && l.contains("fix:") && l.contains("--port"))
          .anyMatch(l -> l.startsWith("ok      config"));
    }
  }

  @Test
  void doctor_withABadKey_namesIt_andExits1() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "redis:\n  url: redis://127.0.0.1:6379\nchecking:\n  batch: 0\n");

    CommandRun ran = run("doctor", "--config", file.toString());

    assertThat(ran.exit()).isEqualTo(1);
    assertThat(ran.out()).startsWith("failed  config: ").contains("checking.batch");
  }

  private Path config(String redisUrl) throws IOException {
    Path file = dir.resolve("checking.yaml");
    Files.writeString(file, "redis:\n  url: " + redisUrl + "\n");
    return file;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** One run of the command line. */
  private static CommandRun run(String... args) {
    return CommandRun.of(CheckingServerMain::run, args);
  }
}
