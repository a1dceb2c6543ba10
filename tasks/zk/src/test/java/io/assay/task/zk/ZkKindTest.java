package io.assay.task.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Checker;
import io.assay.task.Checker.CheckItem;
import io.assay.task.Checker.CheckResult;
import io.assay.task.Delivery;
import io.assay.task.InvalidAnswerException;
import io.assay.task.InvalidRequestException;
import io.assay.task.Json;
import io.assay.task.LocalRoute;
import io.assay.task.Task;
import io.assay.task.TaskKinds;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.zk.circuit.Circuit;
import io.assay.task.zk.circuit.Circuits;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The zk-proof kind through the task contract, on the committed snarkjs proofs: parsing, the
 * binding of answers to the request's inputs and nonce, checking, and the local routes.
 */
class ZkKindTest {

  private static final ZkKind KIND = new ZkKind();
  private static final Circuits CIRCUITS = Circuits.builtIn();

  @Test
  void isRegistered_andServesTheShippedCircuits() {
    assertThat(TaskKinds.discover().byName(ZkKind.NAME)).isPresent();
    assertThat(KIND.referenceModels())
        .containsExactlyInAnyOrder("timeseries-mlp-bn128", "timeseries-mlp-bls12381");
    assertThat(KIND.paths()).containsExactly("/v1/proofs");
  }

  @ParameterizedTest
  @ValueSource(strings = {"timeseries-mlp-bn128", "timeseries-mlp-bls12381"})
  void aProofForTheRequest_isAccepted_andRenderedWithItsOutput(String name) throws IOException {
    Fixture f = fixture(name, 1);
    ZkAnswer answer = f.task.readAnswer(f.request, f.minerBody());
    assertThat(f.task.units(f.request, answer)).isEqualTo(f.circuit.workUnits());

    JsonNode body = Json.MAPPER.readTree(f.task.publicResponse(f.request, answer,
        new Delivery(io.assay.task.FilePublisher.NONE, List.of("miner-7"), 812))
        .toCompletableFuture().join());
    assertThat(body.path("verified").asBoolean()).isTrue();
    assertThat(body.path("circuit").asText()).isEqualTo(f.circuit.id());
    assertThat(body.path("miner").asText()).isEqualTo("miner-7");
    assertThat(body.path("timings").path("total_ms").asLong()).isEqualTo(812);
    assertThat(body.path("output")).hasSize(1);
    assertThat(body.path("output").get(0).decimalValue())
        .isEqualByComparingTo(f.circuit.inputMapping().decode(f.signals.get(0)));
    assertThat(body.path("public_signals")).hasSize(f.circuit.nPublic());
    assertThat(body.path("id").asText()).startsWith("proof-");
  }

  @Test
  void aProofForAnotherNonce_orOtherInputs_isRejectedWithAReason() {
    Fixture f = fixture("timeseries-mlp-bn128", 1);
    ZkRequest otherNonce = f.request.withNonce(f.request.nonce().add(BigInteger.ONE));
    assertThatThrownBy(() -> f.task.readAnswer(otherNonce, f.minerBody()))
        .isInstanceOf(InvalidAnswerException.class).hasMessageContaining("does not verify");

    Fixture g = fixture("timeseries-mlp-bn128", 2);
    // Proof 2 answers other inputs: presented for request 1 it fails, even though its own
    // public signals are consistent.
    assertThatThrownBy(() -> f.task.readAnswer(f.request, g.minerBody()))
        .isInstanceOf(InvalidAnswerException.class);
  }

  @Test
  void aProofFromTheOtherCurvesCircuit_isRejected() {
    Fixture bn = fixture("timeseries-mlp-bn128", 1);
    Fixture bls = fixture("timeseries-mlp-bls12381", 1);
    assertThatThrownBy(() -> bn.task.readAnswer(bn.request, bls.minerBody()))
        .isInstanceOf(InvalidAnswerException.class);
  }

  @Test
  void malformedAnswers_areInvalid() {
    Fixture f = fixture("timeseries-mlp-bn128", 1);
    for (String body : List.of("not json", "{}", "{\"proof\":{},\"public_signals\":[1,2]}",
        "{\"proof\":{},\"public_signals\":[\"x\"]}")) {
      assertThatThrownBy(() -> f.task.readAnswer(f.request, body.getBytes(StandardCharsets.UTF_8)))
          .as(body).isInstanceOf(InvalidAnswerException.class);
    }
  }

