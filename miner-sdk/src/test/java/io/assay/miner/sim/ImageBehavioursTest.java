package io.assay.miner.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.Backend;
import io.assay.task.Checker;
import io.assay.task.Checker.CheckItem;
import io.assay.task.Task;
import io.assay.task.TaskException;
import io.assay.task.TaskSpec;
import io.assay.task.image.ImageAnswer;
import io.assay.task.image.ImageKind;
import io.assay.task.image.ImageRequest;
import io.assay.task.image.ImageSize;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The image behaviours against the real reference engine. Answers go through the image kind's
 * own answer reader (which checks sizes) and reference checker (which draws the picture again),
 * as the gateway would check them.
 */
class ImageBehavioursTest {

  private static final ImageKind IMAGE = new ImageKind();
  private static final TaskSpec SPEC =
      new TaskSpec(ImageKind.NAME, ImageKind.REFERENCE_MODEL, 1_000_000, 1);
  private static final Task TASK = IMAGE.bind(SPEC);
  private static final Checker CHECKER = IMAGE.referenceChecker(SPEC).orElseThrow();
  private static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(2);
  private static final Backend REFERENCE = IMAGE.referenceBackend(SPEC, EXECUTOR).orElseThrow();
  private static final ImageRequest REQUEST = new ImageRequest(ImageRequest.PATH,
      ImageKind.REFERENCE_MODEL, "a red fox in the snow", null, 2, new ImageSize(256, 256),
      ImageRequest.B64_JSON, 4, 11L, null, null);

  @AfterAll
  static void stop() {
    CHECKER.close();
    EXECUTOR.shutdownNow();
  }

  @Test
  void honestReference_scoresOne() throws Exception {
    assertThat(quality(REQUEST, serve(REFERENCE, REQUEST))).isEqualTo(1.0);
  }

  @Test
  void otherModel_drawsAnotherPictureOfTheSameSizeThatScoresZero() throws Exception {
    ImageAnswer honest = serve(REFERENCE, REQUEST);
    Backend other = SimulatedBackends.wrap(Behaviour.OTHER_MODEL, REFERENCE, null, null);

    ImageAnswer answer = serve(other, REQUEST);

    assertThat(answer.images()).hasSameSizeAs(honest.images());
    for (int i = 0; i < answer.images().size(); i++) {
      byte[] png = answer.images().get(i).png();
      assertThat(png).isNotEqualTo(honest.images().get(i).png());
      assertThat(decode(png).getWidth()).isEqualTo(256);
      assertThat(decode(png).getHeight()).isEqualTo(256);
    }
    assertThat(TASK.readAnswer(REQUEST, answer.toMinerBody())).isEqualTo(answer);
    assertThat(quality(REQUEST, answer)).isZero();
  }

  @Test
  void lazyEdits_drawAGenerationOrIgnoreTheMask_andScoreZero_whileAnHonestEditScoresOne()
      throws Exception {
    Backend lazy = SimulatedBackends.wrap(Behaviour.LAZY_EDITS, REFERENCE, null, null);
    ImageRequest whole = edit(false);
    ImageRequest masked = edit(true);
    assertThat(quality(whole, serve(REFERENCE, whole))).isEqualTo(1.0);
    assertThat(quality(masked, serve(REFERENCE, masked))).isEqualTo(1.0);
    assertThat(quality(whole, serve(lazy, whole))).isZero();
    assertThat(quality(masked, serve(lazy, masked))).isZero();
    // Generations are served honestly.
    assertThat(quality(REQUEST, serve(lazy, REQUEST))).isEqualTo(1.0);
  }

