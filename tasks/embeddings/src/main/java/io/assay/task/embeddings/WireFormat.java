package io.assay.task.embeddings;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.assay.task.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes the embeddings JSON bodies straight to bytes with Jackson's generator (no tree): the
 * canonical request sent to miners and upstreams, and OpenAI's embedding list.
 *
 * <p>Base64 vectors are little-endian float32, as OpenAI sends them and as its clients decode
 * them ({@code numpy.frombuffer(..., dtype="float32")}).
 */
final class WireFormat {

  private WireFormat() {}

  /** {@code {"model":..,"input":[..],"encoding_format":"float"}}. */
  static byte[] embeddingsRequest(String model, List<String> input) {
    int size = 64 + model.length();
    for (String text : input) {
      size += text.length() + 4;
    }
    ByteArrayBuilder out = new ByteArrayBuilder(Math.min(size, 1 << 20));
    try (JsonGenerator g = generator(out)) {
      g.writeStartObject();
      g.writeStringField("model", model);
      g.writeArrayFieldStart("input");
      for (String text : input) {
        g.writeString(text);
      }
      g.writeEndArray();
      g.writeStringField("encoding_format", EmbeddingsRequest.FLOAT);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * OpenAI's embedding list: {@code {"object":"list","data":[{"object":"embedding","index":i,
   * "embedding":..}],"model":..,"usage":{"prompt_tokens":n,"total_tokens":n}}}.
   *
   * @param model the {@code model} field, or null to leave it out
   * @param base64 whether to write each vector as base64 of little-endian float32
   */
  static byte[] embeddingList(String model, List<float[]> vectors, boolean base64,
      int promptTokens) {
    int perVector = vectors.isEmpty() ? 0 : vectors.get(0).length * (base64 ? 6 : 14) + 64;
    long estimate = 128L + (long) perVector * vectors.size();
    ByteArrayBuilder out = new ByteArrayBuilder((int) Math.min(estimate, 1 << 24));
    try (JsonGenerator g = generator(out)) {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (int i = 0; i < vectors.size(); i++) {
        float[] vector = vectors.get(i);
        g.writeStartObject();
        g.writeStringField("object", "embedding");
        g.writeNumberField("index", i);
        g.writeFieldName("embedding");
        if (base64) {
          g.writeBinary(toFloat32Le(vector));
        } else {
          g.writeStartArray(vector, vector.length);
          for (float x : vector) {
            g.writeNumber(x);
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      if (model != null) {
        g.writeStringField("model", model);
      }
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", promptTokens);
      g.writeNumberField("total_tokens", promptTokens);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] toFloat32Le(float[] vector) {
    ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(vector);
    return buffer.array();
  }

  /** @return null when {@code bytes} is not a whole number of floats */
  static float[] fromFloat32Le(byte[] bytes) {
    if (bytes.length % Float.BYTES != 0) {
      return null;
    }
    float[] vector = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
    return vector;
  }

  private static JsonGenerator generator(ByteArrayBuilder out) throws IOException {
    JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out);
    // Shortest round-tripping decimal for each float (Schubfach), and faster than Float.toString.
    g.enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER.mappedFeature());
    return g;
  }
}
