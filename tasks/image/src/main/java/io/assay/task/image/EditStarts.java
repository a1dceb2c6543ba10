package io.assay.task.image;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Pictures (and masks) for synthetic edits, drawn ahead of time by the generator itself.
 *
 * <p>Drawing a picture takes tens of milliseconds, too long for the event loop that makes
 * synthetic requests, so a few are kept ready per size, drawn on a background thread (one for
 * the whole JVM, one picture at a time). Until a size has one ready, {@link #take} gives nothing
 * and the generator makes a generation instead. A start is used again and again (each edit of it
 * has its own prompt, seed and strength, so no answer can be reused), and one in {@value
 * #REPLACE_ONE_IN} takes has one of them replaced by a fresh picture: the drawing stays a small,
 * bounded share of the synthetic load, however many candidate requests the validator draws and
 * discards. Half the starts have a mask: a rectangle or an ellipse to redraw.
 *
 * <p>Thread-safe.
 */
final class EditStarts {

  /** Starts kept ready per size. */
  static final int READY_PER_SIZE = 4;
  /** One take in this many replaces a start with a fresh picture. */
  static final int REPLACE_ONE_IN = 16;
  /** Steps the generator draws its pictures in: few, as the pictures need not be fine. */
  private static final int DRAW_STEPS = 6;

  /** One thread for every pool in the JVM: pictures are drawn at low priority, one at a time. */
  private static final class Drawer {
    static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "assay-synthetic-pictures");
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      return t;
    });
  }

  private final List<ImageSize> sizes;
  private final Function<SplittableRandom, String> prompts;
  private final Map<ImageSize, List<EditInputs>> ready = new HashMap<>();
  /** Sizes with a picture being drawn: at most one at a time each. */
  private final java.util.Set<ImageSize> drawing = new java.util.HashSet<>();
  private final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());

  /**
   * @param sizes the sizes edits are made at
   * @param prompts what each picture shows, from a random source
   */
  EditStarts(List<ImageSize> sizes, Function<SplittableRandom, String> prompts) {
    this.sizes = List.copyOf(sizes);
    this.prompts = prompts;
  }

  /** The sizes edits are made at. */
  List<ImageSize> sizes() {
    return sizes;
  }

  /**
   * A start of {@code size} ready now, or null; a fresh picture is drawn while the size has
   * fewer than {@value #READY_PER_SIZE}, and one take in {@value #REPLACE_ONE_IN} after that.
   */
  synchronized EditInputs take(ImageSize size) {
    List<EditInputs> kept = ready.computeIfAbsent(size, s -> new ArrayList<>());
    boolean draw = kept.size() < READY_PER_SIZE || random.nextInt(REPLACE_ONE_IN) == 0;
    if (draw && drawing.add(size)) {
      long seed = random.nextLong();
      Drawer.THREAD.execute(() -> draw(size, new SplittableRandom(seed)));
    }
    return kept.isEmpty() ? null : kept.get(random.nextInt(kept.size()));
  }

  private void draw(ImageSize size, SplittableRandom r) {
    EditInputs start = null;
    try {
      start = EditStarts.draw(size, prompts.apply(r), r);
    } finally {
      synchronized (this) {
        drawing.remove(size);
        List<EditInputs> kept = ready.computeIfAbsent(size, s -> new ArrayList<>());
        if (start != null && kept.size() < READY_PER_SIZE) {
          kept.add(start);
        } else if (start != null) {
          kept.set(random.nextInt(kept.size()), start);
        }
      }
    }
  }

  /** A picture of {@code prompt} at {@code size}, with a mask half the time. */
  static EditInputs draw(ImageSize size, String prompt, SplittableRandom r) {
    int w = size.width();
    int h = size.height();
    ReferenceImageEngine.Rendering picture = ReferenceImageEngine.render(
        new ReferenceImageEngine.Params(prompt, null, r.nextLong(ImageTask.RANDOM_SEED_BOUND),
            w, h, DRAW_STEPS, ReferenceImageEngine.DEFAULT_GUIDANCE));
    EditInputs.Mask mask = r.nextBoolean() ? null : EditInputs.Mask.of(w, h, region(w, h, r));
    return new EditInputs(List.of(EditInputs.Picture.ofRgb(w, h, picture.rgb())), mask,
        EditInputs.DEFAULT_STRENGTH);
  }

  /** A rectangle or an ellipse covering a fifth to a half of each side, anywhere. */
  private static boolean[] region(int w, int h, SplittableRandom r) {
    int rw = Math.max(1, w / 5 + r.nextInt(Math.max(1, w / 2 - w / 5)));
    int rh = Math.max(1, h / 5 + r.nextInt(Math.max(1, h / 2 - h / 5)));
    int x0 = r.nextInt(w - rw + 1);
    int y0 = r.nextInt(h - rh + 1);
    boolean ellipse = r.nextBoolean();
    boolean[] redraw = new boolean[w * h];
    double cx = x0 + rw / 2.0;
    double cy = y0 + rh / 2.0;
    for (int y = y0; y < y0 + rh; y++) {
      for (int x = x0; x < x0 + rw; x++) {
        double dx = (x + 0.5 - cx) / (rw / 2.0);
        double dy = (y + 0.5 - cy) / (rh / 2.0);
        redraw[y * w + x] = !ellipse || dx * dx + dy * dy <= 1;
      }
    }
    return redraw;
  }
}
