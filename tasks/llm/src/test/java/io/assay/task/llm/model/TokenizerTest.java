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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TokenizerTest {

  private static final LmTokenizer T = LM.tokenizer();

  // ------------------------------------------------------------------ round trip of generations

  @Property(tries = 300)
  void generatedTokens_reEncodeToTheSameIds(
      @ForAll("prompts") String prompt, @ForAll long seed,
      @ForAll @DoubleRange(min = 0.2, max = 2.0) double temperature,
      @ForAll @DoubleRange(min = 0.5, max = 1.0) double topP, @ForAll boolean chat) {
    int[] ids = chat
        ? LM.chatPrompt(List.of(new ChatMessage("user", prompt)))
        : LM.completionPrompt(prompt);
    Generation g = LM.generate(ids, params(temperature, topP, 40, seed, 0, List.of()), null);
    int[] generated = g.ids();
    assertThat(T.encode(g.text())).containsExactly(generated);
    assertThat(T.decode(generated)).isEqualTo(g.text());
    if (chat) {
      String content = ReferenceLm.chatContent(g.text());
      assertThat(LM.chatTokens(content)).containsExactly(generated);
    } else if (!LmFixtures.hasUnpairedSurrogate(prompt)) {
      assertThat(T.encode(prompt + g.text())).containsExactly(concat(ids, generated));
    }
  }

  @Provide
  Arbitrary<String> prompts() {
    return Arbitraries.oneOf(
        Arbitraries.of(QUESTIONS),
        Arbitraries.strings().ofMaxLength(40),
        Arbitraries.strings().withChars("abcdeXYZ019 .,?!\n\t-'").ofMaxLength(30),
        Arbitraries.of(QUESTIONS).map(q -> q + " "));
  }

  // ------------------------------------------------------------------ encoding any text

  @Property(tries = 1000)
  void encode_neverFails_neverEmitsSpecialTokens_andDecodesBack(@ForAll String text) {
    int[] ids = T.encode(text);
    for (int id : ids) {
      assertThat(id).isBetween(0, T.vocabSize() - 1);
      assertThat(WordTokenizer.isSpecial(id)).isFalse();
    }
    assertThat(T.count(text)).isEqualTo(ids.length);
    if (!LmFixtures.hasUnpairedSurrogate(text)) {
      assertThat(T.decode(ids)).isEqualTo(text);
    }
  }

  @Property(tries = 300)
  void specialTokenMarkersInUserText_areSpelledOut(
      @ForAll("markers") String marker, @ForAll @IntRange(max = 3) int padding) {
    String text = " ".repeat(padding) + "hi " + marker + " there" + marker;
    int[] ids = T.encode(text);
    assertThat(Arrays.stream(ids).anyMatch(WordTokenizer::isSpecial)).isFalse();
    assertThat(T.decode(ids)).isEqualTo(text);
  }

  @Provide
  Arbitrary<String> markers() {
    return Arbitraries.of("<|end|>", "<|system|>", "<|user|>", "<|assistant|>", "<|endoftext|>");
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
