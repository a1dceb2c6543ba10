package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.receipts.AnswerProofs;
import io.assay.gateway.receipts.ReceiptArchive;
import io.assay.gateway.receipts.RootCheck;
import io.assay.gateway.state.Keys;
import io.assay.task.Json;
import io.assay.task.TaskSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 8, accountable answers, against real miners: once a period is over the gateway
 * asks each miner for its signed receipt root, checks it against the receipts it holds, keeps
 * it, and {@code prove-answer} proves any answer of a matched period from the archive alone. A
 * root that leaves out an answer the validator holds is recorded as mismatched; a miner that
 * gives none, as missing.
 */
class ReceiptRootIntegrationTest {

  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);
  private static final long PERIOD_MILLIS = 3_000;

  private LlmTestGateway test;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    test = LlmTestGateway.start("assay-receipts",
        Map.of("ASSAY_EVENTS_RECEIPT_CHECK_DELAY", "300ms", "ASSAY_SYNTHETIC_ENABLED", "false"),
        Duration.ofMillis(PERIOD_MILLIS), SPEC, 8,
        reference -> Map.of("alpha", reference, "beta", reference));
  }

  @AfterEach
  void stop() {
    test.close();
  }

  @Test
  void everyMinersRoot_matchesTheReceiptsHeld_andEachAnswerIsProvedFromTheArchive()
      throws Exception {
    List<String> ids = new ArrayList<>();
    long first = period();
    for (int i = 0; i < 12; i++) {
      String id = "req-proof-" + i;
      assertThat(chat(id)).isEqualTo(200);
      ids.add(id);
    }
    long last = period();
    ReceiptArchive archive = new ReceiptArchive(test.config.archiveDir());

    for (long p = first; p <= last; p++) {
      awaitChecked(p);
    }
    int held = 0;
    for (long p = first; p <= last; p++) {
      for (ReceiptArchive.Line line : lines(p)) {
        assertThat(line.check().verdict()).as(line.check().toString())
            .isEqualTo(RootCheck.Verdict.MATCHED);
        assertThat(line.check().root().count()).isEqualTo(line.held().size());
        held += (int) line.held().stream().filter(h -> ids.contains(h.requestId())).count();
      }
    }
    assertThat(held).as("one receipt per answer, each in its request's period").isEqualTo(12);
    assertThat(test.gateway.call(() -> test.gateway.receiptAudit().check(first), "check again"))
        .as("a period checked once is not checked again").isEmpty();

    for (String id : List.of(ids.get(0), ids.get(11))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int exit = AnswerProofs.prove(archive, id, new PrintStream(out, true),
          new PrintStream(new ByteArrayOutputStream()));
      assertThat(exit).as(out.toString()).isZero();
      JsonNode proof = Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
      assertThat(proof.path("verified").asBoolean()).isTrue();
      assertThat(proof.path("verdict").asText()).isEqualTo("matched");
      assertThat(proof.path("proof").path("root").path("validator").asText())
          .isEqualTo(test.gateway.hotkey().value());
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(AnswerProofs.prove(archive, "never-asked", new PrintStream(
        new ByteArrayOutputStream()), new PrintStream(err, true))).isEqualTo(1);
    assertThat(err.toString()).contains("no answer to request never-asked");

    String admin = test.gateway.call(
        () -> test.gateway.keys().create("ops", ApiKey.Role.ADMIN, 0), "admin key");
    HttpResponse<String> roots = http.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + test.gateway.port() + "/admin/receipt-roots"))
        .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(roots.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(roots.body()).path("checks")).hasSize(2);
  }

  @Test
  void aRootLeavingOutAnAnswerHeld_isMismatched_andASilentMinerIsMissing() throws Exception {
    // Act at the start of a fresh period, well before its check.
    long target = period() + 1;
    await().atMost(Duration.ofSeconds(10)).until(() -> period() == target);
    // Until the period's first capacity poll binds the miners' declarations, routing has none
    // and answers 503: wait for that, then ask.
    await().atMost(Duration.ofSeconds(5)).until(() -> chat("req-hidden-first") == 200);
    for (int i = 0; i < 6; i++) {
      assertThat(chat("req-hidden-" + i)).isEqualTo(200);
    }
    String hiding = test.miners.get(0).hotkey().value();
    String silent = test.miners.get(1).hotkey().value();
    // The validator holds an answer the first miner's root leaves out: as if it hid one.
    test.gateway.redis().commands()
        .rpush(Keys.receipts(target, hiding), "A".repeat(43) + " req-hidden-x")
        .get(5, TimeUnit.SECONDS);
    test.miners.get(1).close();

    awaitChecked(target);
    Map<String, RootCheck> checks = new java.util.HashMap<>();
    lines(target).forEach(l -> checks.put(l.check().miner(), l.check()));
    assertThat(checks.get(hiding).verdict()).isEqualTo(RootCheck.Verdict.MISMATCHED);
    assertThat(checks.get(hiding).reason()).contains("the validator holds "
        + (checks.get(hiding).root().count() + 1));
    assertThat(checks.get(silent).verdict()).isEqualTo(RootCheck.Verdict.MISSING);
    assertThat(checks.get(silent).root()).isNull();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(AnswerProofs.prove(new ReceiptArchive(test.config.archiveDir()), "req-hidden-x",
        new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream()))).isEqualTo(1);
    assertThat(Json.MAPPER.readTree(out.toString()).path("reason").asText())
        .contains("did not match");
  }

  /** A chat completion under the user's request id, whose status is returned. */
  private int chat(String requestId) throws Exception {
    return test.chat("hello " + requestId, 4, false, "X-Request-Id", requestId).statusCode();
  }

  private static long period() {
    return Math.floorDiv(System.currentTimeMillis(), PERIOD_MILLIS);
  }

  private void awaitChecked(long period) {
    Path file = test.config.archiveDir().resolve("receipts-" + period + ".jsonl");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file));
  }

  private List<ReceiptArchive.Line> lines(long period) throws Exception {
    List<ReceiptArchive.Line> lines = new ArrayList<>();
    for (String row : Files.readAllLines(
        test.config.archiveDir().resolve("receipts-" + period + ".jsonl"))) {
      lines.add(Json.MAPPER.readValue(row, ReceiptArchive.Line.class));
    }
    return lines;
  }
}
