package io.assay.gateway.attestation;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Required fields of collateral JSON, each failure a {@link Check#COLLATERAL_FORMAT} refusal
 * naming the document and the field.
 */
final class JsonFields {

  private final JsonNode node;
  private final String where;

  JsonFields(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new AttestationException(Check.COLLATERAL_FORMAT, where + " is not a JSON object");
    }
    this.node = node;
    this.where = where;
  }

  boolean has(String field) {
    return node.hasNonNull(field);
  }

  JsonNode node(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw bad(field, "is missing");
    }
    return value;
  }

  JsonFields object(String field) {
    return new JsonFields(node(field), where + "." + field);
  }

  String text(String field) {
    JsonNode value = node(field);
    if (!value.isTextual()) {
      throw bad(field, "is not a string");
    }
    return value.asText();
  }

  int integer(String field) {
    JsonNode value = node(field);
    if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
      throw bad(field, "is not a non-negative integer");
    }
    return value.asInt();
  }

  byte[] hex(String field, int length) {
    try {
      byte[] bytes = Hex.parse(text(field));
      if (length >= 0 && bytes.length != length) {
        throw bad(field, "must be " + length + " bytes, not " + bytes.length);
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      throw bad(field, "is not hex");
    }
  }

  Instant instant(String field) {
    try {
      return Instant.parse(text(field));
    } catch (DateTimeParseException e) {
      throw bad(field, "is not an ISO-8601 UTC time");
    }
  }

  TcbStatus status(String field) {
    String label = text(field);
    TcbStatus status = TcbStatus.ofLabel(label);
    if (status == null) {
      throw bad(field, "is an unknown TCB status '" + label + "'");
    }
    return status;
  }

  AttestationException bad(String field, String why) {
    return new AttestationException(Check.COLLATERAL_FORMAT, where + "." + field + " " + why);
  }
}
