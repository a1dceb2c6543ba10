package io.assay.task.zk.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.InvalidRequestException;
import io.assay.task.Json;
import io.assay.task.zk.groth16.Curve;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InputMappingTest {

  private static final Circuits CIRCUITS = Circuits.builtIn();
  private final Circuit bn = CIRCUITS.byName("timeseries-mlp-bn128").orElseThrow();
  private final Circuit bls = CIRCUITS.byName("timeseries-mlp-bls12381").orElseThrow();

  private static JsonNode json(String s) throws Exception {
    return Json.MAPPER.readTree(s);
  }

  private static InvalidRequestException invalid(Circuit c, String input) {
    try {
      c.inputMapping().toSignals(json(input));
    } catch (InvalidRequestException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("accepted " + input);
  }

  @Test
  void toSignals_encodesFixedPointAndNegativesAsFieldElements() throws Exception {
    List<BigInteger> s = bn.inputMapping().toSignals(json("{\"series\":[12.5, -1.5, 0, 1000, -1000]}"));
    BigInteger r = Curve.BN128.scalarField();
    assertThat(s).containsExactly(BigInteger.valueOf(3200), r.subtract(BigInteger.valueOf(384)),
        BigInteger.ZERO, BigInteger.valueOf(256000), r.subtract(BigInteger.valueOf(256000)));
    assertThat(bls.inputMapping().toSignals(json("{\"series\":[-1, 0, 0, 0, 0]}")).get(0))
        .isEqualTo(Curve.BLS12_381.scalarField().subtract(BigInteger.valueOf(256)));
  }

  @Test
  void toSignals_matchesTheFixturesPublicInputs() throws Exception {
    // fixture 2 was made from [-3.25, -1.5, 0.0, 2.75, 1.125]
    String pub = new String(getClass().getResourceAsStream(
        "/io/assay/task/zk/fixtures/timeseries-mlp-bn128/public-2.json").readAllBytes());
    List<BigInteger> signals = new ArrayList<>();
    json(pub).forEach(n -> signals.add(new BigInteger(n.asText())));
    assertThat(bn.inputMapping().toSignals(json("{\"series\":[-3.25, -1.5, 0.0, 2.75, 1.125]}")))
        .containsExactlyElementsOf(signals.subList(2, 7));
    assertThat(bn.inputMapping().decodeOutputs(signals)).containsExactly(new BigDecimal("0.1953125"));
  }

  @Test
  void decode_isTheInverseOfEncodeOnTheGrid() {
    InputMapping m = bls.inputMapping();
    for (String v : List.of("0", "1", "-1", "15.15234375", "-999.99609375", "0.00390625")) {
      BigDecimal d = new BigDecimal(v);
      assertThat(m.decode(m.encode(d))).isEqualByComparingTo(d);
    }
  }

  @Test
  void invalidInputs_giveClearMessagesNamingTheParameter() {
    assertThat(invalid(bn, "[1,2,3,4,5]")).hasMessageContaining("'input' must be a JSON object")
        .extracting(InvalidRequestException::param).isEqualTo("input");
    assertThat(invalid(bn, "{\"values\":[1,2,3,4,5]}"))
        .hasMessageContaining("'input.series' must be an array of 5 numbers")
        .extracting(InvalidRequestException::param).isEqualTo("input.series");
    assertThat(invalid(bn, "{\"series\":[1,2,3]}"))
        .hasMessageContaining("exactly 5 numbers; it has 3")
        .extracting(InvalidRequestException::code).isEqualTo("invalid_value");
    assertThat(invalid(bn, "{\"series\":[1,2,\"3\",4,5]}"))
        .hasMessageContaining("'input.series[2]' must be a number")
        .extracting(InvalidRequestException::param).isEqualTo("input.series[2]");
    assertThat(invalid(bn, "{\"series\":[1,2,3,4,1000.5]}"))
        .hasMessageContaining("'input.series[4]' is 1000.5; values must lie in [-1000, 1000]");
    assertThat(invalid(bn, "{\"series\":[1,2,3,4,null]}")).hasMessageContaining("must be a number");
  }

  @Test
  void proverInput_addsNonceAndPrivateWeights() {
    List<BigInteger> s = List.of(BigInteger.ONE, BigInteger.TWO, BigInteger.ONE, BigInteger.ONE,
        BigInteger.ONE);
    JsonNode in = bn.inputMapping().proverInput(s, BigInteger.valueOf(42));
    assertThat(in.path("series").get(1).asText()).isEqualTo("2");
    assertThat(in.path("nonce").asText()).isEqualTo("42");
    assertThat(in.has("w1") && in.has("b1") && in.has("w2") && in.has("b2")).isTrue();
    assertThatThrownBy(() -> bn.inputMapping().proverInput(s, Curve.BN128.scalarField()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nonce");
    assertThatThrownBy(() -> bn.inputMapping().proverInput(s.subList(0, 4), BigInteger.ONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes 5 inputs");
  }

  @Test
  void expectedPublicSignals_overwritesCommitmentInputsAndNonce() {
    List<BigInteger> miner = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      miner.add(BigInteger.valueOf(100 + i));
    }
    List<BigInteger> inputs = List.of(BigInteger.valueOf(1), BigInteger.valueOf(2),
        BigInteger.valueOf(3), BigInteger.valueOf(4), BigInteger.valueOf(5));
    List<BigInteger> expected = bn.inputMapping().expectedPublicSignals(miner, inputs, BigInteger.TEN);
    assertThat(expected).containsExactly(BigInteger.valueOf(100), bn.modelCommitmentValue(),
        BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(3), BigInteger.valueOf(4),
        BigInteger.valueOf(5), BigInteger.TEN);
  }

  @Test
  void syntheticInputs_areVariedValidAndDeterministic() {
    SyntheticInputs gen = new SyntheticInputs(bn);
    SplittableRandom random = new SplittableRandom(7);
    List<JsonNode> made = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      JsonNode input = gen.next(random);
      assertThat(bn.inputMapping().toSignals(input)).hasSize(5);
      made.add(input);
    }
    assertThat(made.stream().distinct().count()).isGreaterThan(490);
    assertThat(gen.next(new SplittableRandom(3))).isEqualTo(gen.next(new SplittableRandom(3)));
  }
}
