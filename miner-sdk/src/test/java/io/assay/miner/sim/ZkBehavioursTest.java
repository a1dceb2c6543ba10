package io.assay.miner.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.assay.task.Backend;
import io.assay.task.InvalidAnswerException;
import io.assay.task.Json;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.zk.ZkAnswer;
import io.assay.task.zk.ZkKind;
import io.assay.task.zk.ZkRequest;
import io.assay.task.zk.circuit.Circuit;
import io.assay.task.zk.circuit.Circuits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The zk-proof behaviours on a committed snarkjs proof (tasks/zk fixtures/timeseries-mlp-bn128,
 * proof-1 and public-1, copied here since the zk test resources are not on this classpath),
 * served by a fake prover. Answers go through the zk task's own answer reader, which verifies
 * them as the gateway would. Proving needs Node, so no proof is made here.
 */
class ZkBehavioursTest {

  private static final String CIRCUIT = "timeseries-mlp-bn128";

  private static final String PROOF = """
      {"pi_a":["1668715851164083189956802413100976754885948498200127409061268703372633754301",
               "18655325807146470121033565376986884760590405081718266832197176293565276263647",
               "1"],
       "pi_b":[["654642836708610000080409486020400997522061874177481758675642833578935997409",
                "10054264956962128014331015317022342568345601455205880267089995569362531505130"],
               ["13817769057749719120263541450319352147255361074312782098885384605531858687260",
                "17781058146457399435085377299464681239417757093928226073831114697348932095285"],
               ["1","0"]],
       "pi_c":["16693692726009547084734087288835779690682265717212538908690220046136172925369",
               "15242645613581393482655234653199554305549405201111617927705653002474728045345",
               "1"],
       "protocol":"groth16","curve":"bn128"}""";

  private static final List<String> PUBLIC = List.of("3879",
      "10085171521362934393931773944921966902309954375967843350339313436702256913151",
      "3200", "3354", "3520", "3635", "3840", "1");

  private static final Circuit BN128 = Circuits.builtIn().byName(CIRCUIT).orElseThrow();
  private static final Task TASK = new ZkKind().bind(new TaskSpec(ZkKind.NAME, CIRCUIT, 1000, 3));
  private static final ZkAnswer HONEST = new ZkAnswer(json(PROOF), PUBLIC, 300);
  private static final ZkRequest REQUEST = request();
  private static final Backend PROVER = r -> CompletableFuture.completedFuture(HONEST);

  @Test
  void honestProof_isAccepted() {
    assertThat(TASK.readAnswer(REQUEST, HONEST.toMinerBody())).isEqualTo(HONEST);
  }

  @Test
  void badProof_changesPiAOnlyAndIsRejected() throws Exception {
    Backend bad = SimulatedBackends.wrap(Behaviour.BAD_PROOF, PROVER, null, null);

    ZkAnswer answer = serve(bad, REQUEST);

    JsonNode honestProof = HONEST.proof();
    JsonNode proof = answer.proof();
    assertThat(new BigInteger(proof.path("pi_a").path(0).asText()))
        .isEqualTo(new BigInteger(honestProof.path("pi_a").path(0).asText()).add(BigInteger.ONE));
    ((ArrayNode) proof.path("pi_a"))
        .set(0, honestProof.path("pi_a").path(0));
    assertThat(proof).isEqualTo(honestProof);
    assertThat(answer.publicSignals()).isEqualTo(HONEST.publicSignals());
    assertThat(answer.proveMillis()).isEqualTo(HONEST.proveMillis());
    assertRejected(answer);
  }

  @Test
  void badProof_passesAnswersWithoutAProofUnchanged() throws Exception {
    TextTask.Answer echo = new TextTask.Answer("hi");
    Backend bad = SimulatedBackends.wrap(Behaviour.BAD_PROOF,
        r -> CompletableFuture.completedFuture(echo), null, null);
    assertThat(bad.serve(REQUEST).toCompletableFuture().get()).isSameAs(echo);
  }

  @Test
  void randomOutput_keepsTheProofShapeWithRandomCoordinatesAndIsRejected() throws Exception {
    Backend random = SimulatedBackends.wrap(Behaviour.RANDOM_OUTPUT, PROVER, null,
        new Random(9));

    ZkAnswer answer = serve(random, REQUEST);
    ZkAnswer again = serve(random, REQUEST);

    JsonNode proof = answer.proof();
    JsonNode honest = HONEST.proof();
    assertThat(proof.path("protocol").asText()).isEqualTo("groth16");
    assertThat(proof.path("curve").asText()).isEqualTo("bn128");
    assertThat(proof.path("pi_a").get(2).asText()).isEqualTo("1");
    assertThat(proof.path("pi_c").get(2).asText()).isEqualTo("1");
    assertThat(proof.path("pi_b").get(2)).isEqualTo(honest.path("pi_b").get(2));
    List<String> coordinates = coordinates(proof);
    assertThat(coordinates).hasSize(8).doesNotHaveDuplicates()
        .doesNotContainAnyElementsOf(coordinates(honest))
        .allSatisfy(c -> assertThat(BN128.curve().inField(new BigInteger(c))).isTrue());
    assertThat(answer.publicSignals()).isEqualTo(HONEST.publicSignals());
    assertThat(answer).isNotEqualTo(again);
    assertRejected(answer);
  }

