package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.cli.CommandRun;
import io.assay.gateway.cli.GatewayCommand;
import io.assay.gateway.state.PrivateRedis;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 14 item 5: the gateway's command line. Help on every command exits 0, usage errors exit
 * 2 naming the option, configuration errors exit 2 naming the key, and {@code doctor} says what
 * works and what is missing, against a real Redis and real ports on loopback.
 */
class GatewayMainTest {

  @TempDir
  Path dir;

  @Test
  void help_exits0_onEveryCommand() {
    List<List<String>> commands = new ArrayList<>();
    commandsOf(new CommandLine(new GatewayCommand()), List.of(), commands);
    assertThat(commands).contains(List.of(), List.of("serve"), List.of("devnet"),
        List.of("keys", "create"), List.of("keys", "revoke"), List.of("weights", "export"),
        List.of("keygen"), List.of("doctor"));
    for (List<String> command : commands) {
      for (String help : new String[] {"--help", "-h"}) {
        List<String> args = new ArrayList<>(command);
        args.add(help);
        CommandRun ran = run(args.toArray(String[]::new));
        assertThat(ran.exit()).as(args.toString()).isZero();
        assertThat(ran.out()).as(args.toString())
            .contains("Usage: assay-gateway " + String.join(" ", command));
      }
    }
  }

  @Test
  void anUnknownOption_exits2_namingIt() {
    for (String[] args : new String[][] {{"--bogus"}, {"devnet", "--bogus", "1"},
        {"keys", "create", "--name", "a", "--bogus"}, {"doctor", "--bogus"}}) {
      CommandRun ran = run(args);
      assertThat(ran.exit()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(ran.err()).as(String.join(" ", args)).contains("--bogus").contains("Usage:");
    }
    assertThat(run("nosuch").err()).contains("nosuch");
  }

  @Test
  void aMissingRequiredOption_exits2_namingIt() {
    String[][] cases = {{"simulate", "--miners"}, {"export-events", "--out"},
        {"recompute-weights", "--events"}, {"prove-answer", "--request-id"},
        {"keygen", "--out"}, {"keys create", "--name"}, {"keys show", "--prefix"},
        {"keys update", "--prefix"}, {"keys revoke", "--name"}};
    for (String[] c : cases) {
      CommandRun ran = run(c[0].split(" "));
      assertThat(ran.exit()).as(c[0]).isEqualTo(2);
      assertThat(ran.err()).as(c[0]).contains("Missing required option").contains(c[1])
          .contains("Usage: assay-gateway " + c[0]);
    }
    assertThat(run("keys", "create", "--name", " ").err())
        .contains("keys create needs --name NAME");
    assertThat(run("keys").err()).contains("keys needs an action");
    assertThat(run("weights").err()).contains("weights needs an action: export");
  }

  @Test
  void aBadValue_exits2_namingTheOption() {
    CommandRun port = run("devnet", "--port", "x");
    assertThat(port.exit()).isEqualTo(2);
    assertThat(port.err()).contains("--port").contains("'x'");

    CommandRun credit = run("keys", "create", "--name", "a", "--credit", "lots");
    assertThat(credit.exit()).isEqualTo(2);
    assertThat(credit.err()).contains("--credit").contains("expects a number of credits");

    CommandRun periods = run("simulate", "--miners", "honest:1", "--periods", "0");
    assertThat(periods.exit()).isEqualTo(2);
    assertThat(periods.err()).contains("--periods and --period-seconds must be positive");

    CommandRun spec = run("simulate", "--miners", "honest:x");
    assertThat(spec.exit()).isEqualTo(2);
    assertThat(spec.err()).contains("--miners");

    CommandRun kind = run("devnet", "--attest", "speech");
    assertThat(kind.exit()).isEqualTo(2);
    assertThat(kind.err()).contains("--attest").contains("'speech'").contains("llm");
    CommandRun alone = run("devnet", "--attested-miners", "1");
    assertThat(alone.exit()).isEqualTo(2);
    assertThat(alone.err()).contains("--attested-miners needs --attest KIND");
    CommandRun behaviours = run("devnet", "--attest", "llm", "--miners", "honest:2");
    assertThat(behaviours.exit()).isEqualTo(2);
    assertThat(behaviours.err()).contains("--attest runs honest reference miners");
  }

  @Test
  void aConfigError_exits2_namingTheKey_andAFailure_exits1_inOneLine() throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "gateway:\n  port: eighty\n");
    CommandRun config = run("serve", "--config", bad.toString());
    assertThat(config.exit()).isEqualTo(2);
    assertThat(config.err()).startsWith("assay-gateway: ").contains("gateway.port")
        .doesNotContain("at io.assay");

