package io.assay.task.embeddings;

import io.assay.task.Checker;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks embeddings answers by recomputing every vector with the reference {@link MiniLmEngine}
 * and comparing.
 *
 * <p>How it works: the inputs of all items of one {@link #check} call are gathered (each distinct
 * text once), tokenised, and run through the engine in as few ONNX calls as its batch planner
 * allows: sorted by length, up to {@value MiniLmEngine#MAX_BATCH} sequences a call, so a call
 * of at least {@value #PREFERRED_BATCH} items of ordinary length is one call. Only very long
 * inputs split a call further (the planner bounds attention memory). The reference is
 * bit-identical whatever batch a text lands in, so an honest answer from the reference engine
 * has cosine 1 and norm 1 to float precision; other engines (a TEI or ONNX GPU build of the same
 * model) differ by about 1e-4, far inside the thresholds.
 *
 * <p>Per item:
 *
 * <ul>
 *   <li>wrong vector count or a vector of the wrong length: quality 0 (nothing to compare);
 *   <li>a vector passes when it is L2-normalised ({@code |norm - 1| <} {@value #NORM_TOLERANCE},
 *       as the model's own output is) and its cosine with the reference is at least the
 *       threshold (default {@value #DEFAULT_MIN_COSINE});
 *   <li>quality is the fraction of vectors that pass (1.0 for an honest answer);
 *   <li>when the mean cosine is below {@value #FABRICATED_MEAN_COSINE} the vectors are not this
 *       model's embeddings of these inputs at all (random, shuffled, of other texts): quality
 *       {@code -1}, a detected lie.
 * </ul>
 *
 * <p>Thread-safe; calls block while the engine computes (run them on a checking worker). The
 * engine is the process-wide one and is never closed here.
 */
final class EmbeddingsChecker implements Checker {

  /** Cosine with the reference a vector needs; paraphrase-level similarity is about 0.7. */
  static final double DEFAULT_MIN_COSINE = 0.99;

  /** The model's vectors are normalised; float32 rounding leaves about 1e-7. */
  static final double NORM_TOLERANCE = 1e-3;

  /** Below this mean cosine the vectors cannot be a sloppy version of the right ones. */
  static final double FABRICATED_MEAN_COSINE = 0.5;

  /** Items per call that fill one ONNX batch with typical short inputs. */
  static final int PREFERRED_BATCH = 32;

  private final double minCosine;
  private final AtomicLong onnxCalls = new AtomicLong();

  /** A checker with the default cosine threshold {@value #DEFAULT_MIN_COSINE}. */
  EmbeddingsChecker() {
    this(DEFAULT_MIN_COSINE);
  }

  /**
   * @param minCosine the cosine with the reference a vector needs to pass, in (0, 1]
   * @throws IllegalArgumentException when {@code minCosine} is outside (0, 1]
   */
  EmbeddingsChecker(double minCosine) {
    if (!(minCosine > 0 && minCosine <= 1)) {
      throw new IllegalArgumentException("minCosine must be in (0, 1], was " + minCosine);
    }
    this.minCosine = minCosine;
  }

  @Override
  public int preferredBatch() {
    return PREFERRED_BATCH;
  }

  /**
   * @throws IllegalArgumentException when an item is not an embeddings request and answer
   * @throws io.assay.task.TaskException when the reference engine fails
   */
  @Override
  public List<CheckResult> check(List<CheckItem> items) {
    CheckResult[] results = new CheckResult[items.size()];
    Map<String, float[]> reference = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      EmbeddingsRequest request = request(items.get(i).request());
      EmbeddingsAnswer answer = answer(items.get(i).answer());
      results[i] = shapeProblem(request, answer);
      if (results[i] == null) {
        request.input().forEach(text -> reference.put(text, null));
      }
    }
    embed(reference);
    for (int i = 0; i < items.size(); i++) {
      if (results[i] == null) {
        results[i] = compare(request(items.get(i).request()).input(),
            answer(items.get(i).answer()).vectors(), reference);
      }
    }
    return List.of(results);
  }

  /** ONNX calls made so far; for tests. */
  long onnxCalls() {
    return onnxCalls.get();
  }

  private static CheckResult shapeProblem(EmbeddingsRequest request, EmbeddingsAnswer answer) {
    int inputs = request.input().size();
    if (answer.vectors().size() != inputs) {
      return new CheckResult(0, answer.vectors().size() + " vectors for " + inputs + " inputs");
    }
    for (int v = 0; v < inputs; v++) {
      float[] vector = answer.vectors().get(v);
      if (vector == null || vector.length != MiniLmEngine.DIMENSION) {
        return new CheckResult(0, "vector " + v + " has "
            + (vector == null ? "no" : String.valueOf(vector.length)) + " dimensions, expected "
            + MiniLmEngine.DIMENSION);
      }
    }
    return null;
  }

  /** Fills {@code reference} (text to vector, keys in first-seen order) with the engine. */
  private void embed(Map<String, float[]> reference) {
    if (reference.isEmpty()) {
      return;
    }
    MiniLmEngine engine = MiniLmEngine.shared();
    List<String> texts = new ArrayList<>(reference.keySet());
    List<MiniLmEngine.Sequence> sequences = new ArrayList<>(texts.size());
    for (String text : texts) {
      sequences.add(engine.encode(text));
    }
    for (List<Integer> call : MiniLmEngine.plan(texts.size(), i -> sequences.get(i).length())) {
      List<MiniLmEngine.Sequence> batch = new ArrayList<>(call.size());
      call.forEach(i -> batch.add(sequences.get(i)));
      float[][] vectors = engine.run(batch);
      onnxCalls.incrementAndGet();
      for (int j = 0; j < vectors.length; j++) {
        reference.put(texts.get(call.get(j)), vectors[j]);
      }
    }
  }

  private CheckResult compare(List<String> input, List<float[]> vectors,
      Map<String, float[]> reference) {
    int passed = 0;
    int unnormalised = 0;
    double cosineSum = 0;
    double worst = 1;
    for (int v = 0; v < input.size(); v++) {
      float[] expected = reference.get(input.get(v));
      float[] given = vectors.get(v);
      double norm = Math.sqrt(dot(given, given));
      // NaN (a non-finite float) counts as the worst cosine, never as a pass.
      double cosine = norm > 0 ? dot(given, expected) / norm : 0;
      cosine = Double.isNaN(cosine) ? -1 : cosine;
      boolean normalised = Math.abs(norm - 1) < NORM_TOLERANCE;
      if (!normalised) {
        unnormalised++;
      }
      if (normalised && cosine >= minCosine) {
        passed++;
      }
      cosineSum += cosine;
      worst = Math.min(worst, cosine);
    }
    double meanCosine = cosineSum / input.size();
    if (meanCosine < FABRICATED_MEAN_COSINE) {
      return new CheckResult(-1, String.format(Locale.ROOT,
          "not this model's vectors of these inputs: mean cosine %.3f", meanCosine));
    }
    if (passed == input.size()) {
      return new CheckResult(1, "ok");
    }
    String why = unnormalised > 0
        ? unnormalised + " of " + input.size() + " vectors not normalised"
        : String.format(Locale.ROOT, "lowest cosine %.4f, below %s", worst, minCosine);
    return new CheckResult((double) passed / input.size(),
        (input.size() - passed) + " of " + input.size() + " vectors failed: " + why);
  }

  /** Sum in double: float rounding would blur the 1e-3 norm tolerance on 384 terms. */
  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int k = 0; k < a.length; k++) {
      sum += (double) a[k] * b[k];
    }
    return sum;
  }

  private static EmbeddingsRequest request(TaskRequest request) {
    return EmbeddingsTask.cast(request);
  }

  private static EmbeddingsAnswer answer(TaskAnswer answer) {
    if (answer instanceof EmbeddingsAnswer a) {
      return a;
    }
    throw new IllegalArgumentException("the embeddings checker was given a "
        + (answer == null ? "null answer" : answer.getClass().getName()));
  }
}
