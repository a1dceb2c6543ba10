package io.assay.miner.sim;

import io.assay.task.TaskAnswer;
import io.assay.task.embeddings.EmbeddingsAnswer;
import io.assay.task.image.ImageAnswer;
import io.assay.task.llm.LlmAnswer;
import io.assay.task.zk.ZkAnswer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Random content in the shape of real answers: unit vectors of the honest dimension; noise
 * pictures of the honest size ({@link NoisePictures}); proofs with random coordinates ({@link
 * ForgedProofs#randomCoordinates}); tokens that are words from a small list, each with {@code k}
 * distinct alternatives whose log-probabilities are negative, sorted from most to least likely
 * and come from probabilities summing to less than one; the token itself is one of its
 * alternatives. As in the reference engine, a chat answer's first token has no leading space
 * and every other token has one, so the tokens spell the text exactly. Thread-safe.
 */
final class FakeContent {

  static final List<String> WORDS = List.of(
      "river", "stone", "amber", "quiet", "window", "orbit", "lantern", "meadow",
      "copper", "signal", "harbor", "velvet", "canyon", "pepper", "ribbon", "thunder",
      "marble", "cactus", "glacier", "puzzle", "saddle", "tundra", "violet", "walnut",
      "zephyr", "anchor", "bramble", "candle", "dynamo", "ember", "falcon", "garnet");

  private final LockedRandom random;

  FakeContent(LockedRandom random) {
    this.random = random;
  }

  /** A fake answer shaped like {@code honest}, or a failure for types it cannot fake. */
  TaskAnswer answer(TaskAnswer honest) {
    if (honest instanceof EmbeddingsAnswer e) {
      return embeddings(e);
    }
    if (honest instanceof ImageAnswer i) {
      return NoisePictures.noise(i, random);
    }
    if (honest instanceof ZkAnswer z) {
      return ForgedProofs.randomCoordinates(z, random);
    }
    if (honest instanceof LlmAnswer a) {
      List<LlmAnswer.TokenLogprob> tokens = new ArrayList<>(a.tokens().size());
      for (LlmAnswer.TokenLogprob t : a.tokens()) {
        tokens.add(token(a.chat() && tokens.isEmpty(), t.top().size()));
      }
      return llm(a, tokens);
    }
    throw SimulatedBackends.notSimulated(Behaviour.RANDOM_OUTPUT, honest);
  }

  /** {@code honest} with its tokens and text replaced by {@code tokens}. */
  static LlmAnswer llm(LlmAnswer honest, List<LlmAnswer.TokenLogprob> tokens) {
    StringBuilder text = new StringBuilder();
    tokens.forEach(t -> text.append(t.token()));
    return new LlmAnswer(honest.chat(), honest.model(), text.toString(), List.copyOf(tokens),
        honest.finishReason(), honest.promptTokens());
  }

  EmbeddingsAnswer embeddings(EmbeddingsAnswer honest) {
    List<float[]> vectors = new ArrayList<>(honest.vectors().size());
    for (float[] v : honest.vectors()) {
      vectors.add(unitVector(v.length));
    }
    return new EmbeddingsAnswer(vectors, honest.promptTokens());
  }

  /**
   * A random token with {@code alternatives} alternatives (as many as there are words at most).
   *
   * @param firstOfChat whether it opens a chat answer (and so has no leading space)
   */
  LlmAnswer.TokenLogprob token(boolean firstOfChat, int alternatives) {
    String space = firstOfChat ? "" : " ";
    int k = Math.min(alternatives, WORDS.size());
    if (k == 0) {
      double logprob = Math.log(0.05 + 0.9 * random.nextDouble());
      return new LlmAnswer.TokenLogprob(space + word(), logprob, List.of());
    }
    List<String> words = distinctWords(k);
    double[] weights = new double[k];
    double sum = 0.001 + random.nextDouble();
    for (int i = 0; i < k; i++) {
      weights[i] = 0.001 + random.nextDouble();
      sum += weights[i];
    }
    Arrays.sort(weights);
    List<LlmAnswer.Alternative> top = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      top.add(new LlmAnswer.Alternative(space + words.get(i), Math.log(weights[k - 1 - i] / sum)));
    }
    int chosen = random.nextDouble() < 0.7 ? 0 : random.nextInt(k);
    LlmAnswer.Alternative pick = top.get(chosen);
    return new LlmAnswer.TokenLogprob(pick.token(), pick.logprob(), List.copyOf(top));
  }

  private String word() {
    return WORDS.get(random.nextInt(WORDS.size()));
  }

  private List<String> distinctWords(int k) {
    List<String> pool = new ArrayList<>(WORDS);
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(pool.size() - i);
      pool.set(i, pool.set(j, pool.get(i)));
    }
    return pool.subList(0, k);
  }

  private float[] unitVector(int dimension) {
    float[] v = new float[dimension];
    double norm = 0;
    while (dimension > 0 && norm == 0) {
      for (int i = 0; i < dimension; i++) {
        v[i] = (float) random.nextGaussian();
        norm += (double) v[i] * v[i];
      }
    }
    double scale = dimension == 0 ? 0 : 1 / Math.sqrt(norm);
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) (v[i] * scale);
    }
    return v;
  }
}
