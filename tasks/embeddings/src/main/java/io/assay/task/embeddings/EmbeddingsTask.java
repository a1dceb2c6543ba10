package io.assay.task.embeddings;

import io.assay.task.InvalidRequestException;
import io.assay.task.SyntheticGenerator;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.random.RandomGenerator;

/**
 * The embeddings kind bound to one model. Work is counted in input tokens under the MiniLM
 * WordPiece tokenizer, {@code [CLS]} and {@code [SEP]} not included, whatever backend serves it.
 *
 * <p>Thread-safe; its only state is a cache of token counts. Counting tokens is CPU work of about
 * a microsecond per token (a one-line input costs some 25 µs): cheap for ordinary requests, but a
 * request at the limits (2048 inputs of 510 tokens) costs about a second, so a caller on an event
 * loop should hand large bodies to a worker.
 */
final class EmbeddingsTask implements Task {

  /** Longest input accepted in characters; beyond it tokenising alone gets expensive. */
  static final int MAX_INPUT_CHARS = 65_536;

  private static final int MAX_TEXT_TOKENS =
      MiniLmEngine.MAX_SEQUENCE_TOKENS - MiniLmTokenizer.SPECIAL_TOKENS;

  private final TaskSpec spec;
  private final MiniLmTokenizer tokenizer;
  private final SyntheticGenerator synthetic;
  /**
   * Token counts from {@link #estimateUnits}, so that {@link #readAnswer} on the same request does
   * not tokenise it again (tokenising dominates this task's CPU cost). Keys are weak: an entry
   * goes when its request is collected.
   */
  private final Map<EmbeddingsRequest, Integer> counted =
      Collections.synchronizedMap(new WeakHashMap<>());

  EmbeddingsTask(TaskSpec spec, MiniLmTokenizer tokenizer) {
    this.spec = spec;
    this.tokenizer = tokenizer;
    this.synthetic = new SyntheticEmbeddings(spec.model());
  }

  @Override
  public TaskSpec spec() {
    return spec;
  }

  /**
   * Validates {@code request} against the model and returns its input tokens. The gateway calls
   * it before dispatch, so this is where the model's limits are enforced.
   *
   * @throws InvalidRequestException with param {@code dimensions} (code {@code invalid_value})
   *     when {@code dimensions} is neither null nor {@value MiniLmEngine#DIMENSION}, and with
   *     param {@code input} (code {@code context_length_exceeded}) when an input is longer than
   *     the model's {@value MiniLmEngine#MAX_SEQUENCE_TOKENS}-token context
   */
  @Override
  public long estimateUnits(TaskRequest request) {
    EmbeddingsRequest r = cast(request);
    if (r.dimensions() != null && r.dimensions() != MiniLmEngine.DIMENSION) {
      throw new InvalidRequestException("This model produces " + MiniLmEngine.DIMENSION
          + "-dimensional embeddings and cannot shorten them; 'dimensions' must be "
          + MiniLmEngine.DIMENSION + " or left out, got " + r.dimensions() + ".",
          "dimensions", "invalid_value");
    }
    List<String> input = r.input();
    long total = 0;
    for (int i = 0; i < input.size(); i++) {
      String text = input.get(i);
      if (text.length() > MAX_INPUT_CHARS) {
        throw tooLong(i, "is " + text.length() + " characters long (at most " + MAX_INPUT_CHARS
            + " are accepted)");
      }
      int tokens = tokenizer.count(text);
      if (tokens > MAX_TEXT_TOKENS) {
        throw tooLong(i, "has " + (tokens + MiniLmTokenizer.SPECIAL_TOKENS)
            + " tokens including the 2 special tokens");
      }
      total += tokens;
    }
    counted.put(r, (int) total);
    return total;
  }

  private InvalidRequestException tooLong(int index, String what) {
    return new InvalidRequestException("This model's maximum context length is "
        + MiniLmEngine.MAX_SEQUENCE_TOKENS + " tokens, however input[" + index + "] " + what
        + ". Please shorten it or split it into several inputs.", "input",
        "context_length_exceeded");
  }

  @Override
  public byte[] minerRequestBody(TaskRequest request) {
    EmbeddingsRequest r = cast(request);
    return WireFormat.embeddingsRequest(r.model(), r.input());
  }

  /**
   * Reads an OpenAI embedding list answering {@code request}. Usage in the body is ignored: the
   * answer's {@code promptTokens} is the validator's own count (remembered from {@link
   * #estimateUnits} or counted again), so a miner cannot inflate its credit.
   */
  @Override
  public EmbeddingsAnswer readAnswer(TaskRequest request, byte[] body) {
    EmbeddingsRequest r = cast(request);
    List<float[]> vectors = AnswerReader.read(body, r.input().size(), MiniLmEngine.DIMENSION);
    Integer tokens = counted.get(r);
    return new EmbeddingsAnswer(vectors, tokens != null ? tokens : countTokens(r.input()));
  }

  @Override
  public long units(TaskRequest request, TaskAnswer answer) {
    return castAnswer(answer).promptTokens();
  }

  @Override
  public byte[] publicResponseBody(TaskRequest request, TaskAnswer answer) {
    EmbeddingsRequest r = cast(request);
    EmbeddingsAnswer a = castAnswer(answer);
    return WireFormat.embeddingList(r.model(), a.vectors(), r.base64(), a.promptTokens());
  }

  @Override
  public SyntheticGenerator syntheticGenerator() {
    return synthetic;
  }

  /** The request as it is: embeddings have no seed, and the same texts embed the same. */
  @Override
  public TaskRequest reseed(TaskRequest request, RandomGenerator random) {
    return cast(request);
  }

  /**
   * The texts of {@code content} in {@code shape}'s batch size: {@code content}'s inputs in
   * order, cycled through again when {@code shape} has more and cut when it has fewer, with
   * {@code shape}'s encoding_format and dimensions (both valid for this model, as {@code shape}
   * is a request of this task) and no end-user id. Every text stays as the content had it, so
   * each fits the model's context. Users rarely send a batch with repeats, so callers should
   * pick content with at least as many inputs as {@code shape} where they can.
   */
  @Override
  public TaskRequest reshape(TaskRequest content, TaskRequest shape, RandomGenerator random) {
    EmbeddingsRequest c = cast(content);
    EmbeddingsRequest s = cast(shape);
    int size = s.input().size();
    List<String> input = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      input.add(c.input().get(i % c.input().size()));
    }
    return new EmbeddingsRequest(c.path(), c.model(), input, s.encodingFormat(), s.dimensions(),
        null);
  }

  /** Input tokens of {@code texts} without any limit check. */
  int countTokens(List<String> texts) {
    long total = 0;
    for (String text : texts) {
      total += tokenizer.count(text);
    }
    return (int) Math.min(total, Integer.MAX_VALUE);
  }

  static EmbeddingsRequest cast(TaskRequest request) {
    if (request instanceof EmbeddingsRequest r) {
      return r;
    }
    throw new IllegalArgumentException("the embeddings task was given a "
        + (request == null ? "null request" : request.getClass().getName()));
  }

  private static EmbeddingsAnswer castAnswer(TaskAnswer answer) {
    if (answer instanceof EmbeddingsAnswer a) {
      return a;
    }
    throw new IllegalArgumentException("the embeddings task was given a "
        + (answer == null ? "null answer" : answer.getClass().getName()));
  }

  @Override
  public String toString() {
    return "EmbeddingsTask[" + spec.id() + "]";
  }
}
