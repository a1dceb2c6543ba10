package io.assay.task.embeddings;

import io.assay.task.TaskSpec;
import java.nio.charset.StandardCharsets;

/** Shared test fixtures: one kind, one bound task, bodies as bytes. */
final class Fixtures {

  static final EmbeddingsKind KIND = new EmbeddingsKind();
  static final TaskSpec SPEC = new TaskSpec("embeddings", MiniLmEngine.MODEL_ID, 1_000_000, 64);
  static final EmbeddingsTask TASK = (EmbeddingsTask) KIND.bind(SPEC);

  private Fixtures() {}

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static EmbeddingsRequest parse(String json) {
    return (EmbeddingsRequest) KIND.parseRequest(EmbeddingsRequest.PATH, bytes(json));
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  /** A vector of {@code dimension} floats, distinct per {@code seed}. */
  static float[] vector(int seed, int dimension) {
    float[] v = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) Math.sin(seed * 31.0 + i) / 7f;
    }
    return v;
  }
}