  @Test
  void otherModel_provesTheFirstInputPlusOneForTheSameNonce() throws Exception {
    List<TaskRequest> seen = Collections.synchronizedList(new ArrayList<>());
    Backend prover = r -> {
      seen.add(r);
      return CompletableFuture.completedFuture(HONEST);
    };
    Backend other = SimulatedBackends.wrap(Behaviour.OTHER_MODEL, prover, null, null);

    serve(other, REQUEST);

    assertThat(seen).hasSize(1);
    ZkRequest asked = (ZkRequest) seen.get(0);
    List<BigInteger> expected = new ArrayList<>(REQUEST.inputSignals());
    expected.set(0, expected.get(0).add(BigInteger.ONE));
    assertThat(asked.inputSignals()).isEqualTo(expected);
    assertThat(asked.nonce()).isEqualTo(REQUEST.nonce());
    assertThat(asked.circuit()).isEqualTo(BN128);
    assertThat(BN128.inputMapping().toSignals(asked.input())).isEqualTo(expected);
  }

  @Test
  void otherModel_wrapsTheFirstInputAroundTheField() {
    BigInteger last = BN128.curve().scalarField().subtract(BigInteger.ONE);
    List<BigInteger> inputs = new ArrayList<>(REQUEST.inputSignals());
    inputs.set(0, last);
    ZkRequest atTheEdge = new ZkRequest(BN128, REQUEST.input(), inputs, REQUEST.nonce());

    ZkRequest shifted = (ZkRequest) OtherModelBackend.other(atTheEdge);

    assertThat(shifted.inputSignals().get(0)).isEqualTo(BigInteger.ZERO);
    assertThat(shifted.inputSignals().subList(1, inputs.size()))
        .isEqualTo(inputs.subList(1, inputs.size()));
  }

  @Test
  void aProofThatIsNotSnarkjsShaped_failsTheRequestSayingWhy() {
    ZkAnswer odd = new ZkAnswer(json("{\"pi_a\":\"x\",\"curve\":\"bn128\"}"), PUBLIC, 1);
    Backend prover = r -> CompletableFuture.completedFuture(odd);
    for (Behaviour b : List.of(Behaviour.BAD_PROOF, Behaviour.RANDOM_OUTPUT)) {
      Backend forger = SimulatedBackends.wrap(b, prover, null, new Random(1));
      assertThatThrownBy(() -> forger.serve(REQUEST).toCompletableFuture().get())
          .cause()
          .isInstanceOf(TaskException.class)
          .hasMessageStartingWith(b.id() + " cannot forge the honest proof: pi_a");
    }
  }

  @Test
  void forgingDecorators_reportTheProversAvailability() {
    Backend noNode = new Backend() {
      @Override
      public CompletionStage<TaskAnswer> serve(TaskRequest request) {
        return CompletableFuture.failedFuture(new TaskException("no node"));
      }

      @Override
      public String unavailableReason() {
        return "node is not installed";
      }
    };
    for (Behaviour b : List.of(Behaviour.BAD_PROOF, Behaviour.RANDOM_OUTPUT,
        Behaviour.OTHER_MODEL)) {
      assertThat(SimulatedBackends.wrap(b, noNode, null, new Random(1)).unavailableReason())
          .as(b.id()).isEqualTo("node is not installed");
    }
  }

  private static void assertRejected(ZkAnswer answer) {
    assertThatThrownBy(() -> TASK.readAnswer(REQUEST, answer.toMinerBody()))
        .isInstanceOf(InvalidAnswerException.class)
        .hasMessageContaining("does not verify");
  }

  private static List<String> coordinates(JsonNode proof) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      out.add(proof.path("pi_a").get(i).asText());
      out.add(proof.path("pi_b").get(0).get(i).asText());
      out.add(proof.path("pi_b").get(1).get(i).asText());
      out.add(proof.path("pi_c").get(i).asText());
    }
    return out;
  }

  /** The request proof-1 answers: its inputs and nonce, read from its public signals. */
  private static ZkRequest request() {
    List<BigInteger> signals = PUBLIC.stream().map(BigInteger::new).toList();
    List<BigInteger> inputs = BN128.layout().inputs().stream().map(signals::get).toList();
    List<BigDecimal> values = inputs.stream().map(BN128.inputMapping()::decode).toList();
    return new ZkRequest(BN128, BN128.inputMapping().toUserInput(values), inputs,
        signals.get(BN128.layout().nonce()));
  }

  private static ZkAnswer serve(Backend backend, ZkRequest request) throws Exception {
    return (ZkAnswer) backend.serve(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
