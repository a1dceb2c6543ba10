package io.assay.task.image;

/**
 * The {@value #MODEL_ID} model: a deterministic, seeded, step-by-step image generator in pure
 * Java, so that devnets and tests need no diffusion model and a validator can check a miner by
 * drawing the same picture again.
 *
 * <p>How it works, as a caricature of a diffusion sampler:
 *
 * <ol>
 *   <li>The prompt and the negative prompt become two {@link Scene}s, composed with the same
 *       seed, and are painted into RGB fields P (conditioned) and U (unconditioned, or the
 *       negative prompt's). Classifier-free guidance gives the target {@code G = U + s (P - U)}
 *       with {@code s = guidance / }{@value #DEFAULT_GUIDANCE}: at the default scale the target
 *       is P, a larger scale pushes colours further from U, a smaller one washes them out.
 *   <li>The picture starts as seeded noise. Each of the {@code steps} steps moves every pixel a
 *       fraction of the way towards G plus one octave of value-noise detail (coarse octaves
 *       first, fine ones last, as a sampler forms composition before texture) and adds fresh
 *       noise that fades as the steps go on, down to a fine grain. Few steps leave a noisy, under-detailed picture;
 *       each step costs the same per pixel, so time grows with steps x pixels.
 *   <li>The result is clamped and rounded to 8-bit RGB (and, for pixel-art prompts, reduced to
 *       blocks) and written as PNG by {@link PngEncoder}.
 * </ol>
 *
 * <p>An edit ({@link EditInputs}) is the same sampler joined late, as image-to-image diffusion
 * does: it starts from the mean of its pictures plus the noise the schedule has left at step
 * {@code steps - k + 1}, {@code k = round(strength x steps)}, and runs the last {@code k} steps
 * towards the prompt's scene, each at the rate that leaves {@code 1 - strength} of the way from
 * the pictures to the scene untravelled. Low strength keeps most of the picture, strength 1
 * redraws it. With a mask, only the masked pixels take the result; every other pixel is the first
 * picture's, byte for byte.
 *
 * <p>Determinism: only IEEE double arithmetic (+, -, *, /, sqrt, floor), which Java 17 defines
 * bit for bit on every platform, {@link StrictMath#pow} (fdlibm's algorithm, specified to the
 * bit), and {@link SplitMix} seeded from SHA-256 of the parameters; no {@code Math}
 * transcendental functions, no hash-ordered collections, no threads. So the same
 * parameters give the same pixels, and the same PNG bytes, everywhere.
 *
 * <p>Stateless and thread-safe; a call runs on the caller's thread and allocates about 60 bytes
 * a pixel.
 */
final class ReferenceImageEngine {

  static final String MODEL_ID = "reference-image";

  /** The guidance scale at which the target is exactly the prompt's scene. */
  static final double DEFAULT_GUIDANCE = 7.5;

  /**
   * Noise every step adds even at the end, as film grain: pixel-level detail that any resampling,
   * blur or re-quantisation of a picture destroys, which the checker sees.
   */
  private static final double GRAIN = 8;

  /** Bumped whenever the pictures change, so old and new engines never seem to agree. */
  private static final String VERSION = "assay-reference-image/1";

  private ReferenceImageEngine() {}

  /**
   * What to draw.
   *
   * @param prompt what the picture shows
   * @param negativePrompt what to steer away from, or null
   * @param steps the denoising schedule's length; an edit runs only its last {@code
   *     edit.stepsRun(steps)}
   * @param edit the pictures to start from and the mask, or null to start from noise
   */
  record Params(String prompt, String negativePrompt, long seed, int width, int height,
      int steps, double guidance, EditInputs edit) {

    Params {
      if (width < 1 || height < 1 || steps < 1) {
        throw new IllegalArgumentException("width, height and steps must be positive");
      }
      if (edit != null && (edit.size().width() != width || edit.size().height() != height)) {
        throw new IllegalArgumentException("an edit draws at its pictures' size");
      }
    }

    /** A generation: drawn from noise. */
    Params(String prompt, String negativePrompt, long seed, int width, int height, int steps,
        double guidance) {
      this(prompt, negativePrompt, seed, width, height, steps, guidance, null);
    }
  }

  /**
   * A drawn picture.
   *
   * @param rgb 8-bit RGB, row by row, 3 bytes a pixel
   * @param pixelUpdates pixels the denoising loop updated: steps run x width x height
   */
  record Rendering(int width, int height, byte[] rgb, long pixelUpdates) {

    byte[] png() {
      return PngEncoder.encode(width, height, rgb);
    }
  }

