package io.assay.task.image;

import io.assay.task.TaskRequest;
import java.util.Objects;

/**
 * A parsed {@code POST /v1/images/generations} or {@code POST /v1/images/edits} request.
 *
 * <p>Optional fields are null when the user left them out; the bound task supplies the model's
 * defaults ({@link ImageTask#resolve}) and {@link ImageTask#split} makes every one explicit,
 * including a seed, before a request goes to a miner.
 *
 * @param path the path it arrived on: {@link #PATH}, or {@link #EDITS_PATH} for an edit
 * @param model the public model id asked for
 * @param prompt what to draw; never blank
 * @param negativePrompt what to steer away from, or null
 * @param n how many pictures, 1 to {@value RequestParser#MAX_N}
 * @param size the size asked for, or null for the model's default
 * @param responseFormat {@link #B64_JSON} or {@link #URL}: how the user gets the pictures back
 * @param steps denoising steps, or null for the model's default
 * @param seed the seed of the first picture (picture {@code i} uses {@code seed + i}), or null
 * @param guidanceScale how strongly the prompt steers the picture, or null for the default
 * @param user the user's end-user id, or null; never forwarded to miners
 * @param edit what an edit starts from; null for a generation, never null for an edit
 */
public record ImageRequest(String path, String model, String prompt, String negativePrompt,
    int n, ImageSize size, String responseFormat, Integer steps, Long seed, Double guidanceScale,
    String user, EditInputs edit) implements TaskRequest {

  public static final String PATH = "/v1/images/generations";
  public static final String EDITS_PATH = "/v1/images/edits";
  public static final String B64_JSON = "b64_json";
  public static final String URL = "url";

  /** @throws IllegalArgumentException when a field is missing or has no allowed value */
  public ImageRequest {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(prompt, "prompt");
    if (prompt.isBlank()) {
      throw new IllegalArgumentException("prompt must not be blank");
    }
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, was " + n);
    }
    if (!B64_JSON.equals(responseFormat) && !URL.equals(responseFormat)) {
      throw new IllegalArgumentException(
          "responseFormat must be b64_json or url, was " + responseFormat);
    }
    if (negativePrompt != null && negativePrompt.isEmpty()) {
      negativePrompt = null;
    }
    if (EDITS_PATH.equals(path) != (edit != null)) {
      throw new IllegalArgumentException(edit == null ? "an edit needs its pictures"
          : "only an edit, on " + EDITS_PATH + ", has pictures to start from");
    }
  }

  /** A generation: no pictures to start from. */
  public ImageRequest(String path, String model, String prompt, String negativePrompt, int n,
      ImageSize size, String responseFormat, Integer steps, Long seed, Double guidanceScale,
      String user) {
    this(path, model, prompt, negativePrompt, n, size, responseFormat, steps, seed,
        guidanceScale, user, null);
  }

  /**
   * This request as a generation of the same prompt and parameters at the same size, its
   * pictures dropped (what a backend that ignores an edit's input draws).
   */
  public ImageRequest asGeneration() {
    ImageSize drawn = size == null && edit != null ? edit.size() : size;
    return new ImageRequest(PATH, model, prompt, negativePrompt, n, drawn, responseFormat, steps,
        seed, guidanceScale, user, null);
  }

  /** This edit with {@code inputs} in place of its own. */
  public ImageRequest withEdit(EditInputs inputs) {
    return new ImageRequest(EDITS_PATH, model, prompt, negativePrompt, n, size, responseFormat,
        steps, seed, guidanceScale, user, inputs);
  }

  /** Whether this is an edit of given pictures rather than a generation. */
  public boolean isEdit() {
    return edit != null;
  }

  /** One {@code b64_json} picture of {@code prompt} with every other choice left to the model. */
  public static ImageRequest of(String model, String prompt) {
    return new ImageRequest(PATH, model, prompt, null, 1, null, B64_JSON, null, null, null, null);
  }

  /** Whether the user wants the pictures by URL rather than inline. */
  public boolean wantsUrl() {
    return URL.equals(responseFormat);
  }

  ImageRequest withPart(long partSeed) {
    return new ImageRequest(path, model, prompt, negativePrompt, 1, size, responseFormat, steps,
        partSeed, guidanceScale, user, edit);
  }

  /** This request with {@code value} as its first picture's seed (null for none). */
  ImageRequest withSeed(Long value) {
    return new ImageRequest(path, model, prompt, negativePrompt, n, size, responseFormat, steps,
        value, guidanceScale, user, edit);
  }

  ImageRequest withDefaults(ImageSize size, int steps, double guidanceScale) {
    return new ImageRequest(path, model, prompt, negativePrompt, n, size, responseFormat, steps,
        seed, guidanceScale, user, edit);
  }
}
