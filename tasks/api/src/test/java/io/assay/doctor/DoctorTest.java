package io.assay.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every program's {@code doctor} prints and how it exits. */
class DoctorTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private int run(Check... checks) {
    return Doctor.run(List.of(checks), new PrintStream(out, true));
  }

  @Test
  void everyCheckOk_printsOkLines_andExits0() {
    int exit = run(Check.found("config", Finding.ok("my.yaml loads")),
        Check.of("redis", "start it", () -> Finding.ok("answers PONG")));

    assertThat(exit).isZero();
    assertThat(out.toString().lines()).containsExactly("ok      config: my.yaml loads",
        "ok      redis: answers PONG", "doctor: every required check is ok");
  }

  @Test
  void aCheckThatIsNotOk_saysHowToFixIt_andExits1() {
    int exit = run(Check.of("model", "rebuild the jar", () -> Finding.missing("not on the class"
        + " path", "rebuild the jar")), Check.of("redis", "start Redis there", () -> {
          throw new IllegalStateException("refused\nat 127.0.0.1:1");
        }));

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString().lines()).containsExactly(
        "missing model: not on the class path; fix: rebuild the jar",
        "failed  redis: refused at 127.0.0.1:1; fix: start Redis there",
        "doctor: 2 of 2 checks not ok");
  }

  @Test
  void anOptionalCheck_isReported_butDoesNotFail() {
    int exit = run(Check.of("node", "install Node", () -> Finding.missing("no node on PATH",
        "install Node")).optional("devnet's miners"));

    assertThat(exit).isZero();
    assertThat(out.toString()).contains(
        "missing node (optional, for devnet's miners): no node on PATH; fix: install Node")
        .contains("every required check is ok (1 optional not ok)");
  }

  @Test
  void checksOfOneName_runOnce_requiredIfAnyIs() {
    int[] runs = {0};
    Check model = Check.of("model", "fix", () -> {
      runs[0]++;
      return Finding.failed("broken", "fix");
    });

    int exit = run(model.optional("miners"), model);

    assertThat(runs[0]).isEqualTo(1);
    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).startsWith("failed  model: broken");
  }

  @Test
  void portCheck_failsOnAPortInUse_andPassesOnAFreeOne() throws IOException {
    int free;
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(run(PortCheck.of("127.0.0.1", busy.getLocalPort(), "gateway.port")))
          .isEqualTo(1);
      assertThat(out.toString()).contains("failed  port 127.0.0.1:" + busy.getLocalPort())
          .contains("set gateway.port to another port");
      free = busy.getLocalPort();
    }
    out.reset();
    assertThat(run(PortCheck.of("127.0.0.1", free, "gateway.port"))).isZero();
  }
}
