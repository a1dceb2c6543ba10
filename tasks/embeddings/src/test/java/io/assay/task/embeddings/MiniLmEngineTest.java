package io.assay.task.embeddings;

import static io.assay.task.embeddings.Fixtures.cosine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the real model from the class path. */
class MiniLmEngineTest {

  private static final Logger log = LoggerFactory.getLogger(MiniLmEngineTest.class);
  private static final MiniLmEngine ENGINE = MiniLmEngine.shared();

  @Test
  void paraphrases_areCloserThanUnrelatedSentences() {
    List<float[]> v = ENGINE.embed(List.of(
        "How do I reset my password?",
        "What are the steps to change my password?",
        "The stock market fell sharply on Tuesday.",
        "My cat enjoys sleeping in the sun."));
    assertThat(cosine(v.get(0), v.get(1))).isGreaterThan(0.6);
    assertThat(cosine(v.get(0), v.get(2))).isLessThan(0.3);
    assertThat(cosine(v.get(2), v.get(3))).isLessThan(0.3);
  }

  @Test
  void exampleSentence_matchesSentenceTransformersOutput() {
    // model.encode("This is an example sentence") with sentence-transformers, first five floats.
    float[] v = ENGINE.embed(List.of("This is an example sentence")).get(0);
    float[] expected = {0.0676569f, 0.0634958f, 0.0487131f, 0.0793050f, 0.0374480f};
    for (int i = 0; i < expected.length; i++) {
      assertThat(v[i]).isCloseTo(expected[i], within(1e-5f));
    }
  }

  @Test
  void vectors_have384DimensionsAndUnitLength() {
    for (float[] v : ENGINE.embed(List.of("a", "hello world", "x ".repeat(300)))) {
      assertThat(v).hasSize(MiniLmEngine.DIMENSION);
      double norm = 0;
      for (float x : v) {
        norm += x * x;
      }
      assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void sameInputAloneOrInsideABatch_givesIdenticalFloats() {
    String text = "Vector search finds documents that mean the same thing.";
    float[] alone = ENGINE.embed(List.of(text)).get(0);
    List<String> batch = new ArrayList<>();
    batch.add("short");
    batch.add("A much longer sentence, padded against, that makes the batch wider than the text "
        + "we care about, so that its row is padded with masked positions.");
    batch.add(text);
    for (int i = 0; i < 40; i++) {
      batch.add("filler number " + i + " " + "word ".repeat(i % 9));
    }
    List<float[]> out = ENGINE.embed(batch);
    assertThat(out.get(2)).isEqualTo(alone);
    assertThat(ENGINE.embed(List.of(text, text)).get(1)).isEqualTo(alone);
  }

  @Test
  void overlongInput_isCutTo512Tokens() {
    MiniLmEngine.Sequence s = ENGINE.encode("hello ".repeat(700));
    assertThat(s.length()).isEqualTo(512);
    assertThat(s.textTokens()).isEqualTo(700);
    assertThat(s.ids()[511]).isEqualTo(102L);
    assertThat(ENGINE.embed(List.of("hello ".repeat(700))).get(0)).hasSize(384);
  }

  @Test
  void plan_keepsBatchesWithinSizeAndAttentionBounds() {
    int[] lengths = new int[200];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = i % 3 == 0 ? 512 : 5 + i;
    }
    List<List<Integer>> plan = MiniLmEngine.plan(lengths.length, i -> lengths[i]);
    int seen = 0;
    for (List<Integer> batch : plan) {
      int longest = batch.stream().mapToInt(i -> lengths[i]).max().orElseThrow();
      assertThat(batch.size()).isBetween(1, MiniLmEngine.MAX_BATCH);
      assertThat((long) batch.size() * longest * longest)
          .isLessThanOrEqualTo(MiniLmEngine.MAX_ATTENTION_CELLS);
      seen += batch.size();
    }
    assertThat(seen).isEqualTo(lengths.length);
  }

  @Test
  void batchOf32ShortSentences_takesAFewTensOfMilliseconds() {
    List<String> sentences = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      sentences.add("This is short sentence number " + i + " about topic " + (i * 7 % 13) + ".");
    }
    ENGINE.embed(sentences);
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      ENGINE.embed(sentences);
      best = Math.min(best, System.nanoTime() - start);
    }
    log.info("all-MiniLM-L6-v2: best of 5 batches of 32 short sentences: {} ms",
        String.format("%.1f", best / 1e6));
    assertThat(best / 1e6).isLessThan(2_000);
  }
}
