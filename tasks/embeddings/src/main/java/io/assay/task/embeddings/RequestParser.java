package io.assay.task.embeddings;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.assay.task.InvalidRequestException;
import io.assay.task.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code POST /v1/embeddings} bodies by OpenAI's rules, in one streaming pass.
 *
 * <p>Accepted: {@code model} (non-blank string), {@code input} (a non-empty string or an array of
 * 1 to {@value #MAX_INPUTS} non-empty strings), {@code encoding_format} ({@code float}, the
 * default, or {@code base64}), {@code dimensions} (positive integer), {@code user} (string).
 * Token-id arrays are refused: miners are sent text, and ids are only meaningful for one
 * tokenizer. Unknown fields are skipped, as OpenAI does. Limits that depend on the model (the
 * context length, the supported {@code dimensions}) are checked by the bound task.
 */
final class RequestParser {

  static final int MAX_INPUTS = 2048;


  private static final String INVALID_TYPE = "invalid_type";
  private static final String INVALID_VALUE = "invalid_value";
  private static final String MISSING = "missing_required_parameter";

  private RequestParser() {}

  static EmbeddingsRequest parse(String path, byte[] body) {
    if (body == null || body.length == 0) {
      throw InvalidRequestException.unparsableBody();
    }
    String model = null;
    List<String> input = null;
    String encodingFormat = EmbeddingsRequest.FLOAT;
    Integer dimensions = null;
    String user = null;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw InvalidRequestException.notAnObject();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "model" -> model = readModel(p, value);
          case "input" -> input = readInput(p, value);
          case "encoding_format" -> encodingFormat = readEncodingFormat(p, value);
          case "dimensions" -> dimensions = readDimensions(p, value);
          case "user" -> user = readUser(p, value);
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw InvalidRequestException.unparsableBody();
      }
    } catch (JsonProcessingException e) {
      throw InvalidRequestException.unparsableBody();
    } catch (IOException e) {
      // Reading a byte array cannot fail with anything but a parse error; be safe anyway.
      throw InvalidRequestException.unparsableBody();
    }
    if (model == null) {
      throw new InvalidRequestException(
          "You must provide a model parameter.", "model", MISSING);
    }
    if (input == null) {
      throw new InvalidRequestException(
          "Missing required parameter: 'input'.", "input", MISSING);
    }
    return new EmbeddingsRequest(path, model, input, encodingFormat, dimensions, user);
  }

  private static String readModel(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      throw new InvalidRequestException(
          "'model' must be a string naming the model, such as \"" + MiniLmEngine.MODEL_ID + "\".",
          "model", INVALID_TYPE);
    }
    String model = p.getText();
    if (model.isBlank()) {
      throw new InvalidRequestException(
          "'model' must not be empty.", "model", INVALID_VALUE);
    }
    return model;
  }

  private static List<String> readInput(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      String text = p.getText();
      if (text.isEmpty()) {
        throw new InvalidRequestException(
            "'input' must not be an empty string.", "input", INVALID_VALUE);
      }
      return List.of(text);
    }
    if (value != JsonToken.START_ARRAY) {
      throw new InvalidRequestException("'input' must be a string or an array of strings.",
          "input", INVALID_TYPE);
    }
    List<String> texts = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      int i = texts.size();
      if (i == MAX_INPUTS) {
        throw new InvalidRequestException("'input' may hold at most " + MAX_INPUTS
            + " items; send the rest in another request.", "input", INVALID_VALUE);
      }
      if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.START_ARRAY) {
        throw new InvalidRequestException("'input' holds token ids; this API embeds text only."
            + " Send the texts themselves as strings.", "input", INVALID_TYPE);
      }
      if (t != JsonToken.VALUE_STRING) {
        throw new InvalidRequestException(
            "'input[" + i + "]' must be a string.", "input", INVALID_TYPE);
      }
      String text = p.getText();
      if (text.isEmpty()) {
        throw new InvalidRequestException(
            "'input[" + i + "]' must not be an empty string.", "input", INVALID_VALUE);
      }
      texts.add(text);
    }
    if (texts.isEmpty()) {
      throw new InvalidRequestException(
          "'input' must not be an empty array.", "input", INVALID_VALUE);
    }
    return texts;
  }

  private static String readEncodingFormat(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return EmbeddingsRequest.FLOAT;
    }
    if (value == JsonToken.VALUE_STRING) {
      String format = p.getText();
      if (EmbeddingsRequest.FLOAT.equals(format) || EmbeddingsRequest.BASE64.equals(format)) {
        return format;
      }
    }
    throw new InvalidRequestException("'encoding_format' must be \"float\" or \"base64\".",
        "encoding_format", value == JsonToken.VALUE_STRING ? INVALID_VALUE : INVALID_TYPE);
  }

  private static Integer readDimensions(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value != JsonToken.VALUE_NUMBER_INT) {
      throw new InvalidRequestException(
          "'dimensions' must be an integer.", "dimensions", INVALID_TYPE);
    }
    if (p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 1) {
      throw new InvalidRequestException(
          "'dimensions' must be a positive integer.", "dimensions", INVALID_VALUE);
    }
    return p.getIntValue();
  }

  private static String readUser(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value != JsonToken.VALUE_STRING) {
      throw new InvalidRequestException("'user' must be a string.", "user", INVALID_TYPE);
    }
    return p.getText();
  }
}
