package io.assay.gateway.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.config.ConfigException;
import io.assay.task.Task;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.llm.LlmRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SCORING.md section 2: synthetic requests drawn like organic traffic. */
class SyntheticSourceTest {

  private static final TaskKinds KINDS = TaskKinds.discover();
  private static final TaskKind LLM = KINDS.byName("llm").orElseThrow();
  private static final Task TASK = LLM.bind(new TaskSpec("llm", "reference-lm", 1000, 128));
  private static final String ID = TASK.spec().id();

  private static TaskRequest organic(String question, int maxTokens, boolean stream) {
    return LLM.parseRequest("/v1/chat/completions", ("{\"model\":\"reference-lm\",\"max_tokens\":"
        + maxTokens + ",\"stream\":" + stream + ",\"seed\":5,\"messages\":[{\"role\":\"user\","
        + "\"content\":\"" + question + "\"}]}").getBytes(StandardCharsets.UTF_8));
  }

  private static Map<SyntheticSource.Kind, Integer> draw(SyntheticSource source, int n) {
    Map<SyntheticSource.Kind, Integer> kinds = new EnumMap<>(SyntheticSource.Kind.class);
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < n; i++) {
      kinds.merge(source.next(TASK, random).kind(), 1, Integer::sum);
    }
    return kinds;
  }

  @Test
  void beforeEnoughOrganicTraffic_contentAndParametersComeFromTheGenerator() {
    OrganicSamples organic = new OrganicSamples();
    organic.record(ID, organic("How do I fix a tap?", 77, true), 100);
    SyntheticSource source = new SyntheticSource(organic, Corpus.empty(),
        10, 0.5);
    assertThat(draw(source, 200)).containsOnlyKeys(SyntheticSource.Kind.GENERATOR);
  }

  @Test
  void withEnoughOrganicTraffic_aShareIsReplayedWithAFreshSeed_andTheRestTakesItsParameters() {
    OrganicSamples organic = new OrganicSamples();
    for (int i = 0; i < 10; i++) {
      organic.record(ID, organic("How do I fix a tap?", 77, true), 100);
    }
    SyntheticSource source = new SyntheticSource(organic, Corpus.empty(),
        10, 0.5);
    SplittableRandom random = new SplittableRandom(2);
    int replays = 0;
    for (int i = 0; i < 400; i++) {
      SyntheticSource.Drawn d = source.next(TASK, random);
      LlmRequest r = (LlmRequest) d.request();
      assertThat(r.maxTokens()).isEqualTo(77);
      assertThat(r.stream()).isTrue();
      if (d.kind() == SyntheticSource.Kind.REPLAY) {
        replays++;
        assertThat(r.messages().get(0).content()).isEqualTo("How do I fix a tap?");
        assertThat(r.seed()).isNotEqualTo(5L);
      } else {
        assertThat(d.kind()).isEqualTo(SyntheticSource.Kind.GENERATOR);
        assertThat(TASK.syntheticGenerator().produced(r)).isTrue();
      }
    }
    assertThat(replays).isBetween(160, 240);
  }

  @Test
  void aWindowsRoom_isFilledWithOrganicSizedRequestsThatFitIt_orTheSmallestDrawn() {
    OrganicSamples organic = new OrganicSamples();
    for (int i = 0; i < 10; i++) {
      organic.record(ID, organic("a long essay", 500, false), 100);
      organic.record(ID, organic("a short answer", 40, false), 100);
    }
    SyntheticSource source = new SyntheticSource(organic, Corpus.empty(),
        10, 0.5);
    SplittableRandom random = new SplittableRandom(4);
    int fits = 0;
    int smallest = 0;
    for (int i = 0; i < 200; i++) {
      if (((LlmRequest) source.next(TASK, random, 100).request()).maxTokens() <= 100) {
        fits++;
      }
      if (((LlmRequest) source.next(TASK, random, 10).request()).maxTokens() == 40) {
        smallest++;
      }
    }
    // a draw misses only when all 8 tries are the long one: 1 in 256
    assertThat(fits).isGreaterThanOrEqualTo(197);
    assertThat(smallest).isGreaterThanOrEqualTo(197);
    // without a limit both sizes come
    Map<Integer, Integer> sizes = new java.util.HashMap<>();
    for (int i = 0; i < 200; i++) {
      sizes.merge(((LlmRequest) source.next(TASK, random).request()).maxTokens(), 1,
          Integer::sum);
    }
    assertThat(sizes).containsOnlyKeys(40, 500);
  }

  @Test
  void aReplayShareOfZero_neverReplaysAUsersPrompt() {
    OrganicSamples organic = new OrganicSamples();
    for (int i = 0; i < 10; i++) {
      organic.record(ID, organic("my private question", 50, false), 100);
    }
    SyntheticSource source = new SyntheticSource(organic, Corpus.empty(),
        10, 0);
    assertThat(draw(source, 300)).doesNotContainKey(SyntheticSource.Kind.REPLAY);
  }

  @Test
  void thePrivateCorpus_isPreferredToTheGenerator(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("corpus.jsonl");
    Files.writeString(file, "{\"task\":\"llm/reference-lm\",\"path\":\"/v1/chat/completions\","
        + "\"body\":{\"model\":\"reference-lm\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"What is the capital of Peru?\"}]}}\n\n");
    Corpus corpus = Corpus.load(file, KINDS, Map.of(ID, TASK));
    assertThat(corpus.size(ID)).isEqualTo(1);
    SyntheticSource source = new SyntheticSource(new OrganicSamples(), corpus,
        10, 0.5);
    SyntheticSource.Drawn d = source.next(TASK, new SplittableRandom(3));
    assertThat(d.kind()).isEqualTo(SyntheticSource.Kind.CORPUS);
    assertThat(((LlmRequest) d.request()).messages().get(0).content())
        .isEqualTo("What is the capital of Peru?");
  }

  @Test
  void aBadCorpusLine_stopsTheGatewayNamingTheFileAndLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("corpus.jsonl");
    Files.writeString(file, "{\"task\":\"llm/reference-lm\",\"body\":{\"model\":\"reference-lm\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}\n"
        + "{\"task\":\"llm/reference-lm\",\"body\":{\"model\":\"reference-lm\"}}\n");
    assertThatThrownBy(() -> Corpus.load(file, KINDS, Map.of(ID, TASK)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("line 2")
        .hasMessageContaining("not a valid request");
    Files.writeString(file, "{\"task\":\"image/nope\",\"body\":{}}\n");
    assertThatThrownBy(() -> Corpus.load(file, KINDS, Map.of(ID, TASK)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("line 1")
        .hasMessageContaining("'task' must be one of");
  }

  @Test
  void organicSamples_keepABoundedRing_andCountWhatTheyDoNotKeep() {
    OrganicSamples organic = new OrganicSamples();
    for (int i = 0; i < OrganicSamples.KEPT + 100; i++) {
      organic.record(ID, organic("q" + i, 10, false), 100);
    }
    organic.record(ID, organic("huge", 10, false), OrganicSamples.MAX_BODY_BYTES + 1);
    assertThat(organic.seen(ID)).isEqualTo(OrganicSamples.KEPT + 101);
    SplittableRandom random = new SplittableRandom(4);
    for (int i = 0; i < 2000; i++) {
      String q = ((LlmRequest) organic.sample(ID, random)).messages().get(0).content();
      assertThat(q).isNotEqualTo("huge").isNotIn("q0", "q1", "q99");
    }
  }
}
