package io.assay.gateway.attestation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * A JSON document with Intel's signature over its exact text (TCB info, QE identity). The text
 * is kept as it came: the signature covers those bytes, not any re-serialisation of them.
 *
 * @param body the signed JSON text
 * @param signature ECDSA P-256, raw r || s
 */
public record SignedJson(String body, byte[] signature) {

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * The signed part of a PCS response, {@code {"<field>":{...},"signature":"<hex>"}}: the
   * object's text exactly as it is in {@code response}, and the signature.
   *
   * @throws AttestationException ({@link Check#COLLATERAL_FORMAT}) when that is not its form
   */
  public static SignedJson fromPcsResponse(String response, String field) {
    String body = null;
    String signature = null;
    try (JsonParser parser = JSON.createParser(response)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw bad("is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals(field) && value == JsonToken.START_OBJECT) {
          int from = (int) parser.currentTokenLocation().getCharOffset();
          parser.skipChildren();
          int to = (int) parser.currentLocation().getCharOffset();
          body = response.substring(from, to);
        } else if (name.equals("signature") && value == JsonToken.VALUE_STRING) {
          signature = parser.getText();
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw bad("is not JSON: " + e.getMessage());
    }
    if (body == null || signature == null) {
      throw bad("lacks the object '" + field + "' or its signature");
    }
    try {
      return new SignedJson(body, Hex.parse(signature));
    } catch (IllegalArgumentException e) {
      throw bad("has a signature that is not hex");
    }
  }

  private static AttestationException bad(String why) {
    return new AttestationException(Check.COLLATERAL_FORMAT, "the PCS response " + why);
  }
}
