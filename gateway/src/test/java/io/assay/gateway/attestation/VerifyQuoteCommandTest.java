package io.assay.gateway.attestation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.cli.CommandRun;
import io.assay.gateway.GatewayMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17 item 3: {@code assay-gateway verify-quote}, run in-process on the QVL bundle. */
class VerifyQuoteCommandTest {

  @TempDir
  Path dir;

  @Test
  void theV5Sample_withTheQvlCollateral_isValid_exit0() throws IOException {
    CommandRun ran = run("--quote", file("gtg/quote_v5_sample.dat"), "--collateral",
        file("qvl/tdx_quote_outdated_collateral.json"), "--now", "2026-03-01T00:00:00Z");

    assertThat(ran.exit()).as(ran.err()).isZero();
    JsonNode verdict = new ObjectMapper().readTree(ran.out());
    assertThat(verdict.get("valid").asBoolean()).isTrue();
    assertThat(verdict.get("tee").asText()).isEqualTo("tdx");
    assertThat(verdict.get("tcb_status").asText()).isEqualTo("UpToDate");
    assertThat(verdict.get("mrtd").asText()).hasSize(96);
    assertThat(verdict.get("reason").isNull()).isTrue();
    assertThat(ran.out().lines()).hasSize(1);
  }

  @Test
  void theQvlBundle_isRefused_exit1_withTheReason() throws IOException {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "tee: tdx\naccepted_tcb_statuses: [UpToDate]\n");

    CommandRun ran = run("--quote", file("qvl/tdx_quote_outdated"), "--collateral",
        file("qvl/tdx_quote_outdated_collateral.json"), "--now", "2026-03-01",
        "--policy", policy.toString());

    assertThat(ran.exit()).isEqualTo(1);
    JsonNode verdict = new ObjectMapper().readTree(ran.out());
    assertThat(verdict.get("valid").asBoolean()).isFalse();
    assertThat(verdict.get("reason").asText()).startsWith("TCB level: ");
    assertThat(verdict.fieldNames()).toIterable().containsExactly("valid", "tee", "tcb_status",
        "advisories", "mrtd", "report_data", "reason");
  }

  @Test
  void badArguments_exit2_namingThem_withoutAStackTrace() throws IOException {
    String quote = file("qvl/tdx_quote_outdated");
    String collateral = file("qvl/tdx_quote_outdated_collateral.json");
    Path policy = dir.resolve("bad.json");
    Files.writeString(policy, "{\"mrtd\":[\"xyz\"]}");
    Path notJson = dir.resolve("collateral.json");
    Files.writeString(notJson, "not json");

    assertUsage(run("--quote", quote, "--collateral", collateral, "--now", "soon"), "--now");
    assertUsage(run("--quote", quote, "--collateral", collateral, "--report-data", "zz"),
        "--report-data");
    assertUsage(run("--quote", quote, "--collateral", collateral, "--policy",
        policy.toString()), "policy key 'mrtd'");
    assertUsage(run("--quote", dir.resolve("none").toString(), "--collateral", collateral),
        "--quote");
    assertUsage(run("--quote", quote, "--collateral", notJson.toString()), "--collateral");
    assertUsage(run("--quote", quote), "--collateral");
  }

  private static void assertUsage(CommandRun ran, String naming) {
    assertThat(ran.exit()).as(ran.err()).isEqualTo(2);
    assertThat(ran.err()).contains(naming).doesNotContain("\tat ");
    assertThat(ran.out()).isEmpty();
  }

  private String file(String vector) throws IOException {
    Path path = dir.resolve(vector.replace('/', '_'));
    Files.write(path, Vectors.bytes(vector));
    return path.toString();
  }

  private static CommandRun run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "verify-quote";
    System.arraycopy(args, 0, all, 1, args.length);
    return CommandRun.of(GatewayMain::run, all);
  }
}
