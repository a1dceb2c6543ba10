package io.assay.task.llm.model;

/**
 * The reference model's tokenizer. Thread-safe and immutable; {@link #encode} never fails.
 *
 * <h2>Vocabulary</h2>
 *
 * <ul>
 *   <li>ids 0-127: one ASCII character each (text = that character);
 *   <li>ids 128-255: one raw byte each, for non-ASCII text (UTF-8 bytes); text {@code \xNN};
 *   <li>ids 256-259: special tokens {@code <|end|>} (= {@link #eos()}), {@code <|system|>},
 *       {@code <|user|>}, {@code <|assistant|>};
 *   <li>then <em>words</em>: a space followed by ASCII letters or by digits ({@code " cooking"},
 *       {@code " 25"}), one per word of the training corpus;
 *   <li>then <em>pieces</em>: the same words without the space, and common word endings, used
 *       only to spell text the corpus lacks.
 * </ul>
 *
 * <h2>Encoding</h2>
 *
 * Text is split into runs: a maximal run of ASCII letters, or of digits, together with one space
 * directly before it; every other character alone (a space not followed by a letter or digit is a
 * run of its own). A run that is a word is that word's token. Any other run is spelled greedily,
 * longest match first: a word for its start (else the space token), then pieces and single
 * characters. Other characters become their ASCII token or their UTF-8 bytes (an unpaired
 * surrogate becomes U+FFFD). Special tokens never come out of {@code encode}: their text is
 * spelled like any other text, so a user cannot inject them; only {@link ReferenceLm#chatPrompt}
 * puts them in.
 *
 * <h2>Round trip</h2>
 *
 * The model only generates words, ASCII punctuation and {@link #eos()}. Every word starts with a
 * space and letters never directly follow a word, so for any sequence {@code g} of generated
 * tokens (eos excluded) {@code encode(decode(g))} equals {@code g}, and for any prompt text
 * {@code p}, {@code encode(p + decode(g))} equals {@code encode(p)} followed by {@code g}. For
 * every text without unpaired surrogates, {@code decode(encode(text))} equals {@code text}.
 */
public interface LmTokenizer {

  /** Token ids of {@code text}; never fails, never yields a special token. */
  int[] encode(String text);

  /**
   * The text of {@code ids}: their bytes concatenated and read as UTF-8 (malformed bytes become
   * U+FFFD). Special tokens decode to their marker text, e.g. {@code <|user|>}.
   *
   * @throws IllegalArgumentException when an id is outside {@code [0, vocabSize())}
   */
  String decode(int[] ids);

  /** The text of one token; for a raw byte 128-255, {@code \xNN} (as OpenAI shows it). */
  String tokenText(int id);

  /** The bytes a token stands for: UTF-8 of its text, or the raw byte for ids 128-255. */
  byte[] tokenBytes(int id);

  int vocabSize();

  /** The end-of-sequence token {@code <|end|>}; also closes each chat message. */
  int eos();

  /** {@code encode(text).length}, what a request is billed for. */
  int count(String text);
}
