package io.assay.task.image;

import static io.assay.task.image.Fixtures.SPEC;
import static io.assay.task.image.Fixtures.png;
import static io.assay.task.image.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.Checker;
import io.assay.task.Checker.CheckItem;
import io.assay.task.Checker.CheckResult;
import io.assay.task.TaskSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Honest answers come from the reference engine itself; cheats are made from them. */
class ImageCheckerTest {

  private static final ImageRequest REQUEST = request("red sunset over the sea", 11, 256, 12);
  private static final byte[] HONEST = png(REQUEST, 11);

  private final Checker checker = Fixtures.KIND.referenceChecker(SPEC).orElseThrow();

  @Test
  void kind_offersTheCheckerForTheReferenceModelOnly() {
    assertThat(checker).isInstanceOf(ImageChecker.class);
    assertThat(checker.preferredBatch()).isEqualTo(4);
    assertThat(Fixtures.KIND.referenceChecker(new TaskSpec("image", "sdxl", 1, 1))).isEmpty();
  }

  @Test
  void honestAnswer_scoresOne() {
    CheckResult result = one(REQUEST, HONEST);
    assertThat(result.quality()).isEqualTo(1.0);
    assertThat(result.reason()).isEqualTo("identical to the reference");
  }

  @Test
  void samePixelsFromAnotherPngEncoder_scoreOne() throws Exception {
    byte[] reencoded = reencode(decode(HONEST));
    assertThat(reencoded).isNotEqualTo(HONEST);
    assertThat(one(REQUEST, reencoded).quality()).isEqualTo(1.0);
  }

  @Test
  void honestSplitParts_andAnUnsplitRequestOfSeveralPictures_scoreOne() {
    ImageRequest three = new ImageRequest(ImageRequest.PATH, "reference-image", "a cat", null, 3,
        new ImageSize(256, 256), "b64_json", 4, 500L, null, null);
    ImageAnswer answer = Fixtures.answer(png(three, 500), png(three, 501), png(three, 502));
    assertThat(one(three, answer).quality()).isEqualTo(1.0);
    List<CheckResult> parts = checker.check(Fixtures.TASK.split(three).stream()
        .map(p -> new CheckItem(p, Fixtures.answer(png((ImageRequest) p,
            ((ImageRequest) p).seed())))).toList());
    assertThat(parts).extracting(CheckResult::quality).containsExactly(1.0, 1.0, 1.0);
  }

  @Test
  void anotherSeedsPicture_scoresZero() {
    CheckResult result = one(REQUEST, png(REQUEST, 12));
    assertThat(result.quality()).isZero();
    assertThat(result.reason()).startsWith("not the reference picture for seed 11");
  }

  @Test
  void anotherPromptsPicture_scoresZero() {
    assertThat(one(REQUEST, png(request("green forest", 11, 256, 12), 11)).quality()).isZero();
  }

  @Test
  void fewerStepsThanAskedFor_scoresZero() {
    assertThat(one(REQUEST, png(request("red sunset over the sea", 11, 256, 6), 11)).quality())
        .isZero();
  }

  @Test
  void garbledPicture_scoresZero() throws Exception {
    int[] pixels = decode(HONEST);
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < pixels.length; i++) {
      int noise = random.nextInt(-12, 13);
      int grey = Math.max(0, Math.min(255, (pixels[i] & 0xff) + noise));
      pixels[i] = pixels[i] & 0xffff00 | grey;
    }
    CheckResult result = one(REQUEST, reencode(pixels));
    assertThat(result.quality()).isZero();
    assertThat(result.reason()).contains("mean abs error");
  }

  @Test
  void downscaledAndBlownUpPicture_scoresZero() throws Exception {
    int[] pixels = decode(HONEST);
    int[] blocky = new int[pixels.length];
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) {
        blocky[y * 256 + x] = pixels[(y & ~1) * 256 + (x & ~1)];
      }
    }
    assertThat(one(REQUEST, reencode(blocky)).quality()).isZero();
  }

  @Test
  void pictureOfAnotherSize_orNotAPicture_scoresZero() {
    CheckResult small = one(REQUEST, ReferenceImageEngine.render(new ReferenceImageEngine.Params(
        "red sunset over the sea", null, 11, 128, 128, 12, 7.5)).png());
    assertThat(small.quality()).isZero();
    assertThat(small.reason()).contains("128x128", "256x256");
    byte[] broken = HONEST.clone();
    for (int i = 100; i < 200; i++) {
      broken[i] = 0;
    }
    CheckResult garbage = one(REQUEST, broken);
    assertThat(garbage.quality()).isZero();
    assertThat(garbage.reason()).contains("not a decodable PNG");
  }

  @Test
  void oneBadPictureOfTwo_halvesTheQuality_andIsNamed() {
    ImageRequest two = new ImageRequest(ImageRequest.PATH, "reference-image", "a cat", null, 2,
        new ImageSize(256, 256), "b64_json", 4, 70L, null, null);
    CheckResult result = one(two, Fixtures.answer(png(two, 70), png(two, 99)));
    assertThat(result.quality()).isEqualTo(0.5);
    assertThat(result.reason()).startsWith("picture 1: not the reference picture for seed 71");
  }

  @Test
  void batch_keepsItemOrder() {
    List<CheckResult> results = checker.check(List.of(
        new CheckItem(REQUEST, Fixtures.answer(HONEST)),
        new CheckItem(REQUEST, Fixtures.answer(png(REQUEST, 5))),
        new CheckItem(REQUEST, Fixtures.answer(HONEST, HONEST))));
    assertThat(results).extracting(CheckResult::quality).containsExactly(1.0, 0.0, 0.0);
    assertThat(results.get(2).reason()).isEqualTo("2 pictures for n=1");
  }

  private CheckResult one(ImageRequest request, byte[] png) {
    return one(request, Fixtures.answer(png));
  }

  private CheckResult one(ImageRequest request, ImageAnswer answer) {
    return checker.check(List.of(new CheckItem(request, answer))).get(0);
  }

  private static int[] decode(byte[] png) {
    return Perceptual.decodePng(png, 256, 256);
  }

  private static byte[] reencode(int[] pixels) throws Exception {
    BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 256, 256, pixels, 0, 256);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
