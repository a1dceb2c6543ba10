package io.assay.task.image;

import io.assay.task.Checker;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks {@value ReferenceImageEngine#MODEL_ID} answers by drawing every picture again with the
 * same prompt, seed ({@code seed + i} for picture {@code i}), size, steps and guidance, and for
 * an edit the same pictures, mask and strength, and comparing perceptually ({@link Perceptual}).
 * An edit drawn from noise instead of its pictures, or over the whole picture instead of the
 * mask, is another picture and scores 0.
 *
 * <p>The reference engine is deterministic, so an honest miner's pixels are exactly the
 * reference's, whatever PNG encoder it used: quality 1. Per picture otherwise:
 *
 * <ul>
 *   <li>wrong count, not a PNG, wrong size: quality 0;
 *   <li>a dHash distance above {@link #MAX_HASH_DISTANCE} or a mean absolute error above {@link
 *       #MAX_MEAN_ABS_ERROR}: quality 0, another picture (another seed or prompt, or a garbled,
 *       resized or under-stepped one);
 *   <li>in between, {@code 1 - mae / MAX_MEAN_ABS_ERROR}: close, but not these pixels.
 * </ul>
 *
 * <p>A request's quality is the mean over its pictures; the reason names the worst. Thread-safe;
 * calls block while pictures are drawn (about as long as the miner took), so run them on a
 * checking worker.
 */
public final class ImageChecker implements Checker {

  /**
   * dHash bits (of 64) two pictures may differ in and still be the same picture. The same
   * pixels give 0 and a lossy re-encode or slight blur 2 to 5; pictures from another seed or
   * prompt differ in 20 to 40, as unrelated pictures do (32 on average).
   */
  public static final int MAX_HASH_DISTANCE = 10;

  /**
   * Mean absolute pixel error (0-255, all channels) tolerated. The engine is deterministic, so an
   * honest picture gives exactly 0 and there is no rounding noise to allow for; the small margin
   * only grades near-misses. The engine's last steps lay down fine detail of their own, so a
   * picture drawn in other steps or guidance differs by 3 to 5, a blurred, resized or noised
   * copy by more, another seed's or prompt's picture by 20 or more.
   */
  public static final double MAX_MEAN_ABS_ERROR = 1.5;

  /** Pictures are expensive to draw: a few requests make a batch. */
  public static final int PREFERRED_BATCH = 4;

  private final ImageTask task;

  ImageChecker(ImageTask task) {
    this.task = task;
  }

  @Override
  public int preferredBatch() {
    return PREFERRED_BATCH;
  }

  /** @throws IllegalArgumentException when an item is not an image request and answer */
  @Override
  public List<CheckResult> check(List<CheckItem> items) {
    List<CheckResult> results = new ArrayList<>(items.size());
    for (CheckItem item : items) {
      results.add(check(ImageTask.cast(item.request()), ImageTask.castAnswer(item.answer())));
    }
    return results;
  }

  private CheckResult check(ImageRequest raw, ImageAnswer answer) {
    ImageRequest r;
    try {
      r = task.resolve(raw);
    } catch (TaskException e) {
      return new CheckResult(0, "request outside the model's limits: " + e.getMessage());
    }
    if (answer.images().size() != r.n()) {
      return new CheckResult(0, answer.images().size() + " pictures for n=" + r.n());
    }
    double total = 0;
    CheckResult worst = null;
    long seed = ImageTask.seedOf(r);
    for (int i = 0; i < r.n(); i++) {
      CheckResult one = compare(r, seed + i, answer.images().get(i).png());
      total += one.quality();
      if (worst == null || one.quality() < worst.quality()) {
        worst = r.n() == 1 ? one : new CheckResult(one.quality(),
            "picture " + i + ": " + one.reason());
      }
    }
    double quality = total / r.n();
    return new CheckResult(quality, quality == 1 ? "identical to the reference" : worst.reason());
  }

  private static CheckResult compare(ImageRequest r, long seed, byte[] png) {
    ImageSize size = r.size();
    int[] given;
    try {
      PngHeader header = PngHeader.read(png);
      if (header.width() != size.width() || header.height() != size.height()) {
        return new CheckResult(0, "picture is " + header.width() + "x" + header.height()
            + ", " + size + " was asked for");
      }
      given = Perceptual.decodePng(png, size.width(), size.height());
    } catch (IllegalArgumentException e) {
      return new CheckResult(0, "picture " + e.getMessage());
    }
    ReferenceImageEngine.Rendering reference = ReferenceImageEngine.render(params(r, seed));
    int[] expected = Perceptual.fromRgb(reference.rgb());
    double mae = Perceptual.meanAbsoluteError(expected, given);
    if (mae == 0) {
      return new CheckResult(1, "identical to the reference");
    }
    int distance = Perceptual.distance(Perceptual.dHash(expected, size.width(), size.height()),
        Perceptual.dHash(given, size.width(), size.height()));
    String measured = String.format(Locale.ROOT, "dHash distance %d/64, mean abs error %.2f",
        distance, mae);
    if (distance > MAX_HASH_DISTANCE || mae > MAX_MEAN_ABS_ERROR) {
      return new CheckResult(0, "not the reference picture for seed " + seed + ": " + measured);
    }
    return new CheckResult(1 - mae / MAX_MEAN_ABS_ERROR, "close to the reference: " + measured);
  }

  /** What the engine draws for picture {@code seed} of the resolved request {@code r}. */
  static ReferenceImageEngine.Params params(ImageRequest r, long seed) {
    return new ReferenceImageEngine.Params(r.prompt(), r.negativePrompt(), seed,
        r.size().width(), r.size().height(), r.steps(), r.guidanceScale(), r.edit());
  }
}
