package io.assay.task.zk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Json;
import io.assay.task.TaskAnswer;
import java.util.List;

/**
 * A miner's proved answer: the proof and public signals exactly as snarkjs wrote them, and how
 * long proving took by the miner's account.
 *
 * @param proof snarkjs's {@code proof.json}
 * @param publicSignals snarkjs's {@code public.json}: decimal field elements
 * @param proveMillis the miner's proving time (informational; scoring times the whole answer)
 */
public record ZkAnswer(JsonNode proof, List<String> publicSignals, long proveMillis)
    implements TaskAnswer {

  public ZkAnswer {
    proof = proof.deepCopy();
    publicSignals = List.copyOf(publicSignals);
  }

  @Override
  public JsonNode proof() {
    return proof.deepCopy();
  }

  /** {@code {"proof":{...},"public_signals":[...],"prove_ms":n}}. */
  @Override
  public byte[] toMinerBody() {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("proof", proof);
    publicSignals.forEach(body.putArray("public_signals")::add);
    body.put("prove_ms", proveMillis);
    return body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
