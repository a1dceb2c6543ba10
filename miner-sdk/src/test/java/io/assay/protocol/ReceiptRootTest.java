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
  private final ReceiptLog log = new ReceiptLog();
  private final List<String> held = new ArrayList<>();

  /** Serves {@code n} requests end to end; the miner logs receipts, the validator keeps them. */
  private void serve(int n) {
    for (int i = 0; i < n; i++) {
      byte[] body = ("request " + i).getBytes(UTF_8);
      byte[] answer = ("answer " + i).getBytes(UTF_8);
      SignedRequest request = session.sign("POST", "/v1/embeddings", body);
      String receipt = fixture.verify("POST", "/v1/embeddings", request, body).receipt(answer);
      log.add(receipt);
      assertThat(request.receiptMatches(receipt, answer)).isTrue();
      held.add(receipt);
    }
  }

  private SignedReceiptRoot seal() {
    return log.seal(PERIOD, MINER, VALIDATOR.hotkey());
  }

  private static boolean verify(SignedReceiptRoot root, List<String> receipts) {
    return SignedReceiptRoot.verify(root, MINER.hotkey(), VALIDATOR.hotkey(), PERIOD, receipts);
  }

  @Test
  void sealedRoot_verifiesAgainstTheReceiptsTheValidatorHolds() {
    serve(5);

    SignedReceiptRoot root = seal();

    assertThat(root.count()).isEqualTo(5);
    assertThat(root.miner()).isEqualTo(MINER.hotkey().value());
    assertThat(root.validator()).isEqualTo(VALIDATOR.hotkey().value());
    assertThat(root.period()).isEqualTo(PERIOD);
    assertThat(verify(root, held)).isTrue();
  }

  @Test
  void rootWithADroppedReceipt_doesNotVerify() {
    serve(5);
    SignedReceiptRoot root = seal();

    assertThat(verify(root, held.subList(0, 4))).isFalse();
  }

  @Test
  void rootWithAnAlteredReceipt_doesNotVerify() {
    serve(5);
    SignedReceiptRoot root = seal();
    List<String> altered = new ArrayList<>(held);
    altered.set(2, Codec.b64(new byte[32]));

    assertThat(verify(root, altered)).isFalse();
  }

  @Test
  void receiptsHeldInAnotherOrder_stillVerify_becauseTheRootCommitsToTheSet() {
    serve(5);
    SignedReceiptRoot root = seal();
    List<String> reordered = new ArrayList<>(held);
    Collections.reverse(reordered);

    assertThat(verify(root, reordered)).isTrue();
  }

  @Test
  void rootWithAReplacedRootValue_doesNotVerify() {
    serve(3);
    SignedReceiptRoot root = seal();
    List<String> other = List.of(held.get(0), held.get(1), Codec.b64(new byte[32]));
    SignedReceiptRoot swapped = new SignedReceiptRoot(root.miner(), root.validator(),
        root.period(), root.count(), SignedReceiptRoot.rootOf(other), root.signature());

    assertThat(verify(swapped, other)).isFalse();
  }

  @Test
  void forgedRootSignature_doesNotVerify() {
    serve(3);
    SignedReceiptRoot genuine = seal();
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
    SignedReceiptRoot root = seal();

    assertThat(SignedReceiptRoot.verify(root, MINER.hotkey(), VALIDATOR.hotkey(), PERIOD + 1,
        held)).isFalse();
    assertThat(SignedReceiptRoot.verify(root, MINER.hotkey(), STRANGER.hotkey(), PERIOD,
        held)).isFalse();
  }

  @Test
  void malformedRoot_doesNotVerifyAndDoesNotThrow() {
    serve(1);
    SignedReceiptRoot root = seal();

    assertThat(verify(null, held)).isFalse();
    assertThat(verify(new SignedReceiptRoot(root.miner(), root.validator(), root.period(),
        root.count(), root.root(), "!!"), held)).isFalse();
    assertThat(verify(new SignedReceiptRoot(root.miner(), root.validator(), root.period(),
        root.count(), null, root.signature()), held)).isFalse();
  }

  @Test
  void seal_startsTheNextPeriodEmpty() {
    serve(3);
    seal();

    SignedReceiptRoot empty = seal();

    assertThat(empty.count()).isZero();
    assertThat(empty.root()).isEqualTo(Codec.b64(Codec.sha256(new byte[0])));
    assertThat(verify(empty, List.of())).isTrue();
  }

  @Test
  void signedRoot_isSnakeCaseJson() throws Exception {
    serve(1);
    SignedReceiptRoot root = seal();

    String json = Json.MAPPER.writeValueAsString(root);

    assertThat(Json.MAPPER.readTree(json).fieldNames()).toIterable()
        .containsExactly("miner", "validator", "period", "count", "root", "signature");
    assertThat(Json.MAPPER.readValue(json, SignedReceiptRoot.class)).isEqualTo(root);
  }

  @Test
  void add_refusesSomethingThatIsNotAReceipt() {
    assertThatThrownBy(() -> log.add("hello")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.add(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentAdds_areAllSealed() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<String> receipts = Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      pool.execute(() -> {
        for (int i = 0; i < 1000; i++) {
          String receipt = Codec.b64(Codec.random(32));
          log.add(receipt);
          receipts.add(receipt);
        }
      });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    SignedReceiptRoot root = seal();

    assertThat(root.count()).isEqualTo(4000);
    assertThat(verify(root, receipts)).isTrue();
  }
}
