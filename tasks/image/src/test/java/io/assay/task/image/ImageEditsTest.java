package io.assay.task.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.Checker;
import io.assay.task.Checker.CheckItem;
import io.assay.task.Checker.CheckResult;
import io.assay.task.InvalidRequestException;
import io.assay.task.TaskRequest;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/images/edits}: the form as OpenAI defines it, its limits, the canonical
 * pictures, the reference engine's edits (a mask keeps every other pixel byte for byte) and the
 * checker, which scores an edit that ignored its input or its mask 0.
 */
class ImageEditsTest {

  private static final byte[] PICTURE = EditForms.picture(256, 256, BufferedImage.TYPE_INT_RGB);
  private static final byte[] MASK = EditForms.mask(256, 256, 64, 64, 160, 128);
  private static final Checker CHECKER = Fixtures.KIND.referenceChecker(Fixtures.SPEC)
      .orElseThrow();

  private static EditForms form() {
    return new EditForms().field("model", "reference-image")
        .field("prompt", "a red fox in the snow");
  }

  @Test
  void aUsersForm_parsesToCanonicalPictures_andTheMinersFormParsesBackToTheSameRequest() {
    // A grey 16-bit picture, as a user's tool may write it: the miner still gets 8-bit RGB.
    byte[] grey = EditForms.picture(256, 256, BufferedImage.TYPE_USHORT_GRAY);
    ImageRequest r = form().file("image", grey).file("mask", MASK).field("n", "2")
        .field("strength", "0.35").field("steps", "10").field("seed", "77")
        .field("guidance_scale", "6.5").field("negative_prompt", "blurry")
        .field("response_format", "url").field("quality", "high").parse();
    assertThat(r.path()).isEqualTo(ImageRequest.EDITS_PATH);
    assertThat(r.n()).isEqualTo(2);
    assertThat(r.wantsUrl()).isTrue();
    assertThat(r.edit().strength()).isEqualTo(0.35);
    assertThat(r.edit().images()).hasSize(1);
    assertThat(PngHeader.read(r.edit().images().get(0).png())).isEqualTo(new PngHeader(256, 256));
    assertThat(r.edit().images().get(0).png()[25]).as("colour type RGB").isEqualTo((byte) 2);
    assertThat(r.edit().mask().redrawn()).isEqualTo(96 * 64);

    ImageRequest resolved = Fixtures.TASK.resolve(r);
    byte[] minerBody = Fixtures.TASK.minerRequestBody(r);
    String type = Fixtures.TASK.minerContentType(r);
    assertThat(type).startsWith("multipart/form-data; boundary=assay-");
    // The miner reads it with its Content-Type; the checker without (from the body's first line).
    ImageRequest atMiner = (ImageRequest) Fixtures.KIND.parseRequest(ImageRequest.EDITS_PATH,
        type, minerBody);
    ImageRequest atChecker = (ImageRequest) Fixtures.KIND.parseRequest(ImageRequest.EDITS_PATH,
        minerBody);
    ImageRequest expected = new ImageRequest(resolved.path(), resolved.model(), resolved.prompt(),
        resolved.negativePrompt(), 2, resolved.size(), ImageRequest.B64_JSON, 10, 77L, 6.5, null,
        resolved.edit());
    assertThat(atMiner).isEqualTo(expected);
    assertThat(atChecker).isEqualTo(expected);
    // Same request, same bytes: the body is canonical.
    assertThat(Fixtures.TASK.minerRequestBody(atMiner)).isEqualTo(minerBody);
    // No base64 on the miner hop: the picture and mask travel as their PNG bytes.
    assertThat(minerBody.length).isLessThan(r.edit().images().get(0).png().length
        + r.edit().mask().png().length + 2_000);
  }

  @Test
  void severalPictures_andAPictureWithTransparency_asOpenAiTakesThem() {
    byte[] second = EditForms.picture(256, 256, BufferedImage.TYPE_3BYTE_BGR);
    ImageRequest two = form().file("image[]", PICTURE).file("image[]", second).parse();
    assertThat(two.edit().images()).hasSize(2);
    assertThat(two.edit().mask()).isNull();
    assertThat(Fixtures.TASK.estimateUnits(two)).isPositive();

    // No mask: the picture's own fully transparent pixels are the area to redraw.
    byte[] holed = EditForms.mask(256, 256, 0, 0, 10, 20);
    assertThat(form().file("image", holed).parse().edit().mask().redrawn()).isEqualTo(200);
  }

