package io.assay.task.image;

import static io.assay.task.image.Fixtures.TASK;
import static io.assay.task.image.Fixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.InvalidRequestException;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Limits, units, split and merge, and the canonical miner body. */
class ImageTaskTest {

  @Test
  void units_areThousandthsOfAStepMegapixel_roundedUp_timesN() {
    assertThat(TASK.estimateUnits(parse("{\"prompt\":\"a\",\"size\":\"512x512\",\"steps\":20}")))
        .isEqualTo(5243);
    assertThat(TASK.estimateUnits(parse(
        "{\"prompt\":\"a\",\"size\":\"1024x1024\",\"steps\":20,\"n\":3}"))).isEqualTo(3 * 20972);
    assertThat(TASK.estimateUnits(parse("{\"prompt\":\"a\",\"size\":\"256x256\",\"steps\":1}")))
        .isEqualTo(66);
    assertThat(ImageTask.unitsPerImage(new ImageSize(1000, 1000), 1)).isEqualTo(1000);
  }

  @Test
  void defaults_areTheModelsOwn_512x512In20Steps() {
    ImageRequest resolved = TASK.resolve(parse("{\"prompt\":\"a\"}"));
    assertThat(resolved.size()).isEqualTo(new ImageSize(512, 512));
    assertThat(resolved.steps()).isEqualTo(20);
    assertThat(resolved.guidanceScale()).isEqualTo(7.5);
    assertThat(TASK.estimateUnits(parse("{\"prompt\":\"a\"}"))).isEqualTo(5243);
  }

