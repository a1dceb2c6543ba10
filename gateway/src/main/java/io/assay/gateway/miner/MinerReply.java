package io.assay.gateway.miner;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.Json;
import io.vertx.core.MultiMap;
import java.io.IOException;

/**
 * A miner's answer whose receipt checked out (or a protocol rejection, which carries none).
 *
 * @param status HTTP status
 * @param headers response headers
 * @param body response body
 * @param receipt the verified receipt, null for protocol rejections
 * @param signedAt the request's signed timestamp, epoch millis, whose scoring period the
 *     receipt belongs to (the miner's receipt root of that period covers it); 0 without a
 *     receipt
 */
public record MinerReply(int status, MultiMap headers, byte[] body, String receipt,
    long signedAt) {

  public String header(String name) {
    return headers.get(name);
  }

  MinerReply withReceipt(String verified, long signedAt) {
    return new MinerReply(status, headers, body, verified, signedAt);
  }

  /** {@code error.code} of a JSON error body, or null. */
  public String errorCode() {
    return MinerClient.errorCode(body);
  }

  /** {@code error.message} of a JSON error body, or the raw body. */
  public String errorText() {
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      JsonNode message = node.path("error").path("message");
      if (message.isTextual()) {
        return message.asText();
      }
    } catch (IOException e) {
      // not JSON: fall through
    }
    String raw = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    return raw.length() > 200 ? raw.substring(0, 200) + "..." : raw;
  }
}