  @Test
  void workIsCountedOnTheStepsRun_strengthTimesSteps() {
    ImageRequest r = form().file("image", PICTURE).field("steps", "20").parse();
    // 256x256, round(0.6 x 20) = 12 steps: ceil(12 x 65536 / 1000)
    assertThat(Fixtures.TASK.estimateUnits(r)).isEqualTo(787);
    ImageRequest weak = form().file("image", PICTURE).field("steps", "20")
        .field("strength", "0").parse();
    assertThat(Fixtures.TASK.estimateUnits(weak)).as("at least one step").isEqualTo(66);
  }

  @Test
  void badForms_areRefusedWithTheParameterNamed() {
    byte[] small = EditForms.picture(128, 128, BufferedImage.TYPE_INT_RGB);
    assertRefused(() -> Fixtures.KIND.parseRequest(ImageRequest.EDITS_PATH, "application/json",
        "{\"prompt\":\"a\"}".getBytes(StandardCharsets.UTF_8)), null, "multipart/form-data");
    assertRefused(() -> form().parse(), "image", "Missing required parameter: 'image'");
    assertRefused(() -> new EditForms().file("image", PICTURE).parse(), "prompt", "'prompt'");
    assertRefused(() -> form().file("image", "not a png".getBytes(StandardCharsets.UTF_8))
        .parse(), "image", "is not a PNG file");
    assertRefused(() -> form().file("image", PICTURE).file("mask", EditForms.mask(128, 128,
        0, 0, 5, 5)).parse(), "mask", "'mask' is 128x128 but 'image' is 256x256");
    assertRefused(() -> form().file("image", PICTURE).file("mask", EditForms.mask(256, 256,
        0, 0, 0, 0)).parse(), "mask", "no transparent pixels");
    assertRefused(() -> form().file("image", PICTURE).file("mask", PICTURE).parse(), "mask",
        "no transparent pixels");
    assertRefused(() -> form().file("image", PICTURE).file("image", small).parse(), "image",
        "must have one size");
    assertRefused(() -> form().file("image", PICTURE).field("strength", "1.5").parse(),
        "strength", "between 0 and 1");
    assertRefused(() -> form().file("image", PICTURE).field("strength", "lots").parse(),
        "strength", "must be a number");
    assertRefused(() -> form().file("image", PICTURE).field("n", "11").parse(), "n", "11");
    assertRefused(() -> Fixtures.TASK.estimateUnits(form().file("image", PICTURE)
        .field("size", "512x512").parse()), "size", "an edit keeps its picture's size");
    assertRefused(() -> Fixtures.TASK.estimateUnits(form().file("image", small).parse()),
        "image", "not one of the sizes reference-image edits");
    EditForms five = form();
    for (int i = 0; i < 5; i++) {
      five.file("image[]", PICTURE);
    }
    assertRefused(() -> Fixtures.TASK.estimateUnits(five.parse()), "image", "at most 4");
    byte[] huge = EditForms.mask(2000, 8, 0, 0, 1, 1);
    assertRefused(() -> form().file("image", huge).parse(), "image", "more than 1792 pixels");
  }

  @Test
  void theEngine_changesOnlyTheMaskedPixels_andDependsOnTheInput() {
    ImageRequest masked = Fixtures.TASK.resolve(form().file("image", PICTURE)
        .file("mask", MASK).field("seed", "5").field("steps", "8").parse());
    byte[] input = masked.edit().images().get(0).rgb();
    byte[] out = ReferenceImageEngine.render(ImageChecker.params(masked, 5)).rgb();
    int changed = 0;
    for (int i = 0; i < 256 * 256; i++) {
      boolean same = out[3 * i] == input[3 * i] && out[3 * i + 1] == input[3 * i + 1]
          && out[3 * i + 2] == input[3 * i + 2];
      if (masked.edit().mask().redraws(i)) {
        changed += same ? 0 : 1;
      } else {
        assertThat(same).as("pixel %d outside the mask", i).isTrue();
      }
    }
    assertThat(changed).isGreaterThan(96 * 64 * 9 / 10);

    // Whole-picture edits: the input shows through at low strength, less at high strength.
    ImageRequest low = Fixtures.TASK.resolve(form().file("image", PICTURE).field("seed", "5")
        .field("strength", "0.2").parse());
    ImageRequest high = low.withEdit(low.edit().withStrength(1.0));
    double lowError = meanAbsoluteError(input, render(low));
    double highError = meanAbsoluteError(input, render(high));
    assertThat(lowError).isLessThan(highError / 2);
    ImageRequest otherInput = low.withEdit(form().file("image", EditForms.picture(256, 256,
        BufferedImage.TYPE_USHORT_GRAY)).parse().edit().withStrength(0.2));
    assertThat(render(otherInput)).isNotEqualTo(render(low));
  }

