package io.assay.task.embeddings;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.assay.task.InvalidAnswerException;
import io.assay.task.Json;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an OpenAI embedding list, from a miner or an upstream server, in one streaming pass.
 *
 * <p>Accepts float arrays or base64 strings (little-endian float32) per item, puts items in
 * {@code index} order (position when a server leaves {@code index} out) and checks that there is
 * exactly one vector per input, each of the expected length and all finite. It stops at the first
 * problem, so an oversized answer is not read to the end. Everything else in the body (usage,
 * model, object) is ignored: usage is recounted by the validator.
 */
final class AnswerReader {

  private AnswerReader() {}

  /**
   * @return the vectors in input order
   * @throws InvalidAnswerException saying what is wrong
   */
  static List<float[]> read(byte[] body, int inputs, int dimension) {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      p.enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER.mappedFeature());
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw invalid("the answer is not a JSON object");
      }
      float[][] vectors = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("data".equals(field)) {
          if (value != JsonToken.START_ARRAY) {
            throw invalid("\"data\" is not an array");
          }
          vectors = readData(p, inputs, dimension);
        } else {
          p.skipChildren();
        }
      }
      if (vectors == null) {
        throw invalid("the answer has no \"data\" array");
      }
      return Arrays.asList(vectors);
    } catch (JsonProcessingException e) {
      throw invalid("the answer is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw invalid("the answer could not be read: " + e.getMessage(), e);
    }
  }

  private static float[][] readData(JsonParser p, int inputs, int dimension) throws IOException {
    float[][] vectors = new float[inputs][];
    int position = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (position == inputs) {
        throw invalid("the answer has more than " + inputs + " embeddings for " + inputs
            + " inputs");
      }
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw invalid("data[" + position + "] is not an object");
      }
      int index = position;
      float[] vector = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("index".equals(field)) {
          if (value != JsonToken.VALUE_NUMBER_INT) {
            throw invalid("data[" + position + "].index is not an integer");
          }
          long declared = p.getLongValue();
          if (declared < 0 || declared >= inputs) {
            throw invalid("data[" + position + "].index is " + declared + ", outside 0.."
                + (inputs - 1));
          }
          index = (int) declared;
        } else if ("embedding".equals(field)) {
          vector = readVector(p, value, position, dimension);
        } else {
          p.skipChildren();
        }
      }
      if (vector == null) {
        throw invalid("data[" + position + "] has no embedding");
      }
      if (vectors[index] != null) {
        throw invalid("two embeddings have index " + index);
      }
      vectors[index] = vector;
      position++;
    }
    if (position != inputs) {
      throw invalid("the answer has " + position + " embeddings for " + inputs + " inputs");
    }
    return vectors;
  }

  private static float[] readVector(JsonParser p, JsonToken value, int position, int dimension)
      throws IOException {
    String where = "data[" + position + "].embedding";
    float[] vector;
    if (value == JsonToken.VALUE_STRING) {
      vector = WireFormat.fromFloat32Le(decodeBase64(p, where));
      if (vector == null) {
        throw invalid(where + " is base64 of a length that is not a whole number of float32s");
      }
    } else if (value == JsonToken.START_ARRAY) {
      vector = new float[dimension];
      int n = 0;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
          throw invalid(where + "[" + n + "] is not a number");
        }
        if (n == dimension) {
          throw invalid(where + " has more than " + dimension + " dimensions, expected "
              + dimension);
        }
        vector[n++] = p.getFloatValue();
      }
      if (n != dimension) {
        throw invalid(where + " has " + n + " dimensions, expected " + dimension);
      }
    } else {
      throw invalid(where + " is neither an array of numbers nor a base64 string");
    }
    if (vector.length != dimension) {
      throw invalid(where + " has " + vector.length + " dimensions, expected " + dimension);
    }
    for (int k = 0; k < vector.length; k++) {
      if (!Float.isFinite(vector[k])) {
        throw invalid(where + "[" + k + "] is " + vector[k] + ", not a finite float32");
      }
    }
    return vector;
  }

  private static byte[] decodeBase64(JsonParser p, String where) throws IOException {
    try {
      return p.getBinaryValue();
    } catch (JsonProcessingException e) {
      throw invalid(where + " is not valid base64: " + e.getOriginalMessage(), e);
    }
  }

  private static InvalidAnswerException invalid(String message) {
    return new InvalidAnswerException(message);
  }

  private static InvalidAnswerException invalid(String message, Throwable cause) {
    return new InvalidAnswerException(message, cause);
  }
}
