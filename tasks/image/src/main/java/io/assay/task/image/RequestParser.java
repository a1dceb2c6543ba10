package io.assay.task.image;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.assay.task.InvalidRequestException;
import io.assay.task.Json;
import java.io.IOException;

/**
 * Parses {@code POST /v1/images/generations} bodies by OpenAI's rules, in one streaming pass.
 *
 * <p>Accepted: {@code prompt} (required non-blank string of at most {@value #MAX_PROMPT_CHARS}
 * characters), {@code model} (string; absent means {@value ReferenceImageEngine#MODEL_ID}), {@code
 * n} (integer 1 to {@value #MAX_N}), {@code size} ({@code "WxH"}; {@code "auto"} or absent means
 * the model's default), {@code response_format} ({@code b64_json}, the default, or {@code url}),
 * {@code user} (string), and the diffusion extensions {@code negative_prompt} (string), {@code
 * steps} (positive integer), {@code seed} (64-bit integer) and {@code guidance_scale} (number from
 * 0 to {@value #MAX_GUIDANCE}). Every field may also be null, meaning absent. Fields that do not
 * change the picture here ({@code quality}, {@code style}, ...) and unknown fields are skipped.
 * Limits that depend on the model (sizes, step range) are checked by the bound task.
 */
final class RequestParser {

  static final int MAX_N = 10;
  static final int MAX_PROMPT_CHARS = 1000;
  static final double MAX_GUIDANCE = 30;


  static final String INVALID_TYPE = "invalid_type";
  static final String INVALID_VALUE = "invalid_value";
  static final String MISSING = "missing_required_parameter";

  private RequestParser() {}

