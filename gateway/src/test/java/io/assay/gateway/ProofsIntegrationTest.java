package io.assay.gateway;

import static io.assay.gateway.GatewayHttp.json;
import static io.assay.gateway.GatewayHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.gateway.devnet.Devnet;
import io.assay.task.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verified inference end to end through a devnet: miners prove with snarkjs in their Node
 * worker, the gateway verifies in Java and answers {@code POST /v1/proofs}; the circuits, their
 * keys and proof verification are served by the gateway itself.
 */
class ProofsIntegrationTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Devnet devnet;

  @BeforeAll
  static void start() {
    devnet = TestDevnets.shared();
  }

  @ParameterizedTest
  @ValueSource(strings = {"timeseries-mlp-bn128", "timeseries-mlp-bls12381"})
  void proofsAreMadeByMiners_verifiedByTheGateway_andBySnarkjs(String circuit,
      @TempDir Path dir) throws Exception {
    JsonNode description = json(get("/circuits/" + circuit));
    String id = description.path("id").asText();
    ObjectNode request = Json.MAPPER.createObjectNode().put("circuit", id);
    request.set("input", description.path("example_input"));

    HttpResponse<String> response = post(devnet, "/proofs", request.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode proof = json(response);
    assertThat(proof.path("verified").asBoolean()).isTrue();
    assertThat(proof.path("circuit").asText()).isEqualTo(id);
    assertThat(proof.path("miner").asText()).startsWith("miner-");
    assertThat(proof.path("output")).hasSize(1);
    assertThat(proof.path("output").get(0).isNumber()).isTrue();
    assertThat(proof.path("timings").path("prove_ms").asLong()).isPositive();
    JsonNode signals = proof.path("public_signals");
    int nonceAt = description.path("public_signals").path("nonce").asInt();
    assertThat(signals.get(nonceAt).asText()).isEqualTo(proof.path("nonce").asText());
    assertThat(signals.get(description.path("public_signals").path("commitment").asInt())
        .asText()).isEqualTo(description.path("model_commitment").asText());

    // The user can check the answer with the gateway and, independently, with snarkjs.
    ObjectNode verify = Json.MAPPER.createObjectNode().put("circuit", id);
    verify.set("proof", proof.path("proof"));
    verify.set("public_signals", signals);
    JsonNode verdict = json(post(devnet, "/proofs/verify", verify.toString()));
    assertThat(verdict.path("verified").asBoolean()).isTrue();

    byte[] key = getBytes("/circuits/" + id + "/verification_key");
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key)))
        .isEqualTo(id);
    assertThat(snarkjsVerifies(dir, key, proof.path("proof"), signals)).isTrue();

    // Another nonce in the signals: the same proof no longer verifies, with a reason.
    ((ArrayNode) verify.path("public_signals")).set(nonceAt,
        Json.MAPPER.getNodeFactory().textNode("12345"));
    JsonNode tampered = json(post(devnet, "/proofs/verify", verify.toString()));
    assertThat(tampered.path("verified").asBoolean()).isFalse();
    assertThat(tampered.path("reason").asText()).isNotBlank();
    assertThat(snarkjsVerifies(dir, key, proof.path("proof"), verify.path("public_signals")))
        .isFalse();
  }

  @Test
  void circuitsAreListedWithIdsCurvesAndExampleInputs() {
    JsonNode list = json(get("/circuits"));
    assertThat(list.path("object").asText()).isEqualTo("list");
    assertThat(list.path("data")).hasSize(2);
    for (JsonNode c : list.path("data")) {
      assertThat(c.path("id").asText()).hasSize(64);
      assertThat(c.path("curve").asText()).isIn("bn128", "bls12381");
      assertThat(c.path("example_input").isObject()).isTrue();
      assertThat(c.path("input_description").asText()).isNotBlank();
    }
    assertThat(get("/circuits/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void badRequests_get400InOpenAisErrorShape() {
    assertBadRequest("{\"input\":{\"series\":[1,2,3,4,5]}}", "circuit");
    assertBadRequest("{\"circuit\":\"timeseries-mlp-bn128\",\"input\":{\"series\":[1,2]}}",
        "input.series");
    assertBadRequest("{\"circuit\":\"timeseries-mlp-bn128\","
        + "\"input\":{\"series\":[1,2,3,4,100000]}}", "input.series");
    assertBadRequest("{\"circuit\":\"timeseries-mlp-bn128\"}", "input");
  }

  private static void assertBadRequest(String body, String param) {
    HttpResponse<String> response = post(devnet, "/proofs", body);
    assertThat(response.statusCode()).as(body).isEqualTo(400);
    JsonNode error = json(response).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("param").asText()).startsWith(param);
  }

  private static HttpResponse<String> get(String path) {
    try {
      return HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] getBytes(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = HTTP.send(request(path),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create(devnet.info().baseUrl() + path))
        .header("Authorization", "Bearer " + devnet.info().apiKey()).build();
  }

  /** {@code snarkjs groth16 verify}, as a user without Java would check the answer. */
  private static boolean snarkjsVerifies(Path dir, byte[] key, JsonNode proof, JsonNode signals)
      throws Exception {
    Path vk = Files.write(dir.resolve("verification_key.json"), key);
    Path p = Files.writeString(dir.resolve("proof.json"), proof.toString());
    Path s = Files.writeString(dir.resolve("public.json"), signals.toString());
    Process process = new ProcessBuilder("node", snarkjs().toString(), "groth16", "verify",
        vk.toString(), s.toString(), p.toString()).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return process.exitValue() == 0 && out.contains("OK");
  }

  private static Path snarkjs() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path cli = dir.resolve("tasks/zk/node/node_modules/snarkjs/build/cli.cjs");
      if (Files.exists(cli)) {
        return cli;
      }
    }
    throw new IllegalStateException("snarkjs is not installed under tasks/zk/node");
  }
}