  @Test
  void checker_acceptsValidProofs_andNamesTheBadOnesOfABatch() {
    Fixture a = fixture("timeseries-mlp-bn128", 1);
    Fixture b = fixture("timeseries-mlp-bn128", 2);
    Fixture c = fixture("timeseries-mlp-bn128", 3);
    ZkAnswer answerA = a.task.readAnswer(a.request, a.minerBody());
    ZkAnswer answerB = b.task.readAnswer(b.request, b.minerBody());
    ZkAnswer answerC = c.task.readAnswer(c.request, c.minerBody());
    try (Checker checker = KIND.referenceChecker(a.task.spec()).orElseThrow()) {
      List<CheckResult> results = checker.check(List.of(
          new CheckItem(a.request, answerA),
          new CheckItem(b.request, answerC), // C's proof for B's request: other inputs
          new CheckItem(c.request, answerC),
          new CheckItem(b.request.withNonce(BigInteger.TEN), answerB)));
      assertThat(results).extracting(CheckResult::quality).containsExactly(1.0, 0.0, 1.0, 0.0);
      assertThat(results.get(1).reason()).contains("pairing");
    }
  }

  @Test
  void requests_areParsedByNameOrId_andBadOnesNameTheParameter() {
    Circuit circuit = CIRCUITS.byName("timeseries-mlp-bn128").orElseThrow();
    String input = "{\"series\":[1.5,2,2.5,3,3.25]}";
    ZkRequest byName = parse("{\"circuit\":\"timeseries-mlp-bn128\",\"input\":" + input + "}");
    ZkRequest byId = parse("{\"circuit\":\"" + circuit.id() + "\",\"input\":" + input + "}");
    assertThat(byName.model()).isEqualTo("timeseries-mlp-bn128");
    assertThat(byId.inputSignals()).isEqualTo(byName.inputSignals());
    assertThat(byName.nonce()).isNull();

    assertRejected("{\"input\":" + input + "}", "circuit");
    assertRejected("{\"circuit\":\"nope\",\"input\":" + input + "}", "circuit");
    assertRejected("{\"circuit\":\"timeseries-mlp-bn128\"}", "input");
    assertRejected("{\"circuit\":\"timeseries-mlp-bn128\",\"input\":{\"series\":[1,2]}}",
        "input.series");
    assertRejected("{\"circuit\":\"timeseries-mlp-bn128\",\"input\":{\"series\":"
        + "[1,2,3,4,1e400]}}", "input.series[4]");
    assertRejected("{\"circuit\":\"timeseries-mlp-bn128\",\"input\":{\"series\":"
        + "[1,2,3,4,-1e400]}}", "input.series[4]");
    assertRejected("{\"circuit\":\"timeseries-mlp-bn128\",\"input\":" + input
        + ",\"nonce\":\"-4\"}", "nonce");
    assertRejected("[1]", null);
  }

  @Test
  void split_givesEveryRequestAFreshNonce_thatTheMinerBodyCarries() throws IOException {
    Task task = KIND.bind(spec("timeseries-mlp-bls12381"));
    TaskRequest request = parse("{\"circuit\":\"timeseries-mlp-bls12381\","
        + "\"input\":{\"series\":[1,2,3,4,5]},\"nonce\":\"5\"}");
    ZkRequest first = (ZkRequest) task.split(request).get(0);
    ZkRequest second = (ZkRequest) task.split(request).get(0);
    assertThat(first.nonce()).isNotEqualTo(BigInteger.valueOf(5)).isNotEqualTo(second.nonce());
    JsonNode body = Json.MAPPER.readTree(task.minerRequestBody(first));
    assertThat(body.path("nonce").asText()).isEqualTo(first.nonce().toString());
    ZkRequest atMiner = (ZkRequest) KIND.parseRequest("/v1/proofs",
        task.minerRequestBody(first));
    assertThat(atMiner.nonce()).isEqualTo(first.nonce());
    assertThat(atMiner.inputSignals()).isEqualTo(first.inputSignals());
  }

