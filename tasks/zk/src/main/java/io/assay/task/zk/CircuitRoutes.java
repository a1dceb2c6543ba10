package io.assay.task.zk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.InvalidRequestException;
import io.assay.task.Json;
import io.assay.task.LocalRoute;
import io.assay.task.zk.circuit.Circuit;
import io.assay.task.zk.groth16.Groth16Verifier;
import io.assay.task.zk.groth16.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verified-inference routes a gateway answers itself: the circuits it serves, their
 * verification keys, and verification of a proof a user brings (no Node anywhere).
 *
 * <ul>
 *   <li>{@code GET /v1/circuits}: every served circuit with its id, curve, input description and
 *       an example input;
 *   <li>{@code GET /v1/circuits/{id}}: one, by id or name;
 *   <li>{@code GET /v1/circuits/{id}/verification_key}: snarkjs's {@code verification_key.json},
 *       byte for byte (its SHA-256 is the id);
 *   <li>{@code POST /v1/proofs/verify} {@code {circuit, proof, public_signals}}: {@code
 *       {verified, reason}}, the signals taken as given.
 * </ul>
 */
final class CircuitRoutes {

  private final Map<String, ZkTask> byKey = new LinkedHashMap<>();
  private final List<ZkTask> tasks;
  private final Groth16Verifier verifier;

  CircuitRoutes(List<ZkTask> tasks, Groth16Verifier verifier) {
    this.tasks = List.copyOf(tasks);
    this.verifier = verifier;
    for (ZkTask t : tasks) {
      byKey.put(t.circuit().id(), t);
      byKey.put(t.circuit().name(), t);
    }
  }

  List<LocalRoute> routes() {
    return List.of(
        new LocalRoute("GET", "/v1/circuits", (params, body) -> list()),
        new LocalRoute("GET", "/v1/circuits/:id", (params, body) ->
            json(describe(find(params.get("id")).circuit()))),
        new LocalRoute("GET", "/v1/circuits/:id/verification_key", (params, body) ->
            new LocalRoute.Response(find(params.get("id")).circuit().verificationKeyJson())),
        new LocalRoute("POST", "/v1/proofs/verify", (params, body) -> verify(body)));
  }

  private LocalRoute.Response list() {
    ObjectNode out = Json.MAPPER.createObjectNode().put("object", "list");
    List<ObjectNode> data = new ArrayList<>();
    tasks.forEach(t -> data.add(describe(t.circuit())));
    out.putArray("data").addAll(data);
    return json(out);
  }

  private static ObjectNode describe(Circuit c) {
    ObjectNode node = Json.MAPPER.createObjectNode()
        .put("id", c.id())
        .put("object", "circuit")
        .put("name", c.name())
        .put("curve", c.curve().snarkjsName())
        .put("description", c.description())
        .put("input_description", c.inputDescription());
    node.set("example_input", c.exampleInput());
    node.put("n_public", c.nPublic())
        .put("constraints", c.constraints())
        .put("timeout_ms", c.timeout().toMillis())
        .put("model_commitment", c.modelCommitment());
    ObjectNode layout = node.putObject("public_signals");
    c.layout().outputs().forEach(layout.putArray("outputs")::add);
    layout.put("commitment", c.layout().commitment());
    c.layout().inputs().forEach(layout.putArray("inputs")::add);
    layout.put("nonce", c.layout().nonce());
    return node;
  }

  private LocalRoute.Response verify(byte[] body) {
    JsonNode root = ZkRequestParser.jsonObject(body);
    JsonNode circuit = root.get("circuit");
    if (circuit == null || !circuit.isTextual()) {
      throw new InvalidRequestException("'circuit' (a circuit id or name) is required.",
          "circuit", "missing_required_parameter");
    }
    ZkTask task = byKey.get(circuit.asText());
    if (task == null) {
      throw new InvalidRequestException("There is no circuit '" + circuit.asText()
          + "'; GET /v1/circuits lists them.", "circuit", "model_not_found");
    }
    JsonNode proof = root.get("proof");
    JsonNode signals = root.get("public_signals");
    if (proof == null || !proof.isObject()) {
      throw new InvalidRequestException("'proof' (snarkjs's proof.json) is required.", "proof",
          "missing_required_parameter");
    }
    if (signals == null || !signals.isArray()) {
      throw new InvalidRequestException("'public_signals' (snarkjs's public.json, an array of"
          + " decimal strings) is required.", "public_signals", "missing_required_parameter");
    }
    List<String> values = new ArrayList<>(signals.size());
    for (JsonNode s : signals) {
      values.add(s.isTextual() || s.isNumber() ? s.asText() : s.toString());
    }
    Verdict verdict = verifier.verify(task.key(), proof, values);
    ObjectNode out = Json.MAPPER.createObjectNode()
        .put("verified", verdict.valid())
        .put("circuit", task.circuit().id());
    if (verdict.valid()) {
      out.putNull("reason");
    } else {
      out.put("reason", verdict.reason());
    }
    return json(out);
  }

  private ZkTask find(String key) {
    ZkTask task = byKey.get(key);
    if (task == null) {
      throw new LocalRoute.NotFoundException("There is no circuit '" + key
          + "'; GET /v1/circuits lists them.");
    }
    return task;
  }

  private static LocalRoute.Response json(JsonNode node) {
    return new LocalRoute.Response(node.toString().getBytes(StandardCharsets.UTF_8));
  }
}
