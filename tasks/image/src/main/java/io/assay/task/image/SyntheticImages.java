package io.assay.task.image;

import io.assay.task.SyntheticGenerator;
import io.assay.task.TaskRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Makes image requests that look like real traffic: a subject, often an action or a setting, a
 * time of day, colours and one or two style phrases, as people write prompts; sometimes a
 * negative prompt, a seed, a step count or a guidance scale; mostly one picture, sometimes a few.
 * Sizes are among the model's, mostly the smallest two so synthetic load stays modest.
 *
 * <p>Everything but an edit's pictures comes from the word lists here and the given random
 * source, so the same seed gives the same requests (edits aside), and {@link #produced}
 * recognises them by their prompts. Thread-safe; its only state is the pool of pictures to
 * edit.
 */
final class SyntheticImages implements SyntheticGenerator {

  private static final String[] SUBJECTS = {"a red fox", "an old lighthouse", "a lone astronaut",
      "a small wooden cabin", "a cat", "a golden retriever", "a dragon", "a sailing boat",
      "a medieval castle", "a robot", "a herd of horses", "an owl", "a samurai", "a windmill",
      "a whale", "a cozy cottage", "a vintage car", "a panda", "a wizard", "a tiger",
      "a butterfly", "a stone temple", "a penguin", "a unicorn", "a girl with an umbrella",
      "an elephant", "a knight in armour", "a city street", "a field of sunflowers",
      "a mountain village", "a koi pond", "a steam train", "a hot air balloon"};
  private static final String[] SETTINGS = {"over the sea", "in a misty forest",
      "in the desert", "on a snowy mountain", "in a neon city", "in a flower meadow",
      "under a starry sky", "by a frozen lake", "in a jungle", "on a beach", "near a volcano",
      "among the clouds", "in outer space", "on the hills", "in a rainy street",
      "beside a river", "in a quiet valley", "on an alien planet", "in a garden"};
  private static final String[] TIMES = {"at sunset", "at night", "at dawn", "on a sunny day",
      "during a storm", "in the fog", "under the moonlight", "at noon", "in winter",
      "in autumn", "in spring"};
  private static final String[] COLOURS = {"red", "blue", "golden", "purple", "green", "pink",
      "teal", "orange", "black and white", "pastel", "silver", "crimson"};
  private static final String[] STYLES = {"watercolor", "oil painting", "digital art",
      "pixel art", "pencil sketch", "highly detailed", "cinematic lighting", "minimalist",
      "photorealistic", "studio ghibli style", "impressionist", "low poly", "8k",
      "concept art", "vibrant colors", "dreamy", "dark and moody", "isometric", "ukiyo-e",
      "trending on artstation", "soft light", "vector illustration", "35mm photo"};
  private static final String[] NEGATIVES = {"blurry", "low quality", "watermark", "text",
      "deformed", "extra limbs", "oversaturated", "jpeg artifacts", "cropped", "ugly",
      "bad anatomy", "signature", "grainy", "duplicate"};

  /**
   * What {@link #prompt} writes: a subject, or a colour and the subject without its article;
   * maybe a setting, maybe a time; up to two style phrases after commas. The first letter may
   * have been capitalised, so it is matched after lower-casing it.
   */
  private static final Pattern PROMPT = Pattern.compile("(?:" + oneOf(COLOURS) + " "
      + oneOf(Arrays.stream(SUBJECTS).map(SyntheticImages::bare).toArray(String[]::new)) + "|"
      + oneOf(SUBJECTS) + ")(?: " + oneOf(SETTINGS) + ")?(?: " + oneOf(TIMES) + ")?(?:, "
      + oneOf(STYLES) + "){0,2}");
  /** What {@link #negative} writes: one to four negatives, a comma apart. */
  private static final Pattern NEGATIVE = Pattern.compile(
      oneOf(NEGATIVES) + "(?:, " + oneOf(NEGATIVES) + "){0,3}");

  /** One generator request in this many is an edit, when a picture to edit is ready. */
  static final int EDIT_ONE_IN = 5;

  private final String model;
  private final List<ImageSize> sizes;
  private final ImageLimits limits;
  /** Pictures to edit, drawn ahead at the two smallest sizes; started on first use. */
  private volatile EditStarts starts;

  SyntheticImages(String model, ImageLimits limits) {
    this.model = model;
    this.limits = limits;
    List<ImageSize> bySize = new ArrayList<>(limits.sizes());
    bySize.sort(Comparator.comparingLong(ImageSize::pixels));
    this.sizes = List.copyOf(bySize);
  }

  /**
   * A generation, or one time in {@value #EDIT_ONE_IN} an edit of a picture this generator drew
   * ahead of time ({@link EditStarts}; a generation while none is ready). Everything but an
   * edit's pictures comes from {@code r}.
   */
  @Override
  public TaskRequest next(RandomGenerator r) {
    String prompt = prompt(r);
    String negative = r.nextInt(4) == 0 ? negative(r) : null;
    int n = r.nextInt(100) < 85 ? 1 : 2 + r.nextInt(3);
    ImageSize size = r.nextInt(10) == 0 ? null : size(r);
    Integer steps = r.nextInt(3) == 0 ? null : steps(r);
    // Seeds as split draws them for requests without one, so neither kind stands out.
    Long seed = r.nextInt(5) < 2 ? r.nextLong(ImageTask.RANDOM_SEED_BOUND) : null;
    Double guidance = r.nextBoolean() ? null : (50 + r.nextInt(41)) / 10.0;
    if (r.nextInt(EDIT_ONE_IN) == 0) {
      EditStarts pool = starts();
      EditInputs start = pool.take(pool.sizes().get(r.nextInt(pool.sizes().size())));
      if (start != null) {
        // Users mostly keep the default strength; the rest spread over 0.2 to 0.95.
        double strength = r.nextInt(5) < 2 ? EditInputs.DEFAULT_STRENGTH
            : (4 + r.nextInt(16)) / 20.0;
        return new ImageRequest(ImageRequest.EDITS_PATH, model, prompt, negative, n, null,
            ImageRequest.B64_JSON, steps, seed, guidance, null, start.withStrength(strength));
      }
    }
    return new ImageRequest(ImageRequest.PATH, model, prompt, negative, n, size,
        ImageRequest.B64_JSON, steps, seed, guidance, null);
  }

  private EditStarts starts() {
    EditStarts pool = starts;
    if (pool == null) {
      synchronized (this) {
        if (starts == null) {
          starts = new EditStarts(sizes.subList(0, Math.min(2, sizes.size())),
              SyntheticImages::prompt);
        }
        pool = starts;
      }
    }
    return pool;
  }

  /**
   * Whether {@code request} is an image request whose prompt and negative prompt (if any) keep
   * to this generator's shapes, whatever its size, steps, n or seed. Never wrong about the
   * generator's own requests; a user's prompt is taken for one only if it is one of the
   * generator's subjects with nothing but the generator's settings, times and styles around it.
   */
  @Override
  public boolean produced(TaskRequest request) {
    if (!(request instanceof ImageRequest r)) {
      return false;
    }
    String prompt = r.prompt();
    String uncapitalised = Character.toLowerCase(prompt.charAt(0)) + prompt.substring(1);
    return PROMPT.matcher(uncapitalised).matches()
        && (r.negativePrompt() == null || NEGATIVE.matcher(r.negativePrompt()).matches());
  }

  private static String prompt(RandomGenerator r) {
    StringBuilder p = new StringBuilder();
    if (r.nextInt(4) == 0) {
      p.append(pick(r, COLOURS)).append(' ');
      p.append(bare(pick(r, SUBJECTS)));
    } else {
      p.append(pick(r, SUBJECTS));
    }
    if (r.nextInt(4) != 0) {
      p.append(' ').append(pick(r, SETTINGS));
    }
    if (r.nextBoolean()) {
      p.append(' ').append(pick(r, TIMES));
    }
    int styles = r.nextInt(3);
    for (int i = 0; i < styles; i++) {
      p.append(", ").append(pick(r, STYLES));
    }
    String text = p.toString();
    return r.nextInt(3) == 0 ? Character.toUpperCase(text.charAt(0)) + text.substring(1) : text;
  }

  private static String negative(RandomGenerator r) {
    int count = 1 + r.nextInt(4);
    StringBuilder out = new StringBuilder(pick(r, NEGATIVES));
    for (int i = 1; i < count; i++) {
      out.append(", ").append(pick(r, NEGATIVES));
    }
    return out.toString();
  }

  /** Mostly the smallest sizes: about half the smallest, a third the next, the rest any. */
  private ImageSize size(RandomGenerator r) {
    int roll = r.nextInt(100);
    int index = roll < 50 ? 0 : roll < 85 ? 1 : r.nextInt(sizes.size());
    return sizes.get(Math.min(index, sizes.size() - 1));
  }

  private int steps(RandomGenerator r) {
    int[] common = {10, 15, 20, 20, 25, 30};
    int steps = r.nextInt(5) == 0 ? limits.minSteps() + r.nextInt(limits.maxSteps()
        - limits.minSteps() + 1) : common[r.nextInt(common.length)];
    return Math.max(limits.minSteps(), Math.min(limits.maxSteps(), steps));
  }

  private static String pick(RandomGenerator r, String[] words) {
    return words[r.nextInt(words.length)];
  }

  /** The subject without its article, to follow a colour: "a cat" becomes "pastel cat". */
  private static String bare(String subject) {
    return subject.startsWith("an ") ? subject.substring(3)
        : subject.startsWith("a ") ? subject.substring(2) : subject;
  }

  private static String oneOf(String[] words) {
    return Arrays.stream(words).map(Pattern::quote).collect(Collectors.joining("|", "(?:", ")"));
  }
}
