package io.assay.task.image;

import java.util.List;

/**
 * What one image model accepts: its sizes, step range and defaults.
 *
 * @param sizes the sizes it draws, in the order they are listed in error messages
 * @param defaultSize the size used when a request names none
 * @param minSteps fewest denoising steps
 * @param maxSteps most denoising steps
 * @param defaultSteps steps used when a request names none
 * @param defaultGuidance guidance scale used when a request names none
 * @param maxEditImages most pictures one edit may start from
 */
record ImageLimits(List<ImageSize> sizes, ImageSize defaultSize, int minSteps, int maxSteps,
    int defaultSteps, double defaultGuidance, int maxEditImages) {

  /** The reference engine's limits: square sizes up to 1024 and two 2:3 portrait/landscapes. */
  static final ImageLimits REFERENCE = new ImageLimits(
      List.of(new ImageSize(256, 256), new ImageSize(512, 512), new ImageSize(768, 768),
          new ImageSize(1024, 1024), new ImageSize(512, 768), new ImageSize(768, 512)),
      new ImageSize(512, 512), 1, 50, 20, ReferenceImageEngine.DEFAULT_GUIDANCE, 4);

  /**
   * Limits for models served by an upstream diffusion server: the sizes Stable Diffusion and
   * OpenAI's models commonly draw, the step range diffusers pipelines accept, and as many
   * pictures an edit as OpenAI's gpt-image-1 takes.
   */
  static final ImageLimits UPSTREAM = new ImageLimits(
      List.of(new ImageSize(256, 256), new ImageSize(512, 512), new ImageSize(768, 768),
          new ImageSize(1024, 1024), new ImageSize(512, 768), new ImageSize(768, 512),
          new ImageSize(1024, 768), new ImageSize(768, 1024), new ImageSize(1792, 1024),
          new ImageSize(1024, 1792)),
      new ImageSize(1024, 1024), 1, 100, 30, ReferenceImageEngine.DEFAULT_GUIDANCE,
      EditRequestParser.MAX_IMAGES);

  ImageLimits {
    sizes = List.copyOf(sizes);
  }

  static ImageLimits forModel(String model) {
    return ReferenceImageEngine.MODEL_ID.equals(model) ? REFERENCE : UPSTREAM;
  }

  String sizeList() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < sizes.size(); i++) {
      out.append(i == 0 ? "" : i == sizes.size() - 1 ? " or " : ", ")
          .append('\'').append(sizes.get(i)).append('\'');
    }
    return out.toString();
  }
}
