package io.assay.checking;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One answer to check, as the gateway queued it on {@link CheckingStreams#QUEUE}.
 *
 * @param id the stream entry id, acknowledged when done
 * @param fields the entry as stored, copied to the dead letters if it is given up
 * @param task {@code kind/model}
 */
record QueueEntry(String id, Map<String, String> fields, String answerId, String miner,
    String task, String path, byte[] request, byte[] answer) {

  /** An entry that lacks a field the checker needs; it can only be given up. */
  static final class MalformedEntryException extends Exception {
    MalformedEntryException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Reads a stream entry.
   *
   * @param body null or empty when the entry was trimmed from the stream while pending
   */
  static QueueEntry read(String id, Map<String, String> body) throws MalformedEntryException {
    if (body == null || body.isEmpty()) {
      throw new MalformedEntryException("the entry is gone from the queue (trimmed while pending)");
    }
    return new QueueEntry(id, Map.copyOf(body), field(body, CheckingStreams.FIELD_ANSWER_ID),
        field(body, CheckingStreams.FIELD_MINER), field(body, CheckingStreams.FIELD_TASK),
        field(body, CheckingStreams.FIELD_PATH), request(body),
        bytes(body, CheckingStreams.FIELD_ANSWER));
  }

  /** The request body: as text, or from base64 for a body that is not text. */
  private static byte[] request(Map<String, String> body) throws MalformedEntryException {
    if (!body.containsKey(CheckingStreams.FIELD_REQUEST_BASE64)) {
      return bytes(body, CheckingStreams.FIELD_REQUEST);
    }
    try {
      return java.util.Base64.getDecoder().decode(
          field(body, CheckingStreams.FIELD_REQUEST_BASE64));
    } catch (IllegalArgumentException e) {
      throw new MalformedEntryException("field '" + CheckingStreams.FIELD_REQUEST_BASE64
          + "' is not base64");
    }
  }

  private static String field(Map<String, String> body, String name)
      throws MalformedEntryException {
    String value = body.get(name);
    if (value == null || value.isEmpty()) {
      throw new MalformedEntryException("field '" + name + "' is missing");
    }
    return value;
  }

  private static byte[] bytes(Map<String, String> body, String name)
      throws MalformedEntryException {
    return field(body, name).getBytes(StandardCharsets.UTF_8);
  }
}