  @Test
  void syntheticRequests_areValid_andGetSecureNoncesWhenSplitLikeAUsers() {
    Task task = KIND.bind(spec("timeseries-mlp-bn128"));
    SplittableRandom random = new SplittableRandom(3);
    List<BigInteger> nonces = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ZkRequest generated = (ZkRequest) task.syntheticGenerator().next(random);
      assertThat(generated.nonce()).isNull();
      ZkRequest r = (ZkRequest) task.split(generated).get(0);
      nonces.add(r.nonce());
      assertThat(task.estimateUnits(r)).isEqualTo(r.circuit().workUnits());
      ZkRequest atMiner = (ZkRequest) KIND.parseRequest("/v1/proofs", task.minerRequestBody(r));
      assertThat(atMiner.inputSignals()).isEqualTo(r.inputSignals());
      assertThat(atMiner.nonce()).isEqualTo(r.nonce());
    }
    assertThat(nonces).doesNotContainNull().doesNotHaveDuplicates();
    assertThat(task.responseTimeout()).isPresent();
  }

  @Test
  void localRoutes_listCircuits_serveKeys_andVerifyUserProofs() throws IOException {
    List<Task> tasks = List.of(KIND.bind(spec("timeseries-mlp-bn128")),
        KIND.bind(spec("timeseries-mlp-bls12381")));
    Map<String, LocalRoute> routes = new java.util.HashMap<>();
    KIND.localRoutes(tasks).forEach(r -> routes.put(r.method() + " " + r.path(), r));

    JsonNode list = call(routes.get("GET /v1/circuits"), Map.of(), "");
    assertThat(list.path("data")).hasSize(2);
    JsonNode first = list.path("data").get(0);
    assertThat(first.path("id").asText()).hasSize(64);
    assertThat(first.path("curve").asText()).isEqualTo("bn128");
    assertThat(first.path("example_input").path("series")).hasSize(5);
    assertThat(first.path("input_description").asText()).isNotBlank();

    Circuit bn = CIRCUITS.byName("timeseries-mlp-bn128").orElseThrow();
    byte[] key = routes.get("GET /v1/circuits/:id/verification_key").handler()
        .handle(Map.of("id", bn.id()), new byte[0]).json();
    assertThat(key).isEqualTo(bn.verificationKeyJson());
    assertThatThrownBy(() -> routes.get("GET /v1/circuits/:id").handler()
        .handle(Map.of("id", "unknown"), new byte[0]))
        .isInstanceOf(LocalRoute.NotFoundException.class);

    Fixture f = fixture("timeseries-mlp-bn128", 1);
    ObjectNode verify = Json.MAPPER.createObjectNode().put("circuit", bn.id());
    verify.set("proof", f.proof);
    f.signals.forEach(s -> verify.withArray("public_signals").add(s.toString()));
    LocalRoute route = routes.get("POST /v1/proofs/verify");
    JsonNode ok = call(route, Map.of(), verify.toString());
    assertThat(ok.path("verified").asBoolean()).isTrue();
    assertThat(ok.path("reason").isNull()).isTrue();

    verify.withArray("public_signals").set(2, Json.MAPPER.getNodeFactory().textNode("3201"));
    JsonNode bad = call(route, Map.of(), verify.toString());
    assertThat(bad.path("verified").asBoolean()).isFalse();
    assertThat(bad.path("reason").asText()).isNotBlank();
    assertThatThrownBy(() -> call(route, Map.of(), "{\"circuit\":\"" + bn.id() + "\"}"))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("proof");
  }

  // --- fixtures ---

  /** A committed snarkjs proof, and the request it answers. */
  private record Fixture(Circuit circuit, ZkTask task, ZkRequest request, JsonNode proof,
      List<BigInteger> signals) {

    byte[] minerBody() {
      return new ZkAnswer(proof, signals.stream().map(BigInteger::toString).toList(), 300)
          .toMinerBody();
    }
  }

  private static Fixture fixture(String name, int i) {
    Circuit circuit = CIRCUITS.byName(name).orElseThrow();
    JsonNode proof = resource("fixtures/" + name + "/proof-" + i + ".json");
    List<BigInteger> signals = new ArrayList<>();
    resource("fixtures/" + name + "/public-" + i + ".json")
        .forEach(s -> signals.add(new BigInteger(s.asText())));
    List<BigInteger> inputs = circuit.layout().inputs().stream().map(signals::get).toList();
    BigInteger nonce = signals.get(circuit.layout().nonce());
    List<java.math.BigDecimal> values = inputs.stream()
        .map(s -> circuit.inputMapping().decode(s)).toList();
    ZkRequest request = new ZkRequest(circuit, circuit.inputMapping().toUserInput(values),
        inputs, nonce);
    return new Fixture(circuit, (ZkTask) KIND.bind(spec(name)), request, proof, signals);
  }

  private static JsonNode resource(String path) {
    try (InputStream in = ZkKindTest.class.getResourceAsStream("/io/assay/task/zk/" + path)) {
      return Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static TaskSpec spec(String circuit) {
    return new TaskSpec(ZkKind.NAME, circuit, 1000, 3);
  }

  private static ZkRequest parse(String body) {
    return (ZkRequest) KIND.parseRequest("/v1/proofs", body.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertRejected(String body, String param) {
    assertThatThrownBy(() -> parse(body)).as(body)
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
          if (param != null) {
            assertThat(e.param()).startsWith(param);
          }
          assertThat(e.getMessage()).isNotBlank();
        });
  }

  private static JsonNode call(LocalRoute route, Map<String, String> params, String body)
      throws IOException {
    return Json.MAPPER.readTree(route.handler().handle(params,
        body.getBytes(StandardCharsets.UTF_8)).json());
  }
}
