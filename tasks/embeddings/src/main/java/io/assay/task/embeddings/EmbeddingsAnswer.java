package io.assay.task.embeddings;

import io.assay.task.TaskAnswer;
import java.util.Arrays;
import java.util.List;

/**
 * Embedding vectors answering an {@link EmbeddingsRequest}, one per input and in input order.
 *
 * <p>The arrays are shared, not copied, for speed: nobody may modify them after construction.
 * {@link #equals} and {@link #hashCode} compare the vectors' contents.
 *
 * @param vectors one vector per input
 * @param promptTokens tokens in the inputs, counted by the validator's tokenizer, not the miner's
 */
public record EmbeddingsAnswer(List<float[]> vectors, int promptTokens) implements TaskAnswer {

  public EmbeddingsAnswer {
    vectors = List.copyOf(vectors);
    if (promptTokens < 0) {
      throw new IllegalArgumentException("promptTokens must be >= 0, was " + promptTokens);
    }
  }

  /**
   * OpenAI's embedding list with float vectors: {@code {"object":"list","data":[{"object":
   * "embedding","index":0,"embedding":[...]}],"usage":{...}}}. It carries no {@code model}
   * field, which the answer does not know; the gateway's public body adds it.
   */
  @Override
  public byte[] toMinerBody() {
    return WireFormat.embeddingList(null, vectors, false, promptTokens);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof EmbeddingsAnswer other) || promptTokens != other.promptTokens
        || vectors.size() != other.vectors.size()) {
      return false;
    }
    for (int i = 0; i < vectors.size(); i++) {
      if (!Arrays.equals(vectors.get(i), other.vectors.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = promptTokens;
    for (float[] v : vectors) {
      h = 31 * h + Arrays.hashCode(v);
    }
    return h;
  }

  @Override
  public String toString() {
    int dims = vectors.isEmpty() ? 0 : vectors.get(0).length;
    return "EmbeddingsAnswer[" + vectors.size() + " vectors of " + dims + " floats, promptTokens="
        + promptTokens + "]";
  }
}
