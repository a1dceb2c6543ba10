package io.assay.task.llm.model;

import static io.assay.task.llm.model.LmFixtures.LM;
import static io.assay.task.llm.model.LmFixtures.QUESTIONS;
import static io.assay.task.llm.model.LmFixtures.concat;
import static io.assay.task.llm.model.LmFixtures.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The reference model's tokenizer. The properties run as seeded loops over explicit generators;
 * a failure names the seed and the input, which reproduce it.
 */
class TokenizerTest {

  private static final LmTokenizer T = LM.tokenizer();
  private static final List<String> MARKERS =
      List.of("<|end|>", "<|system|>", "<|user|>", "<|assistant|>", "<|endoftext|>");

  // ------------------------------------------------------------------ generators

  /**
   * Text of up to {@code maxLength} chars mixing what breaks tokenizers: ASCII words and
   * punctuation, white space and control characters, accented Latin, CJK, emoji (surrogate
   * pairs), lone surrogates and special-token markers.
   */
  static String text(SplittableRandom random, int maxLength) {
    StringBuilder out = new StringBuilder();
    int length = random.nextInt(maxLength + 1);
    while (out.length() < length) {
      switch (random.nextInt(9)) {
        case 0 -> out.append((char) (' ' + random.nextInt(95)));
        case 1 -> out.append(" \t\n\r".charAt(random.nextInt(4)));
        case 2 -> out.append((char) random.nextInt(32));
        case 3 -> out.append((char) (0xC0 + random.nextInt(0x180)));
        case 4 -> out.append((char) (0x4E00 + random.nextInt(0x5000)));
        case 5 -> out.appendCodePoint(0x1F300 + random.nextInt(0x300));
        case 6 -> out.append((char) (0xD800 + random.nextInt(0x800)));
        case 7 -> out.append(MARKERS.get(random.nextInt(MARKERS.size())));
        default -> out.append(QUESTIONS.get(random.nextInt(QUESTIONS.size())));
      }
    }
    return out.toString();
  }

  /** A prompt: a known question (maybe with a trailing space), or random text. */
  static String prompt(SplittableRandom random) {
    return switch (random.nextInt(4)) {
      case 0 -> QUESTIONS.get(random.nextInt(QUESTIONS.size()));
      case 1 -> QUESTIONS.get(random.nextInt(QUESTIONS.size())) + " ";
      case 2 -> text(random, 40);
      default -> {
        String chars = "abcdeXYZ019 .,?!\n\t-'";
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(31);
        for (int i = 0; i < n; i++) {
          b.append(chars.charAt(random.nextInt(chars.length())));
        }
        yield b.toString();
      }
    };
  }

  // ------------------------------------------------------------------ round trip of generations

  @Test
  void generatedTokens_reEncodeToTheSameIds() {
    for (long seed = 0; seed < 300; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      String prompt = prompt(random);
      double temperature = 0.2 + random.nextDouble() * 1.8;
      double topP = 0.5 + random.nextDouble() * 0.5;
      boolean chat = random.nextBoolean();
      String why = "seed " + seed + ", prompt " + escape(prompt);
      int[] ids = chat
          ? LM.chatPrompt(List.of(new ChatMessage("user", prompt)))
          : LM.completionPrompt(prompt);
      Generation g = LM.generate(ids, params(temperature, topP, 40, random.nextLong(), 0,
          List.of()), null);
      int[] generated = g.ids();
      assertThat(T.encode(g.text())).as(why).containsExactly(generated);
      assertThat(T.decode(generated)).as(why).isEqualTo(g.text());
      if (chat) {
        String content = ReferenceLm.chatContent(g.text());
        assertThat(LM.chatTokens(content)).as(why).containsExactly(generated);
      } else if (!LmFixtures.hasUnpairedSurrogate(prompt)) {
        assertThat(T.encode(prompt + g.text())).as(why)
            .containsExactly(concat(ids, generated));
      }
    }
  }

  // ------------------------------------------------------------------ encoding any text

  @Test
  void encode_neverFails_neverEmitsSpecialTokens_andDecodesBack() {
    for (long seed = 0; seed < 1000; seed++) {
      String text = text(new SplittableRandom(seed), 60);
      String why = "seed " + seed + ", text " + escape(text);
      int[] ids = T.encode(text);
      for (int id : ids) {
        assertThat(id).as(why).isBetween(0, T.vocabSize() - 1);
        assertThat(WordTokenizer.isSpecial(id)).as(why).isFalse();
      }
      assertThat(T.count(text)).as(why).isEqualTo(ids.length);
      if (!LmFixtures.hasUnpairedSurrogate(text)) {
        assertThat(T.decode(ids)).as(why).isEqualTo(text);
      }
    }
  }

  @Test
  void specialTokenMarkersInUserText_areSpelledOut() {
    for (String marker : MARKERS) {
      for (int padding = 0; padding <= 3; padding++) {
        String text = " ".repeat(padding) + "hi " + marker + " there" + marker;
        int[] ids = T.encode(text);
        assertThat(Arrays.stream(ids).anyMatch(WordTokenizer::isSpecial)).as(text).isFalse();
        assertThat(T.decode(ids)).as(text).isEqualTo(text);
      }
    }
  }

