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
 * <p>Determinism: only IEEE double arithmetic (+, -, *, /, sqrt, floor), which Java 17 defines
 * bit for bit on every platform, and {@link SplitMix} seeded from SHA-256 of the parameters;
 * no {@code Math} transcendental functions, no hash-ordered collections, no threads. So the same
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
   */
  record Params(String prompt, String negativePrompt, long seed, int width, int height,
      int steps, double guidance) {

    Params {
      if (width < 1 || height < 1 || steps < 1) {
        throw new IllegalArgumentException("width, height and steps must be positive");
      }
    }
  }

  /**
   * A drawn picture.
   *
   * @param rgb 8-bit RGB, row by row, 3 bytes a pixel
   * @param pixelUpdates pixels the denoising loop updated: steps x width x height
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
    long master = SplitMix.digest(VERSION, "noise", p.prompt(),
        p.negativePrompt() == null ? "" : p.negativePrompt(), p.seed(), w, h);
    double[] x = base;
    SplitMix start = new SplitMix(master);
    for (int i = 0; i < x.length; i++) {
      x[i] = 128 + 100 * (start.nextDouble() - 0.5);
    }
    long updates = 0;
    double side = Math.min(w, h);
    for (int t = 1; t <= p.steps(); t++) {
      double progress = (double) t / p.steps();
      double rate = 0.2 + 0.7 * progress;
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
    return new Rendering(w, h, rgb, updates);
  }
}