  /** Draws {@code p}; CPU-bound for about 20 ns per pixel and step. */
  static Rendering render(Params p) {
    int w = p.width();
    int h = p.height();
    int pixels = w * h;
    long composition = SplitMix.digest(VERSION, "composition", p.prompt(), p.seed(), w, h);
    Scene scene = Scene.compose(p.prompt(), composition, w, h);
    Scene unconditioned = Scene.compose(p.negativePrompt(), composition, w, h);
    double[] target = new double[3 * pixels];
    double[] base = new double[3 * pixels];
    scene.paint(w, h, target);
    unconditioned.paint(w, h, base);
    double s = p.guidance() / DEFAULT_GUIDANCE;
    for (int i = 0; i < target.length; i++) {
      target[i] = base[i] + s * (target[i] - base[i]);
    }
    EditInputs edit = p.edit();
    long master = edit == null
        ? SplitMix.digest(VERSION, "noise", p.prompt(),
            p.negativePrompt() == null ? "" : p.negativePrompt(), p.seed(), w, h)
        : SplitMix.digest(VERSION, "edit-noise", p.prompt(),
            p.negativePrompt() == null ? "" : p.negativePrompt(), p.seed(), w, h,
            Double.doubleToLongBits(edit.strength()), edit.key());
    // A generation starts from noise and runs every step; an edit starts from its pictures with
    // the noise the schedule has left at the step it joins, and runs the remaining steps.
    int firstStep = edit == null ? 1 : p.steps() - edit.stepsRun(p.steps()) + 1;
    double[] x = base;
    SplitMix start = new SplitMix(master);
    if (edit == null) {
      for (int i = 0; i < x.length; i++) {
        x[i] = 128 + 100 * (start.nextDouble() - 0.5);
      }
    } else {
      double sigma = 20 * (1 - (double) (firstStep - 1) / p.steps()) + GRAIN;
      double[] mean = mean(edit.images());
      for (int i = 0; i < x.length; i++) {
        x[i] = mean[i] + sigma * (start.nextDouble() - 0.5);
      }
    }
    // An edit's steps share one rate, such that after them (1 - strength) of the way from its
    // pictures to the scene is left: a weak edit keeps most of the picture.
    double editRate = edit == null ? 0 : edit.strength() >= 1 ? 1
        : 1 - StrictMath.pow(1 - edit.strength(), 1.0 / (p.steps() - firstStep + 1));
    long updates = 0;
    double side = Math.min(w, h);
    for (int t = firstStep; t <= p.steps(); t++) {
      double progress = (double) t / p.steps();
      double rate = edit == null ? 0.2 + 0.7 * progress : editRate;
      double sigma = 20 * (1 - progress) + GRAIN;
      int octave = Math.min(4, (int) (5 * progress));
      double period = side / (4 << octave);
      double detail = 26 * scene.texture * (1 - 0.3 * progress);
      long detailSeed = SplitMix.mix(master + t * 0x632BE59BD9B4E019L);
      SplitMix noise = new SplitMix(detailSeed ^ 0x5DEECE66DL);
      for (int y = 0; y < h; y++) {
        double ny = y / period;
        for (int xx = 0; xx < w; xx++) {
          double d = (Motif.noise(xx / period, ny, detailSeed) - 0.5) * detail;
          long bits = noise.nextLong();
          int at = 3 * (y * w + xx);
          x[at] += rate * (target[at] + d - x[at])
              + sigma * (((bits & 0x1FFFFF) * 0x1.0p-21) - 0.5);
          x[at + 1] += rate * (target[at + 1] + 0.92 * d - x[at + 1])
              + sigma * ((((bits >>> 21) & 0x1FFFFF) * 0x1.0p-21) - 0.5);
          x[at + 2] += rate * (target[at + 2] + 0.8 * d - x[at + 2])
              + sigma * ((((bits >>> 42) & 0x1FFFFF) * 0x1.0p-21) - 0.5);
        }
        updates += w;
      }
    }
    byte[] rgb = new byte[3 * pixels];
    int block = scene.pixelBlock;
    for (int y = 0; y < h; y++) {
      for (int xx = 0; xx < w; xx++) {
        int from = block == 1 ? 3 * (y * w + xx) : 3 * ((y - y % block) * w + xx - xx % block);
        int to = 3 * (y * w + xx);
        for (int k = 0; k < 3; k++) {
          double v = x[from + k];
          if (block > 1) {
            v = Math.floor(v / 32) * 32 + 16;
          }
          int q = (int) Math.floor(v + 0.5);
          rgb[to + k] = (byte) (q < 0 ? 0 : q > 255 ? 255 : q);
        }
      }
    }
    if (edit != null && edit.mask() != null) {
      // Outside the mask the first picture stays as it was, byte for byte.
      byte[] kept = edit.images().get(0).rgb();
      for (int i = 0; i < pixels; i++) {
        if (!edit.mask().redraws(i)) {
          rgb[3 * i] = kept[3 * i];
          rgb[3 * i + 1] = kept[3 * i + 1];
          rgb[3 * i + 2] = kept[3 * i + 2];
        }
      }
    }
    return new Rendering(w, h, rgb, updates);
  }

  /** The pictures' mean, sample by sample (the picture itself when there is one). */
  private static double[] mean(java.util.List<EditInputs.Picture> pictures) {
    byte[] first = pictures.get(0).rgb();
    double[] sum = new double[first.length];
    for (EditInputs.Picture picture : pictures) {
      byte[] rgb = picture.rgb();
      for (int i = 0; i < sum.length; i++) {
        sum[i] += rgb[i] & 0xff;
      }
    }
    double count = pictures.size();
    for (int i = 0; i < sum.length; i++) {
      sum[i] /= count;
    }
    return sum;
  }
}
