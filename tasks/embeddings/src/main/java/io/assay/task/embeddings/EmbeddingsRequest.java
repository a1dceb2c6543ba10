package io.assay.task.embeddings;

import io.assay.task.TaskRequest;
import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code POST /v1/embeddings} request.
 *
 * @param path the path it arrived on, {@code /v1/embeddings}
 * @param model the public model id asked for
 * @param input the texts to embed, in order; never empty (a single-string {@code input} becomes a
 *     one-element list)
 * @param encodingFormat how the user wants vectors back: {@code "float"} or {@code "base64"}
 * @param dimensions the vector length the user asked for, or null for the model's own
 * @param user the user's end-user id, or null; never forwarded to miners
 */
public record EmbeddingsRequest(String path, String model, List<String> input,
    String encodingFormat, Integer dimensions, String user) implements TaskRequest {

  public static final String PATH = "/v1/embeddings";
  public static final String FLOAT = "float";
  public static final String BASE64 = "base64";

  /** @throws IllegalArgumentException when a field is missing or has no allowed value */
  public EmbeddingsRequest {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(model, "model");
    input = List.copyOf(input);
    if (input.isEmpty()) {
      throw new IllegalArgumentException("input must hold at least one text");
    }
    if (!FLOAT.equals(encodingFormat) && !BASE64.equals(encodingFormat)) {
      throw new IllegalArgumentException(
          "encodingFormat must be float or base64, was " + encodingFormat);
    }
  }

  /** A request on {@link #PATH} for float vectors, with no dimensions and no user. */
  public static EmbeddingsRequest of(String model, List<String> input) {
    return new EmbeddingsRequest(PATH, model, input, FLOAT, null, null);
  }

  /** Whether the user asked for base64-encoded vectors. */
  public boolean base64() {
    return BASE64.equals(encodingFormat);
  }
}
