package io.assay.miner;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.cli.CommandRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 5: the miner's command line. Help on every command exits 0, usage errors exit 2
 * naming the option, and {@code doctor} says what works and what is missing, with real ports on
 * loopback and the real kinds of the class path.
 */
class ReferenceMinerMainTest {

  @TempDir
  Path dir;

  @Test
  void help_exits0_onEveryCommand() {
    for (String command : new String[] {null, "check", "keygen", "doctor"}) {
      for (String help : new String[] {"--help", "-h"}) {
        String[] args = command == null ? new String[] {help} : new String[] {command, help};
        CommandRun ran = run(args);
        assertThat(ran.exit()).as(String.join(" ", args)).isZero();
        assertThat(ran.out()).as(String.join(" ", args)).contains("Usage: assay-miner");
      }
    }
    assertThat(run("--help").out()).contains("--config FILE").contains("check")
        .contains("keygen").contains("doctor");
  }

  @Test
  void anUnknownOption_exits2_namingIt() {
    CommandRun ran = run("doctor", "--config", "miner.yaml", "--verbose");
    assertThat(ran.exit()).isEqualTo(2);
    assertThat(ran.err()).contains("--verbose").contains("Usage: assay-miner doctor");
  }

  @Test
  void aMissingRequiredOption_exits2_namingIt() {
    for (String command : new String[] {"check", "doctor", "keygen"}) {
      CommandRun ran = run(command);
      assertThat(ran.exit()).as(command).isEqualTo(2);
      assertThat(ran.err()).as(command).contains("Missing required option")
          .contains(command.equals("keygen") ? "--out" : "--config");
    }
    CommandRun serve = run();
    assertThat(serve.exit()).isEqualTo(2);
    assertThat(serve.err()).contains("--config");
  }

  @Test
  void aConfigError_exits2_namingTheKey() throws IOException {
    Path file = dir.resolve("miner.yaml");
    Files.writeString(file, "accept_validators: []\ntasks: []\n");
    CommandRun ran = run("check", "--config", file.toString());
    assertThat(ran.exit()).isEqualTo(2);
    assertThat(ran.err()).contains("accept_validators").doesNotContain("Exception");
  }

  @Test
  void keygen_printsTheHotkey_andRefusesToOverwrite() {
    Path key = dir.resolve("miner.key");
    CommandRun made = run("keygen", "--out", key.toString());
    assertThat(made.exit()).isZero();
    assertThat(made.out().strip()).isNotEmpty();

    CommandRun again = run("keygen", "--out", key.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).startsWith("assay-miner: ").contains("refusing to overwrite");
  }

  @Test
  void doctor_withAGoodConfig_printsOkLines_andExits0() throws IOException {
    int port = freePort();
    Path file = config(port, "embeddings", "all-MiniLM-L6-v2");

    CommandRun ran = run("doctor", "--config", file.toString());

    assertThat(ran.exit()).as(ran.out()).isZero();
    assertThat(ran.out().lines()).anyMatch(l -> l.startsWith("ok      config: " + file))
        .anyMatch(l -> l.startsWith("ok      identity ") && l.contains("first start"))
        .anyMatch(l -> l.startsWith("ok      port 127.0.0.1:" + port + ": free"))
        .anyMatch(l -> l.startsWith("ok      model all-MiniLM-L6-v2"))
        .noneMatch(l -> l.startsWith("failed") || l.startsWith("missing"));
  }

  @Test
  void doctor_namesTheBusyPort_andTheMissingProver_andExits1() throws IOException {
    String previous = System.getProperty("assay.zk.nodeDir");
    // A folder without node_modules/snarkjs, as on a machine where 'npm ci' never ran.
    System.setProperty("assay.zk.nodeDir", dir.toString());
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path file = config(busy.getLocalPort(), "zk-proof", "timeseries-mlp-bn128");

      CommandRun ran = run("doctor", "--config", file.toString());

      assertThat(ran.exit()).as(ran.out()).isEqualTo(1);
      assertThat(ran.out().lines())
          .anyMatch(l -> l.startsWith("failed  port 127.0.0.1:" + busy.getLocalPort())
              && l.contains("fix:") && l.contains("ASSAY_PORT"))
          .anyMatch(l -> l.startsWith("missing node and snarkjs") && l.contains("fix:")
              && l.contains("npm ci"))
          .anyMatch(l -> l.startsWith("ok      config"));
    } finally {
      if (previous == null) {
        System.clearProperty("assay.zk.nodeDir");
      } else {
        System.setProperty("assay.zk.nodeDir", previous);
      }
    }
  }

  @Test
  void doctor_withAnUnknownKind_namesTheKey_andExits1() throws IOException {
    Path file = config(0, "telepathy", "m");

    CommandRun ran = run("doctor", "--config", file.toString());

    assertThat(ran.exit()).isEqualTo(1);
    assertThat(ran.out()).startsWith("failed  config: config key 'tasks[1].kind'")
        .contains("telepathy");
  }

  private Path config(int port, String kind, String model) throws IOException {
    Path file = dir.resolve("miner.yaml");
    Files.writeString(file, """
        name: doctor-test
        identity_file: keys/miner.key
        port: %d
        accept_validators: ["*"]
        tasks:
          - kind: llm
            model: reference-lm
          - kind: %s
            model: %s
        """.formatted(port, kind, model));
    return file;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** One run of the command line. */
  private static CommandRun run(String... args) {
    return CommandRun.of(ReferenceMinerMain::run, args);
  }
}