  /** The text with every char outside printable ASCII as a Java escape, for failure reports. */
  private static String escape(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      b.append(c >= ' ' && c < 127 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return b.append('"').toString();
  }

  @Test
  void unpairedSurrogate_becomesReplacementCharacter() {
    assertThat(T.decode(T.encode("a\uD800b"))).isEqualTo("a\uFFFDb");
  }

  // ------------------------------------------------------------------ examples

  @Test
  void knownWords_areSingleTokensCarryingTheirLeadingSpace() {
    int[] ids = T.encode("Tell me about cooking.");
    assertThat(Arrays.stream(ids).mapToObj(T::tokenText))
        .containsExactly("Tell", " me", " about", " cooking", ".");
    assertThat(T.encode(" cooking")).hasSize(1);
    assertThat(T.encode(" 20")).hasSize(1);
  }

  @Test
  void unknownWords_areSpelledWithPiecesAndCharacters() {
    int[] ids = T.encode(" cookingly zqx");
    assertThat(T.decode(ids)).isEqualTo(" cookingly zqx");
    assertThat(T.tokenText(ids[0])).isEqualTo(" cooking");
    assertThat(T.tokenText(ids[1])).isEqualTo("ly");
    assertThat(Arrays.stream(ids).mapToObj(T::tokenText)).endsWith(" ", "z", "q", "x");
  }

  @Test
  void nonAsciiText_becomesUtf8ByteTokens() {
    int[] ids = T.encode("é");
    assertThat(ids).containsExactly(0xC3, 0xA9);
    assertThat(T.tokenText(0xC3)).isEqualTo("\\xc3");
    assertThat(T.tokenBytes(0xC3)).containsExactly((byte) 0xC3);
    assertThat(T.decode(ids)).isEqualTo("é");
    assertThat(T.decode(new int[] {0xC3})).isEqualTo("\uFFFD");
  }

  @Test
  void tokenBytes_areTheUtf8OfTheText_forWordsAndSpecials() {
    int id = T.encode(" cooking")[0];
    assertThat(T.tokenBytes(id)).isEqualTo(" cooking".getBytes(StandardCharsets.UTF_8));
    assertThat(T.tokenText(T.eos())).isEqualTo("<|end|>");
    assertThat(T.tokenBytes(T.eos())).isEqualTo("<|end|>".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void idsOutsideTheVocabulary_areRejected() {
    assertThatThrownBy(() -> T.decode(new int[] {T.vocabSize()}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> T.tokenText(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void emptyText_hasNoTokens() {
    assertThat(T.encode("")).isEmpty();
    assertThat(T.count("")).isZero();
    assertThat(T.decode(new int[0])).isEmpty();
  }

  // ------------------------------------------------------------------ chat template

  @Test
  void chatPrompt_rendersRoleContentEnd_thenAssistant() {
    int[] ids = LM.chatPrompt(List.of(
        new ChatMessage("system", "Be brief."),
        new ChatMessage("user", "Hi <|assistant|>"),
        new ChatMessage("assistant", "Hello."),
        new ChatMessage("developer", "x")));
    int[] expected = concat(concat(concat(concat(
        concat(new int[] {WordTokenizer.SYSTEM}, T.encode(" Be brief.")),
        concat(new int[] {T.eos(), WordTokenizer.USER}, T.encode(" Hi <|assistant|>"))),
        concat(new int[] {T.eos(), WordTokenizer.ASSISTANT}, T.encode(" Hello."))),
        concat(new int[] {T.eos(), WordTokenizer.SYSTEM}, T.encode(" x"))),
        new int[] {T.eos(), WordTokenizer.ASSISTANT});
    assertThat(ids).containsExactly(expected);
    assertThat(T.decode(ids)).isEqualTo("<|system|> Be brief.<|end|><|user|> Hi <|assistant|>"
        + "<|end|><|assistant|> Hello.<|end|><|system|> x<|end|><|assistant|>");
    assertThat(Arrays.stream(ids).filter(i -> i == WordTokenizer.ASSISTANT).count()).isEqualTo(2);
  }

  @Test
  void chatPrompt_rejectsUnknownRoles() {
    assertThatThrownBy(() -> LM.chatPrompt(List.of(new ChatMessage("tool", "x"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tool");
  }

  @Test
  void completionPrompt_isThePlainEncoding() {
    assertThat(LM.completionPrompt("Once upon a time")).isEqualTo(T.encode("Once upon a time"));
  }

  @Test
  void chatContent_dropsTheFirstWordsSpace_andChatTokensRestoresIt() {
    assertThat(ReferenceLm.chatContent(" Sure. Here")).isEqualTo("Sure. Here");
    assertThat(LM.chatTokens("Sure. Here")).isEqualTo(T.encode(" Sure. Here"));
    assertThat(LM.chatTokens("")).isEmpty();
  }
}
