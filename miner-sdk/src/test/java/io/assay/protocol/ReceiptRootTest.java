package io.assay.protocol;

import static io.assay.protocol.ProtocolFixture.MINER;
import static io.assay.protocol.ProtocolFixture.STRANGER;
import static io.assay.protocol.ProtocolFixture.VALIDATOR;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReceiptRootTest {

  private static final long PERIOD = 7;

  private final ProtocolFixture fixture = new ProtocolFixture();
  private final Session session = fixture.openSession();
  private final ReceiptLog log = new ReceiptLog(3);
  private final List<String> held = new ArrayList<>();

  /** Serves {@code n} requests end to end; the miner logs receipts, the validator keeps them. */
  private void serve(int n) {
    for (int i = 0; i < n; i++) {
      byte[] body = ("request " + i).getBytes(UTF_8);
      byte[] answer = ("answer " + i).getBytes(UTF_8);
      SignedRequest request = session.sign("POST", "/v1/embeddings", body);
      String receipt = fixture.verify("POST", "/v1/embeddings", request, body).receipt(answer);
      log.add(PERIOD, receipt);
      assertThat(request.receiptMatches(receipt, answer)).isTrue();
      held.add(receipt);
    }
  }

  private SignedReceiptRoot periodRoot() {
    return log.root(PERIOD, MINER, VALIDATOR.hotkey());
  }

  private static boolean verify(SignedReceiptRoot root, List<String> receipts) {
    return SignedReceiptRoot.verify(root, MINER.hotkey(), VALIDATOR.hotkey(), PERIOD, receipts);
  }

  @Test
  void periodRoot_verifiesAgainstTheReceiptsTheValidatorHolds() {
    serve(5);

    SignedReceiptRoot root = periodRoot();

    assertThat(root.count()).isEqualTo(5);
    assertThat(root.miner()).isEqualTo(MINER.hotkey().value());
    assertThat(root.validator()).isEqualTo(VALIDATOR.hotkey().value());
    assertThat(root.period()).isEqualTo(PERIOD);
    assertThat(verify(root, held)).isTrue();
  }

  @Test
  void rootWithADroppedReceipt_doesNotVerify() {
    serve(5);
    SignedReceiptRoot root = periodRoot();

    assertThat(verify(root, held.subList(0, 4))).isFalse();
  }

  @Test
  void rootWithAnAlteredReceipt_doesNotVerify() {
    serve(5);
    SignedReceiptRoot root = periodRoot();
    List<String> altered = new ArrayList<>(held);
    altered.set(2, Codec.b64(new byte[32]));

    assertThat(verify(root, altered)).isFalse();
  }

  @Test
  void receiptsHeldInAnotherOrder_stillVerify_becauseTheRootCommitsToTheSet() {
    serve(5);
    SignedReceiptRoot root = periodRoot();
    List<String> reordered = new ArrayList<>(held);
    Collections.reverse(reordered);

    assertThat(verify(root, reordered)).isTrue();
  }

  @Test
  void rootWithAReplacedRootValue_doesNotVerify() {
    serve(3);
    SignedReceiptRoot root = periodRoot();
    List<String> other = List.of(held.get(0), held.get(1), Codec.b64(new byte[32]));
    SignedReceiptRoot swapped = new SignedReceiptRoot(root.miner(), root.validator(),
        root.period(), root.count(), SignedReceiptRoot.rootOf(other), root.signature());

    assertThat(verify(swapped, other)).isFalse();
  }

  @Test
  void forgedRootSignature_doesNotVerify() {
    serve(3);
    SignedReceiptRoot genuine = periodRoot();
    SignedReceiptRoot forged = new SignedReceiptRoot(genuine.miner(), genuine.validator(),
        genuine.period(), genuine.count(), genuine.root(),
        Codec.b64(STRANGER.sign(Canonical.receiptRoot(genuine))));

    assertThat(verify(forged, held)).isFalse();
    assertThat(SignedReceiptRoot.verify(genuine, STRANGER.hotkey(), VALIDATOR.hotkey(), PERIOD,
        held)).isFalse();
  }

  @Test
  void rootForAnotherPeriodOrValidator_doesNotVerify() {
    serve(2);
    SignedReceiptRoot root = periodRoot();

    assertThat(SignedReceiptRoot.verify(root, MINER.hotkey(), VALIDATOR.hotkey(), PERIOD + 1,
        held)).isFalse();
    assertThat(SignedReceiptRoot.verify(root, MINER.hotkey(), STRANGER.hotkey(), PERIOD,
        held)).isFalse();
  }

  @Test
  void malformedRoot_doesNotVerifyAndDoesNotThrow() {
    serve(1);
    SignedReceiptRoot root = periodRoot();

    assertThat(verify(null, held)).isFalse();
    assertThat(verify(new SignedReceiptRoot(root.miner(), root.validator(), root.period(),
        root.count(), root.root(), "!!"), held)).isFalse();
    assertThat(verify(new SignedReceiptRoot(root.miner(), root.validator(), root.period(),
        root.count(), null, root.signature()), held)).isFalse();
  }

  @Test
  void receiptsOfOtherPeriods_areNotInThisPeriodsRoot_andAnEmptyPeriodHasTheEmptyRoot() {
    serve(3);
    log.add(PERIOD + 1, Codec.b64(Codec.random(32)));

    assertThat(verify(periodRoot(), held)).isTrue();
    SignedReceiptRoot empty = log.root(PERIOD - 1, MINER, VALIDATOR.hotkey());
    assertThat(empty.count()).isZero();
    assertThat(empty.root()).isEqualTo(Codec.b64(Codec.sha256(new byte[0])));
    assertThat(SignedReceiptRoot.verify(empty, MINER.hotkey(), VALIDATOR.hotkey(), PERIOD - 1,
        List.of())).isTrue();
  }

  @Test
  void askingAgain_givesTheSameRoot_andLaterReceiptsOfThePeriodJoinIt() {
    serve(2);
    SignedReceiptRoot first = periodRoot();

    assertThat(periodRoot()).isEqualTo(first);
    serve(1);
    assertThat(periodRoot().count()).isEqualTo(3);
    assertThat(verify(periodRoot(), held)).isTrue();
  }

  @Test
  void onlyTheNewestKeptPeriods_stay() {
    for (long p = 1; p <= 5; p++) {
      log.add(p, Codec.b64(Codec.random(32)));
    }
    log.add(2, Codec.b64(Codec.random(32))); // late for a period already dropped

    assertThat(log.periods()).containsExactly(3L, 4L, 5L);
    assertThat(log.keeps(3, 5)).isTrue();
    assertThat(log.keeps(2, 5)).isFalse();
    assertThat(log.keeps(6, 5)).as("a period not yet begun").isFalse();
  }

  @Test
  void everyReceipt_hasAProofThatVerifies_andAnAlteredProofDoesNot() {
    for (int n = 1; n <= 17; n++) {
      ReceiptLog periodLog = new ReceiptLog(2);
      List<String> receipts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String receipt = Codec.b64(Codec.random(32));
        periodLog.add(PERIOD, receipt);
        receipts.add(receipt);
      }
      SignedReceiptRoot root = periodLog.root(PERIOD, MINER, VALIDATOR.hotkey());
      for (String receipt : receipts) {
        ReceiptProof proof = ReceiptProof.of(root, receipts, receipt);
        assertThat(proof.verify(MINER.hotkey(), VALIDATOR.hotkey()))
            .as("receipt %d of %d", proof.index(), n).isTrue();
        assertThat(proof.verify(STRANGER.hotkey(), VALIDATOR.hotkey())).isFalse();
        assertThat(new ReceiptProof(Codec.b64(Codec.random(32)), proof.index(), proof.path(),
            root).verify(MINER.hotkey(), VALIDATOR.hotkey())).as("another receipt").isFalse();
        if (n > 1) {
          List<String> bent = new ArrayList<>(proof.path());
          bent.set(0, Codec.b64(Codec.random(32)));
          assertThat(new ReceiptProof(receipt, proof.index(), bent, root)
              .verify(MINER.hotkey(), VALIDATOR.hotkey())).as("altered path").isFalse();
          assertThat(new ReceiptProof(receipt, proof.index(), proof.path().subList(1,
              proof.path().size()), root).verify(MINER.hotkey(), VALIDATOR.hotkey()))
              .as("shortened path").isFalse();
          assertThat(new ReceiptProof(receipt, (proof.index() + 1) % n, proof.path(), root)
              .verify(MINER.hotkey(), VALIDATOR.hotkey())).as("another index").isFalse();
        }
      }
      assertThatThrownBy(() -> ReceiptProof.of(root, receipts, Codec.b64(new byte[32])))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void proof_roundTripsAsJson() throws Exception {
    serve(4);
    ReceiptProof proof = ReceiptProof.of(periodRoot(), held, held.get(2));

    ReceiptProof read = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(proof),
        ReceiptProof.class);

    assertThat(read).isEqualTo(proof);
    assertThat(read.verify(MINER.hotkey(), VALIDATOR.hotkey())).isTrue();
  }

  @Test
  void signedRoot_isSnakeCaseJson() throws Exception {
    serve(1);
    SignedReceiptRoot root = periodRoot();

    String json = Json.MAPPER.writeValueAsString(root);

    assertThat(Json.MAPPER.readTree(json).fieldNames()).toIterable()
        .containsExactly("miner", "validator", "period", "count", "root", "signature");
    assertThat(Json.MAPPER.readValue(json, SignedReceiptRoot.class)).isEqualTo(root);
  }

  @Test
  void add_refusesSomethingThatIsNotAReceipt() {
    assertThatThrownBy(() -> log.add(PERIOD, "hello"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.add(PERIOD, null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentAdds_areAllSealed() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<String> receipts = Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      pool.execute(() -> {
        for (int i = 0; i < 1000; i++) {
          String receipt = Codec.b64(Codec.random(32));
          log.add(PERIOD, receipt);
          receipts.add(receipt);
        }
      });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    SignedReceiptRoot root = periodRoot();

    assertThat(root.count()).isEqualTo(4000);
    assertThat(verify(root, receipts)).isTrue();
  }
}