  /** An edit of a 256x256 gradient, as a user's form: with a transparent square, or none. */
  private static ImageRequest edit(boolean withMask) throws IOException {
    BufferedImage picture = new BufferedImage(256, 256, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) {
        boolean hole = withMask && x >= 50 && x < 150 && y >= 80 && y < 140;
        picture.setRGB(x, y, hole ? 0 : 0xff000000 | x << 16 | y << 8 | (x ^ y));
      }
    }
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    ImageIO.write(picture, "png", png);
    String boundary = "test-boundary-1234";
    java.io.ByteArrayOutputStream form = new java.io.ByteArrayOutputStream();
    form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\n"
        + "a red fox in the snow\r\n--" + boundary + "\r\nContent-Disposition: form-data;"
        + " name=\"seed\"\r\n\r\n9\r\n--" + boundary + "\r\nContent-Disposition: form-data;"
        + " name=\"steps\"\r\n\r\n5\r\n--" + boundary + "\r\nContent-Disposition: form-data;"
        + " name=\"image\"; filename=\"a.png\"\r\n\r\n").getBytes(
            java.nio.charset.StandardCharsets.UTF_8));
    form.writeBytes(png.toByteArray());
    form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(
        java.nio.charset.StandardCharsets.UTF_8));
    // No mask part: the picture's transparent pixels are the mask.
    ImageRequest r = (ImageRequest) IMAGE.parseRequest(ImageRequest.EDITS_PATH,
        "multipart/form-data; boundary=" + boundary, form.toByteArray());
    assertThat(r.edit().mask() != null).isEqualTo(withMask);
    return r;
  }

  @Test
  void otherModel_flipsTheSeedOrPicksAFixedOne() {
    ImageRequest flipped = (ImageRequest) OtherModelBackend.other(REQUEST);
    assertThat(flipped.seed()).isEqualTo(11L ^ OtherModelBackend.SEED_FLIP);
    assertThat(flipped).usingRecursiveComparison().ignoringFields("seed").isEqualTo(REQUEST);

    ImageRequest unseeded = (ImageRequest) OtherModelBackend.other(
        ImageRequest.of(ImageKind.REFERENCE_MODEL, "a fox"));
    assertThat(unseeded.seed()).isEqualTo(OtherModelBackend.FIXED_SEED);
  }

  @Test
  void randomOutput_replacesEveryPictureWithValidNoiseOfTheSameSize() throws Exception {
    ImageAnswer honest = serve(REFERENCE, REQUEST);
    Backend random = SimulatedBackends.wrap(Behaviour.RANDOM_OUTPUT, REFERENCE, null,
        new Random(5));

    ImageAnswer fake = serve(random, REQUEST);
    ImageAnswer again = serve(random, REQUEST);

    assertThat(fake.images()).hasSameSizeAs(honest.images());
    for (int i = 0; i < fake.images().size(); i++) {
      byte[] png = fake.images().get(i).png();
      assertThat(png).isNotEqualTo(honest.images().get(i).png());
      BufferedImage picture = decode(png);
      assertThat(picture.getWidth()).isEqualTo(256);
      assertThat(picture.getHeight()).isEqualTo(256);
    }
    assertThat(fake.images().get(0)).isNotEqualTo(fake.images().get(1));
    assertThat(fake).isNotEqualTo(again);
    assertThat(TASK.readAnswer(REQUEST, fake.toMinerBody())).isEqualTo(fake);
    assertThat(quality(REQUEST, fake)).isZero();
  }

  @Test
  void noise_keepsTheHonestSizeWhateverItIs() throws Exception {
    byte[] honest = NoisePictures.png(37, 5, 1);
    ImageAnswer answer = new ImageAnswer(7, List.of(new ImageAnswer.Image(honest, "revised")));

    ImageAnswer fake = NoisePictures.noise(answer, new LockedRandom(new Random(2)));

    ImageAnswer.Image image = fake.images().get(0);
    assertThat(NoisePictures.size(image.png())).containsExactly(37, 5);
    assertThat(decode(image.png()).getWidth()).isEqualTo(37);
    assertThat(image.png()).isNotEqualTo(honest);
    assertThat(image.revisedPrompt()).isEqualTo("revised");
    assertThat(fake.created()).isEqualTo(7);
    assertThat(NoisePictures.png(37, 5, 9)).isEqualTo(NoisePictures.png(37, 5, 9));
  }

  @Test
  void randomOutput_failsWhenTheHonestPictureIsNotAPng() {
    ImageAnswer notPng = new ImageAnswer(1, List.of(new ImageAnswer.Image(new byte[40], null)));
    Backend random = SimulatedBackends.wrap(Behaviour.RANDOM_OUTPUT,
        r -> CompletableFuture.completedFuture(notPng), null, new Random(1));
    assertThatThrownBy(() -> random.serve(REQUEST).toCompletableFuture().get())
        .cause()
        .isInstanceOf(TaskException.class)
        .hasMessageContaining("not a PNG file");
  }

  @Test
  void badProof_drawsHonestly() throws Exception {
    Backend bad = SimulatedBackends.wrap(Behaviour.BAD_PROOF, REFERENCE, null, null);
    assertThat(serve(bad, REQUEST).images()).isEqualTo(serve(REFERENCE, REQUEST).images());
  }

  private static double quality(ImageRequest request, ImageAnswer answer) {
    return CHECKER.check(List.of(new CheckItem(request, answer))).get(0).quality();
  }

  private static ImageAnswer serve(Backend backend, ImageRequest request) throws Exception {
    return (ImageAnswer) backend.serve(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static BufferedImage decode(byte[] png) throws IOException {
    BufferedImage picture = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(picture).as("a decodable PNG").isNotNull();
    return picture;
  }
}
