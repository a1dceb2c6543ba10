package io.assay.task.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ReferenceEngineTest {

  private static final int SIDE = 128;

  private static ReferenceImageEngine.Rendering draw(String prompt, String negative, long seed,
      int steps, double guidance) {
    return ReferenceImageEngine.render(new ReferenceImageEngine.Params(prompt, negative, seed,
        SIDE, SIDE, steps, guidance));
  }

  private static ReferenceImageEngine.Rendering draw(String prompt, long seed) {
    return draw(prompt, null, seed, 20, 7.5);
  }

  @Test
  void sameParameters_giveIdenticalPngBytes() {
    assertThat(draw("red sunset over the sea", 7).png())
        .isEqualTo(draw("red sunset over the sea", 7).png());
  }

  /**
   * Pins the exact output: if this fails on another machine or JDK, the engine is not
   * deterministic there and checks would fail honest miners. If the engine is changed on
   * purpose, bump its version string and update the pins.
   */
  @Test
  void smallPicture_hasThePinnedSha256() throws Exception {
    ReferenceImageEngine.Rendering r = ReferenceImageEngine.render(new ReferenceImageEngine.Params(
        "a lighthouse on a snowy mountain at night, watercolor", "fog", 42, 64, 48, 7, 6.0));
    assertThat(sha256(r.rgb())).isEqualTo(PINNED_PIXELS);
    assertThat(sha256(r.png())).isEqualTo(PINNED_PNG);
  }

  private static final String PINNED_PIXELS =
      "087fba3a14d817faa49adc751ea74ca45877c01804dbf26484ee256194887778";
  private static final String PINNED_PNG =
      "d8366f0aef27138b08661fe9d4cd890770fd1c57f8f3103e72e2cd64191f2c6d";

  @Test
  void anotherSeed_isClearlyAnotherPicture() {
    for (String prompt : new String[] {"red sunset over the sea", "green forest", "a cat"}) {
      int[] a = Perceptual.fromRgb(draw(prompt, 1).rgb());
      int[] b = Perceptual.fromRgb(draw(prompt, 2).rgb());
      assertDifferent(a, b, prompt);
    }
  }

  @Test
  void anotherPrompt_isClearlyAnotherPicture() {
    int[] sunset = Perceptual.fromRgb(draw("red sunset over the sea", 1).rgb());
    int[] forest = Perceptual.fromRgb(draw("green forest", 1).rgb());
    int[] cat = Perceptual.fromRgb(draw("a cat", 1).rgb());
    int[] dog = Perceptual.fromRgb(draw("a dog", 1).rgb());
    assertDifferent(sunset, forest, "sunset/forest");
    assertDifferent(cat, dog, "cat/dog");
    // The prompt's colours show: the sunset is warmer than the forest, the forest greener.
    assertThat(meanChannel(sunset, 16)).isGreaterThan(meanChannel(forest, 16));
    assertThat(meanChannel(forest, 8) - meanChannel(forest, 16))
        .isGreaterThan(meanChannel(sunset, 8) - meanChannel(sunset, 16));
  }

  @Test
  void guidanceAndNegativePrompt_changeThePicture() {
    byte[] plain = draw("a castle", null, 3, 20, 7.5).rgb();
    assertThat(draw("a castle", "blue", 3, 20, 7.5).rgb()).isNotEqualTo(plain);
    assertThat(draw("a castle", null, 3, 20, 12).rgb()).isNotEqualTo(plain);
  }

  @Test
  void work_growsWithStepsTimesPixels() {
    assertThat(draw("a cat", null, 1, 5, 7.5).pixelUpdates()).isEqualTo(5L * SIDE * SIDE);
    assertThat(draw("a cat", null, 1, 10, 7.5).pixelUpdates()).isEqualTo(10L * SIDE * SIDE);
    assertThat(ReferenceImageEngine.render(new ReferenceImageEngine.Params("a cat", null, 1,
        2 * SIDE, SIDE, 10, 7.5)).pixelUpdates()).isEqualTo(20L * SIDE * SIDE);
  }

  @Test
  void fewerSteps_giveAPictureTheCheckerTellsApart() {
    int[] full = Perceptual.fromRgb(draw("a cat", null, 1, 20, 7.5).rgb());
    int[] rushed = Perceptual.fromRgb(draw("a cat", null, 1, 10, 7.5).rgb());
    assertThat(Perceptual.meanAbsoluteError(full, rushed))
        .isGreaterThan(ImageChecker.MAX_MEAN_ABS_ERROR);
  }

  @Test
  void png_decodesWithImageIo_toTheRequestedSizeAndPixels() throws Exception {
    ReferenceImageEngine.Rendering r = ReferenceImageEngine.render(new ReferenceImageEngine.Params(
        "pixel art dragon", null, 5, 96, 64, 3, 7.5));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.png()));
    assertThat(image.getWidth()).isEqualTo(96);
    assertThat(image.getHeight()).isEqualTo(64);
    assertThat(image.getRGB(0, 0, 96, 64, null, 0, 96))
        .containsExactly(withAlpha(Perceptual.fromRgb(r.rgb())));
    assertThat(PngHeader.read(r.png())).isEqualTo(new PngHeader(96, 64));
  }

  private static void assertDifferent(int[] a, int[] b, String what) {
    int distance = Perceptual.distance(Perceptual.dHash(a, SIDE, SIDE),
        Perceptual.dHash(b, SIDE, SIDE));
    double mae = Perceptual.meanAbsoluteError(a, b);
    assertThat(distance).as(what + " dHash distance").isGreaterThan(ImageChecker.MAX_HASH_DISTANCE);
    assertThat(mae).as(what + " mean abs error").isGreaterThan(5 * ImageChecker.MAX_MEAN_ABS_ERROR);
  }

  private static double meanChannel(int[] pixels, int shift) {
    double sum = 0;
    for (int p : pixels) {
      sum += p >>> shift & 0xff;
    }
    return sum / pixels.length;
  }

  private static int[] withAlpha(int[] rgb) {
    int[] out = new int[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      out[i] = 0xff000000 | rgb[i];
    }
    return out;
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