  static ImageRequest parse(String path, byte[] body) {
    if (body == null || body.length == 0) {
      throw InvalidRequestException.unparsableBody();
    }
    String model = ReferenceImageEngine.MODEL_ID;
    String prompt = null;
    String negativePrompt = null;
    int n = 1;
    ImageSize size = null;
    String responseFormat = ImageRequest.B64_JSON;
    Integer steps = null;
    Long seed = null;
    Double guidance = null;
    String user = null;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw InvalidRequestException.notAnObject();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.VALUE_NULL) {
          continue;
        }
        switch (field) {
          case "model" -> model = readModel(p, value);
          case "prompt" -> prompt = readPrompt(p, value, "prompt");
          case "negative_prompt" -> negativePrompt = readPrompt(p, value, "negative_prompt");
          case "n" -> n = readN(p, value);
          case "size" -> size = readSize(p, value);
          case "response_format" -> responseFormat = readFormat(p, value);
          case "steps" -> steps = readSteps(p, value);
          case "seed" -> seed = readSeed(p, value);
          case "guidance_scale" -> guidance = readGuidance(p, value);
          case "user" -> user = readString(p, value, "user");
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw InvalidRequestException.unparsableBody();
      }
    } catch (IOException e) {
      // JsonProcessingException included: the body is a byte array, so only parsing can fail.
      throw InvalidRequestException.unparsableBody();
    }
    if (prompt == null) {
      throw new InvalidRequestException(
          "Missing required parameter: 'prompt'.", "prompt", MISSING);
    }
    if (prompt.isBlank()) {
      throw new InvalidRequestException("'prompt' must not be empty.", "prompt", INVALID_VALUE);
    }
    return new ImageRequest(path, model, prompt, negativePrompt, n, size, responseFormat, steps,
        seed, guidance, user);
  }

  private static String readModel(JsonParser p, JsonToken value) throws IOException {
    String model = readString(p, value, "model");
    if (model.isBlank()) {
      throw new InvalidRequestException("'model' must not be empty.", "model", INVALID_VALUE);
    }
    return model;
  }

  private static String readPrompt(JsonParser p, JsonToken value, String param)
      throws IOException {
    return checkLength(readString(p, value, param), param);
  }

  /** {@code text}, a prompt or negative prompt, if it is not too long. */
  static String checkLength(String text, String param) {
    if (text.length() > MAX_PROMPT_CHARS) {
      throw new InvalidRequestException("'" + param + "' is too long: " + text.length()
          + " characters, the maximum is " + MAX_PROMPT_CHARS + ".", param, INVALID_VALUE);
    }
    return text;
  }

  private static int readN(JsonParser p, JsonToken value) throws IOException {
    return checkN(readLong(p, value, "n", "an integer from 1 to " + MAX_N));
  }

  static int checkN(long n) {
    if (n < 1 || n > MAX_N) {
      throw outOfRange("n", n, 1, MAX_N);
    }
    return (int) n;
  }

  private static ImageSize readSize(JsonParser p, JsonToken value) throws IOException {
    return checkSize(readString(p, value, "size"));
  }

  /** The size {@code text} names; null for {@code auto}, the model's default. */
  static ImageSize checkSize(String text) {
    if ("auto".equals(text)) {
      return null;
    }
    ImageSize size = ImageSize.parse(text);
    if (size == null) {
      throw new InvalidRequestException("'" + text + "' is not a valid size: 'size' must be"
          + " written as width x height in pixels, such as '512x512'.", "size", INVALID_VALUE);
    }
    return size;
  }

  private static String readFormat(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return checkFormat(p.getText());
    }
    throw new InvalidRequestException("'response_format' must be \"b64_json\" or \"url\".",
        "response_format", INVALID_TYPE);
  }

  static String checkFormat(String format) {
    if (ImageRequest.B64_JSON.equals(format) || ImageRequest.URL.equals(format)) {
      return format;
    }
    throw new InvalidRequestException("'" + format + "' is not one of ['url', 'b64_json'] -"
        + " 'response_format'", "response_format", INVALID_VALUE);
  }

  private static int readSteps(JsonParser p, JsonToken value) throws IOException {
    return checkSteps(readLong(p, value, "steps", "a positive integer"));
  }

  static int checkSteps(long steps) {
    if (steps < 1 || steps > Integer.MAX_VALUE) {
      throw new InvalidRequestException(
          "'steps' must be a positive integer, got " + steps + ".", "steps", INVALID_VALUE);
    }
    return (int) steps;
  }

  /** Largest seed: picture i of a request is drawn with seed + i, which must not overflow. */
  static final long MAX_SEED = Long.MAX_VALUE - MAX_N;

  private static long readSeed(JsonParser p, JsonToken value) throws IOException {
    return checkSeed(readLong(p, value, "seed", "an integer"));
  }

  static long checkSeed(long seed) {
    if (seed > MAX_SEED) {
      throw new InvalidRequestException("'seed' must be at most " + MAX_SEED + ", got "
          + seed + ".", "seed", INVALID_VALUE);
    }
    return seed;
  }

  private static double readGuidance(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new InvalidRequestException(
          "'guidance_scale' must be a number.", "guidance_scale", INVALID_TYPE);
    }
    return checkGuidance(p.getDoubleValue(), p.getText());
  }

  /** @param text how the user wrote {@code g}, for the message */
  static double checkGuidance(double g, String text) {
    if (!(g >= 0 && g <= MAX_GUIDANCE)) {
      throw new InvalidRequestException("'guidance_scale' must be between 0 and "
          + (int) MAX_GUIDANCE + ", got " + text + ".", "guidance_scale", INVALID_VALUE);
    }
    return g;
  }

  private static long readLong(JsonParser p, JsonToken value, String param, String what)
      throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      throw new InvalidRequestException(
          "'" + param + "' must be " + what + ".", param, INVALID_TYPE);
    }
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new InvalidRequestException("'" + param + "' must be " + what + ", got "
          + p.getText() + ".", param, INVALID_VALUE);
    }
    return p.getLongValue();
  }

  private static String readString(JsonParser p, JsonToken value, String param)
      throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      throw new InvalidRequestException("'" + param + "' must be a string.", param, INVALID_TYPE);
    }
    return p.getText();
  }

  static InvalidRequestException outOfRange(String param, long value, long min, long max) {
    return new InvalidRequestException(value + " is " + (value < min ? "less than the minimum of "
        + min : "greater than the maximum of " + max) + " - '" + param + "'", param,
        INVALID_VALUE);
  }
}