  @Test
  void sizeTheModelDoesNotDraw_isA400OnSize() {
    assertThatThrownBy(() -> TASK.estimateUnits(parse("{\"prompt\":\"a\",\"size\":\"500x500\"}")))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
          assertThat(e.param()).isEqualTo("size");
          assertThat(e.code()).isEqualTo("invalid_value");
          assertThat(e.getMessage()).contains("'500x500'", "'256x256'", "'1024x1024'");
        });
    assertThatThrownBy(() -> TASK.estimateUnits(parse("{\"prompt\":\"a\",\"size\":\"1792x1024\"}")))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void stepsOutOfTheModelsRange_isA400OnSteps() {
    assertThatThrownBy(() -> TASK.estimateUnits(parse("{\"prompt\":\"a\",\"steps\":51}")))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
          assertThat(e.param()).isEqualTo("steps");
          assertThat(e.getMessage()).isEqualTo("51 is greater than the maximum of 50 - 'steps'");
        });
    assertThat(TASK.estimateUnits(parse("{\"prompt\":\"a\",\"steps\":50}"))).isPositive();
  }

  @Test
  void nBeyondTheApisLimit_isA400OnN_evenWhenBuiltWithoutTheParser() {
    ImageRequest r = new ImageRequest(ImageRequest.PATH, "reference-image", "a", null, 11, null,
        "b64_json", null, null, null, null);
    assertThatThrownBy(() -> TASK.estimateUnits(r))
        .isInstanceOfSatisfying(InvalidRequestException.class,
            e -> assertThat(e.param()).isEqualTo("n"));
  }

  @Test
  void upstreamModels_haveWiderLimits() {
    var task = Fixtures.KIND.bind(new TaskSpec("image", "sdxl", 1, 1));
    ImageRequest r = new ImageRequest(ImageRequest.PATH, "sdxl", "a", null, 1,
        new ImageSize(1792, 1024), "b64_json", 80, null, null, null);
    assertThat(task.estimateUnits(r)).isEqualTo(ImageTask.unitsPerImage(r.size(), 80));
    assertThat(task.estimateUnits(ImageRequest.of("sdxl", "a")))
        .isEqualTo(ImageTask.unitsPerImage(new ImageSize(1024, 1024), 30));
  }

  @Test
  void split_givesOnePartPerPicture_withConsecutiveSeeds_andEveryChoiceExplicit() {
    ImageRequest r = parse("{\"prompt\":\"a fox\",\"n\":3,\"seed\":100,\"size\":\"256x256\","
        + "\"response_format\":\"url\"}");
    List<TaskRequest> parts = TASK.split(r);
    assertThat(parts).hasSize(3);
    for (int i = 0; i < 3; i++) {
      ImageRequest part = (ImageRequest) parts.get(i);
      assertThat(part.n()).isEqualTo(1);
      assertThat(part.seed()).isEqualTo(100L + i);
      assertThat(part.size()).isEqualTo(new ImageSize(256, 256));
      assertThat(part.steps()).isEqualTo(20);
      assertThat(part.guidanceScale()).isEqualTo(7.5);
      assertThat(part.prompt()).isEqualTo("a fox");
      assertThat(TASK.estimateUnits(part) * 3).isEqualTo(TASK.estimateUnits(r));
    }
  }

  @Test
  void split_drawsASeedWhenTheUserGaveNone_evenForOnePicture() {
    Set<Long> seeds = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      List<TaskRequest> parts = TASK.split(parse("{\"prompt\":\"a fox\"}"));
      assertThat(parts).hasSize(1);
      Long seed = ((ImageRequest) parts.get(0)).seed();
      assertThat(seed).isNotNull().isBetween(0L, ImageTask.RANDOM_SEED_BOUND - 1);
      seeds.add(seed);
    }
    assertThat(seeds).hasSizeGreaterThan(15);
    List<TaskRequest> four = TASK.split(parse("{\"prompt\":\"a fox\",\"n\":4}"));
    long first = ((ImageRequest) four.get(0)).seed();
    assertThat(four).extracting(p -> ((ImageRequest) p).seed())
        .containsExactly(first, first + 1, first + 2, first + 3);
  }

  @Test
  void split_validates() {
    assertThatThrownBy(() -> TASK.split(parse("{\"prompt\":\"a\",\"size\":\"100x100\"}")))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void merge_joinsThePartsPicturesInOrder_underTheLatestCreated() {
    ImageRequest r = parse("{\"prompt\":\"a fox\",\"n\":3,\"size\":\"256x256\"}");
    byte[] a = Fixtures.anyPng(8, 8);
    byte[] b = Fixtures.anyPng(9, 9);
    byte[] c = Fixtures.anyPng(10, 10);
    List<TaskAnswer> parts = List.of(new ImageAnswer(5, List.of(new ImageAnswer.Image(a, null))),
        new ImageAnswer(9, List.of(new ImageAnswer.Image(b, "rev"))),
        new ImageAnswer(7, List.of(new ImageAnswer.Image(c, null))));
    ImageAnswer merged = (ImageAnswer) TASK.merge(r, parts);
    assertThat(merged.created()).isEqualTo(9);
    assertThat(merged.images()).containsExactly(new ImageAnswer.Image(a, null),
        new ImageAnswer.Image(b, "rev"), new ImageAnswer.Image(c, null));
    assertThat(TASK.units(r, merged)).isEqualTo(TASK.estimateUnits(r));
    assertThatThrownBy(() -> TASK.merge(r, parts.subList(0, 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n=3");
  }

  @Test
  void minerBody_isCanonical_andParsesBackToTheResolvedPart() {
    ImageRequest part = (ImageRequest) TASK.split(parse("{\"prompt\":\"a fox\",\"n\":2,"
        + "\"seed\":9,\"negative_prompt\":\"rain\",\"user\":\"secret\",\"response_format\":\"url\"}"))
        .get(1);
    byte[] body = TASK.minerRequestBody(part);
    assertThat(new String(body)).isEqualTo("{\"model\":\"reference-image\",\"prompt\":\"a fox\","
        + "\"negative_prompt\":\"rain\",\"n\":1,\"size\":\"512x512\",\"response_format\":"
        + "\"b64_json\",\"steps\":20,\"seed\":10,\"guidance_scale\":7.5}");
    ImageRequest echoed = (ImageRequest) Fixtures.KIND.parseRequest(ImageRequest.PATH, body);
    assertThat(echoed).isEqualTo(new ImageRequest(ImageRequest.PATH, "reference-image", "a fox",
        "rain", 1, new ImageSize(512, 512), "b64_json", 20, 10L, 7.5, null));
  }

  @Test
  void minerBody_ofAnUnsplitRequestWithoutSeed_carriesTheDefaultSeed() {
    assertThat(new String(TASK.minerRequestBody(parse("{\"prompt\":\"a\"}"))))
        .contains("\"seed\":0");
  }

  @Test
  void answersAreReadOnAWorker() {
    assertThat(TASK.readsAnswersOnWorker()).isTrue();
  }
}