  @Test
  void theSameEdit_givesTheSameBytes_pinnedAcrossMachines() throws Exception {
    ImageRequest r = Fixtures.TASK.resolve(form().file("image", PICTURE).file("mask", MASK)
        .field("seed", "11").field("steps", "6").field("strength", "0.8").parse());
    byte[] png = ReferenceImageEngine.render(ImageChecker.params(r, 11)).png();
    assertThat(ReferenceEngineTest.sha256(png)).isEqualTo(ReferenceEngineTest.sha256(
        ReferenceImageEngine.render(ImageChecker.params(r, 11)).png()));
    assertThat(ReferenceEngineTest.sha256(png)).isEqualTo(PINNED_EDIT_PNG);
    // The same pixels in a PNG written by another encoder draw the same edit.
    byte[] reencoded = PngEncoder.encode(256, 256, r.edit().images().get(0).rgb());
    assertThat(reencoded).isNotEqualTo(PICTURE);
    ImageRequest same = Fixtures.TASK.resolve(form().file("image", reencoded).file("mask", MASK)
        .field("seed", "11").field("steps", "6").field("strength", "0.8").parse());
    assertThat(ReferenceImageEngine.render(ImageChecker.params(same, 11)).png()).isEqualTo(png);
  }

  /** SHA-256 of the PNG above, as this engine draws it on any machine. */
  static final String PINNED_EDIT_PNG =
      "248ba94332b95ccab779e7e7a8df7e88e9a581e39d926c4fe728c89bb08043da";

  @Test
  void theChecker_acceptsTheReference_andScoresAnEditThatIgnoredItsInputOrMaskZero() {
    ImageRequest r = Fixtures.TASK.resolve(form().file("image", PICTURE).file("mask", MASK)
        .field("seed", "21").field("steps", "6").parse());
    byte[] honest = ReferenceImageEngine.render(ImageChecker.params(r, 21)).png();
    byte[] noInput = ReferenceImageEngine.render(ImageChecker.params(r.asGeneration(), 21))
        .png();
    byte[] noMask = ReferenceImageEngine.render(ImageChecker.params(
        r.withEdit(r.edit().withoutMask()), 21)).png();
    List<CheckResult> results = CHECKER.check(List.of(
        new CheckItem(r, Fixtures.answer(honest)),
        new CheckItem(r, Fixtures.answer(noInput)),
        new CheckItem(r, Fixtures.answer(noMask))));
    assertThat(results.get(0).quality()).isEqualTo(1.0);
    assertThat(results.get(1).quality()).as(results.get(1).reason()).isZero();
    assertThat(results.get(2).quality()).as(results.get(2).reason()).isZero();
  }

  @Test
  void theGenerator_makesEditsOfItsOwnPictures_oncePicturesAreReady() {
    SyntheticImages generator = new SyntheticImages("reference-image", ImageLimits.REFERENCE);
    SplittableRandom random = new SplittableRandom(3);
    ImageRequest edit = org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .until(() -> (ImageRequest) generator.next(random), TaskRequest -> TaskRequest.isEdit());
    assertThat(generator.produced(edit)).isTrue();
    ImageRequest resolved = Fixtures.TASK.resolve(edit);
    assertThat(List.of(new ImageSize(256, 256), new ImageSize(512, 512)))
        .contains(resolved.size());
    List<io.assay.task.TaskRequest> parts = Fixtures.TASK.split(edit);
    assertThat(parts).allSatisfy(p -> assertThat(((ImageRequest) p).edit())
        .isSameAs(edit.edit()));
  }

  private static byte[] render(ImageRequest r) {
    return ReferenceImageEngine.render(ImageChecker.params(r, 5)).rgb();
  }

  private static double meanAbsoluteError(byte[] a, byte[] b) {
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
    }
    return (double) sum / a.length;
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
      String param, String message) {
    assertThatThrownBy(call).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((InvalidRequestException) e).param()).isEqualTo(param));
  }

  static boolean same(byte[] a, byte[] b) {
    return Arrays.equals(a, b);
  }
}
