package io.assay.task.zk.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.Json;
import io.assay.task.zk.groth16.Curve;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitsTest {

  private final Circuits circuits = Circuits.builtIn();

  @Test
  void builtIn_listsTheTimeseriesCircuitOnBothCurves() {
    assertThat(circuits.all()).extracting(Circuit::name)
        .containsExactly("timeseries-mlp-bn128", "timeseries-mlp-bls12381");
    assertThat(circuits.byName("timeseries-mlp-bn128").orElseThrow().curve()).isEqualTo(Curve.BN128);
    assertThat(circuits.byName("timeseries-mlp-bls12381").orElseThrow().curve())
        .isEqualTo(Curve.BLS12_381);
    assertThat(circuits.byName("nope")).isEmpty();
  }

  @Test
  void id_isTheSha256OfTheVerificationKeyBytes() throws Exception {
    for (Circuit c : circuits.all()) {
      byte[] vk = Circuits.read(getClass().getClassLoader(), c.verificationKeyResource());
      String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(vk));
      assertThat(c.id()).isEqualTo(hex).hasSize(64);
      assertThat(c.verificationKeyJson()).isEqualTo(vk);
      assertThat(circuits.byId(hex)).contains(c);
    }
  }

  @Test
  void metadata_matchesTheVerificationKeyAndLayout() throws Exception {
    for (Circuit c : circuits.all()) {
      JsonNode vk = Json.MAPPER.readTree(c.verificationKeyJson());
      assertThat(vk.path("protocol").asText()).isEqualTo("groth16");
      assertThat(vk.path("curve").asText()).isEqualTo(c.curve().snarkjsName());
      assertThat(vk.path("nPublic").asInt()).isEqualTo(c.nPublic()).isEqualTo(8);
      assertThat(c.layout()).isEqualTo(new SignalLayout(List.of(0), 1, List.of(2, 3, 4, 5, 6), 7));
      assertThat(c.constraints()).isEqualTo(2967);
      assertThat(c.workUnits()).isEqualTo(3);
      assertThat(c.timeout()).isGreaterThan(Duration.ZERO);
      assertThat(c.inputDescription()).isNotBlank();
      assertThat(c.exampleInput().path("series")).hasSize(5);
      assertThat(c.curve().inField(c.modelCommitmentValue())).isTrue();
      assertThat(getClass().getClassLoader().getResource(c.wasmResource())).isNotNull();
      assertThat(getClass().getClassLoader().getResource(c.zkeyResource())).isNotNull();
    }
  }

  @Test
  void privateInputs_areTheModelWeightsAsFieldElements() {
    Circuit c = circuits.byName("timeseries-mlp-bn128").orElseThrow();
    JsonNode w = c.privateInputs();
    assertThat(w.path("w1")).hasSize(8);
    assertThat(w.path("w1").get(0)).hasSize(5);
    assertThat(w.path("b1")).hasSize(8);
    assertThat(w.path("w2")).hasSize(8);
    assertThat(w.path("w2").get(1).asText())
        .isEqualTo(Curve.BN128.scalarField().subtract(BigInteger.valueOf(179)).toString());
    assertThat(w.path("b2").asText()).isEqualTo("0");
  }
}