    CommandRun missing = run("recompute-weights", "--events", dir.resolve("none.jsonl").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err().lines()).hasSize(1).first().asString()
        .startsWith("assay-gateway: ");
  }

  @Test
  void doctor_withAGoodConfig_printsOkLines_andExits0() throws Exception {
    try (PrivateRedis redis = PrivateRedis.start(dir.resolve("shared-redis"))) {
      int port = freePort();
      Path file = config(port, "url: " + redis.url());

      CommandRun ran = run("doctor", "--config", file.toString());

      assertThat(ran.exit()).as(ran.out()).isZero();
      assertThat(ran.out().lines()).anyMatch(l -> l.startsWith("ok      config: " + file))
          .anyMatch(l -> l.startsWith("ok      redis 127.0.0.1:"))
          .anyMatch(l -> l.startsWith("ok      port 127.0.0.1:" + port + ": free"))
          .anyMatch(l -> l.startsWith("ok      identity ") && l.contains("first start"))
          .anyMatch(l -> l.startsWith("ok      model all-MiniLM-L6-v2"))
          // Only devnet's miners prove: Node is reported, whatever this machine has, not needed.
          .anyMatch(l -> l.contains("node and snarkjs (optional, for devnet's miners)"))
          .noneMatch(l -> l.startsWith("failed"));
    }
  }

  @Test
  void doctor_namesTheBusyPort_andTheDataDirInUse_andExits1() throws Exception {
    Path data = dir.resolve("data");
    // A gateway already runs on this data directory: its private Redis is there.
    try (PrivateRedis running = PrivateRedis.start(data.resolve("redis"));
        ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path file = config(busy.getLocalPort(), "url: \"\"");

      CommandRun ran = run("doctor", "--config", file.toString());

      assertThat(ran.exit()).as(ran.out()).isEqualTo(1);
      assertThat(ran.out().lines())
          .anyMatch(l -> l.startsWith("failed  port 127.0.0.1:" + busy.getLocalPort())
              && l.contains("fix:") && l.contains("gateway.port"))
          .anyMatch(l -> l.startsWith("failed  redis (private, in " + data.resolve("redis"))
              && l.contains("fix:") && l.contains("gateway.data_dir"))
          .anyMatch(l -> l.startsWith("ok      config"));
      assertThat(ran.out()).contains("checks not ok");
    }
  }

  @Test
  void doctor_withABadKey_namesIt_andExits1() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "tasks:\n  - kind: telepathy\n    model: m\n    weight: 1\n");

    CommandRun ran = run("doctor", "--config", file.toString());

    assertThat(ran.exit()).isEqualTo(1);
    assertThat(ran.out()).startsWith("failed  config: ").contains("tasks[0].kind")
        .contains("telepathy");
  }

  /** Every command, as the words that name it. */
  private static void commandsOf(CommandLine line, List<String> words, List<List<String>> out) {
    out.add(words);
    line.getSubcommands().forEach((name, sub) -> {
      List<String> deeper = new ArrayList<>(words);
      deeper.add(name);
      commandsOf(sub, deeper, out);
    });
  }

  private Path config(int port, String redis) throws IOException {
    Path file = dir.resolve("assay.yaml");
    Files.writeString(file, """
        gateway:
          port: %d
          data_dir: data
        redis:
          %s
        tasks:
          - kind: llm
            model: reference-lm
            weight: 0.5
          - kind: embeddings
            model: all-MiniLM-L6-v2
            weight: 0.3
          - kind: zk-proof
            model: timeseries-mlp-bn128
            weight: 0.2
        """.formatted(port, redis));
    return file;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** One run of the command line. */
  private static CommandRun run(String... args) {
    return CommandRun.of(GatewayMain::run, args);
  }
}
