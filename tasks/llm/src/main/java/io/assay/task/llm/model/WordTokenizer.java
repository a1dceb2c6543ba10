package io.assay.task.llm.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@link LmTokenizer} of the reference model; the layout and the rules are documented there.
 *
 * <p>Words are looked up in a hash map (lookup only, so its iteration order never matters).
 * Unknown runs are spelled greedily, longest piece first, which is fast enough for counting
 * large requests: each position tries at most {@link #maxPieceChars} lengths.
 */
final class WordTokenizer implements LmTokenizer {

  static final int END = 256;
  static final int SYSTEM = 257;
  static final int USER = 258;
  static final int ASSISTANT = 259;
  static final int FIRST_WORD = 260;
  private static final String[] SPECIAL = {"<|end|>", "<|system|>", "<|user|>", "<|assistant|>"};

  /** Pieces for spelling unknown words beyond the corpus words themselves. */
  private static final String[] SUFFIXES = {
    "s", "es", "ed", "ing", "er", "ers", "est", "ly", "ion", "ions", "tion", "tions", "ment",
    "ness", "able", "ible", "al", "ic", "ical", "ity", "ive", "ous", "ful", "less", "ies", "ism",
    "ist", "ize", "ise", "re", "un", "in", "de", "pre", "th", "the", "and", "an", "en", "on",
    "or", "ar", "at", "it", "is", "as", "st", "ch", "sh", "ng", "ll", "ee", "oo", "ea", "ou"
  };

  private final String[] texts;
  private final byte[][] bytes;
  private final Map<String, Integer> ids;
  private final int words;
  private final int[] canonical;
  private final int maxPieceChars;

  private WordTokenizer(String[] texts, int words) {
    this.texts = texts;
    this.words = words;
    this.bytes = new byte[texts.length][];
    this.ids = new HashMap<>(texts.length * 2);
    int max = 1;
    for (int id = 0; id < texts.length; id++) {
      bytes[id] = id >= 128 && id < 256
          ? new byte[] {(byte) id}
          : texts[id].getBytes(StandardCharsets.UTF_8);
      if (id >= FIRST_WORD) {
        ids.put(texts[id], id);
        max = Math.max(max, texts[id].length());
      }
    }
    this.maxPieceChars = max;
    this.canonical = new int[texts.length];
    for (int id = 0; id < texts.length; id++) {
      Integer word = id >= FIRST_WORD + words ? ids.get(" " + texts[id]) : null;
      canonical[id] = word != null ? word : id;
    }
  }

  /**
   * A tokenizer whose words are {@code corpusWords} (each ASCII letters only or digits only,
   * without the leading space). Ids depend only on the set of words, not on their order.
   */
  static WordTokenizer of(Collection<String> corpusWords) {
    TreeSet<String> sorted = new TreeSet<>(corpusWords);
    for (String w : sorted) {
      if (!isWord(w)) {
        throw new IllegalArgumentException("not a word (ASCII letters or digits): '" + w + "'");
      }
    }
    TreeSet<String> pieces = new TreeSet<>(sorted);
    pieces.addAll(Arrays.asList(SUFFIXES));
    pieces.removeIf(p -> p.length() == 1); // single characters are the ASCII tokens
    List<String> texts = new ArrayList<>(FIRST_WORD + sorted.size() + pieces.size());
    for (int b = 0; b < 256; b++) {
      texts.add(b < 128 ? String.valueOf((char) b)
          : "\\x" + Character.forDigit(b >> 4, 16) + Character.forDigit(b & 15, 16));
    }
    texts.addAll(Arrays.asList(SPECIAL));
    for (String w : sorted) {
      texts.add(" " + w);
    }
    texts.addAll(pieces);
    return new WordTokenizer(texts.toArray(String[]::new), sorted.size());
  }

  static boolean isWord(String s) {
    if (s.isEmpty()) {
      return false;
    }
    boolean digits = isDigit(s.charAt(0));
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (digits ? !isDigit(c) : !isLetter(c)) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- encoding

  @Override
  public int[] encode(String text) {
    IntList out = new IntList(text.length() / 4 + 4);
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (c == ' ' && i + 1 < n && isAlnum(text.charAt(i + 1))) {
        int end = runEnd(text, i + 1);
        encodeRun(text, i, end, true, out);
        i = end;
      } else if (isAlnum(c)) {
        int end = runEnd(text, i);
        encodeRun(text, i, end, false, out);
        i = end;
      } else if (c < 0x80) {
        out.add(c);
        i++;
      } else {
        int cp = text.codePointAt(i);
        i += Character.charCount(cp);
        addUtf8(Character.isSurrogate((char) cp) ? 0xFFFD : cp, out);
      }
    }
    return out.toArray();
  }

  private static int runEnd(String text, int start) {
    boolean digits = isDigit(text.charAt(start));
    int end = start + 1;
    while (end < text.length() && (digits ? isDigit(text.charAt(end)) : isLetter(text.charAt(end)))) {
      end++;
    }
    return end;
  }

  /** One run: a word when the vocabulary has it, else spelled longest piece first. */
  private void encodeRun(String text, int start, int end, boolean spaced, IntList out) {
    Integer whole = ids.get(text.substring(start, end));
    if (whole != null) {
      out.add(whole);
      return;
    }
    int pos = start;
    if (spaced) {
      int len = longestMatch(text, start, end, 2);
      if (len > 0) {
        out.add(ids.get(text.substring(start, start + len)));
        pos += len;
      } else {
        out.add(' ');
        pos++;
      }
    }
    while (pos < end) {
      int len = longestMatch(text, pos, end, 2);
      if (len > 0) {
        out.add(ids.get(text.substring(pos, pos + len)));
        pos += len;
      } else {
        out.add(text.charAt(pos));
        pos++;
      }
    }
  }

  /** Length of the longest vocabulary entry at {@code pos} of at least {@code min} chars, or 0. */
  private int longestMatch(String text, int pos, int end, int min) {
    for (int len = Math.min(maxPieceChars, end - pos); len >= min; len--) {
      if (ids.containsKey(text.substring(pos, pos + len))) {
        return len;
      }
    }
    return 0;
  }

  private static void addUtf8(int cp, IntList out) {
    if (cp < 0x800) {
      out.add(0xC0 | (cp >> 6));
      out.add(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out.add(0xE0 | (cp >> 12));
      out.add(0x80 | ((cp >> 6) & 0x3F));
      out.add(0x80 | (cp & 0x3F));
    } else {
      out.add(0xF0 | (cp >> 18));
      out.add(0x80 | ((cp >> 12) & 0x3F));
      out.add(0x80 | ((cp >> 6) & 0x3F));
      out.add(0x80 | (cp & 0x3F));
    }
  }

  static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAlnum(char c) {
    return isLetter(c) || isDigit(c);
  }

  // ---------------------------------------------------------------- decoding and lookups

  @Override
  public String decode(int[] tokenIds) {
    int length = 0;
    for (int id : tokenIds) {
      length += tokenBytesShared(id).length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (int id : tokenIds) {
      byte[] b = bytes[id];
      System.arraycopy(b, 0, all, at, b.length);
      at += b.length;
    }
    return new String(all, StandardCharsets.UTF_8);
  }

  @Override
  public String tokenText(int id) {
    check(id);
    return texts[id];
  }

  @Override
  public byte[] tokenBytes(int id) {
    return tokenBytesShared(id).clone();
  }

  private byte[] tokenBytesShared(int id) {
    check(id);
    return bytes[id];
  }

  @Override
  public int vocabSize() {
    return texts.length;
  }

  @Override
  public int eos() {
    return END;
  }

  @Override
  public int count(String text) {
    return encode(text).length;
  }

  private void check(int id) {
    if (id < 0 || id >= texts.length) {
      throw new IllegalArgumentException(
          "token id " + id + " is outside the vocabulary [0, " + texts.length + ")");
    }
  }

  /** The id of {@code " " + word}, or -1. */
  int wordId(String word) {
    Integer id = ids.get(" " + word);
    return id == null ? -1 : id;
  }

  /** Whether {@code id} is a word (space, then letters or digits). */
  boolean isSpaceWord(int id) {
    return id >= FIRST_WORD && id < FIRST_WORD + words;
  }

  /** Whether {@code id} opens a chat message. */
  static boolean isRole(int id) {
    return id >= SYSTEM && id <= ASSISTANT;
  }

  static boolean isSpecial(int id) {
    return id >= END && id < FIRST_WORD;
  }

  /**
   * The id the model reads in place of {@code id}: a piece that spells a whole word stands for
   * that word, so a prompt starting "Cooking is" (no space before the first word) still gives
   * the model " Cooking" as context.
   */
  int canonical(int id) {
    return canonical[id];
  }
}
