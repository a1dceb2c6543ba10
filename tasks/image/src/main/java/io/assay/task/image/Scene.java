package io.assay.task.image;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * The picture a prompt asks for, as the reference engine's denoising loop aims at it: a sky and
 * a ground split by a horizon, shapes ({@link Motif}s) in layers, and a style.
 *
 * <p>How it is made: the prompt's words ({@link Lexicon}) choose the sky, the ground, the things
 * in the picture, their colours and the style; the composition random source (seeded from the
 * prompt, the seed and the size) places everything and draws a low-frequency light field, so
 * another seed rearranges the same subject matter, as a diffusion model's seed does. {@link
 * #paint} evaluates it per pixel into an RGB field. Everything is plain double arithmetic and
 * {@link SplitMix}, hence identical on every JVM. Immutable once built.
 */
final class Scene {

  enum Sky {
    NEUTRAL(new double[] {128, 124, 118}, new double[] {152, 148, 140}),
    DAY(new double[] {70, 130, 210}, new double[] {185, 212, 240}),
    SUNSET(new double[] {55, 35, 105}, new double[] {250, 135, 60}),
    NIGHT(new double[] {5, 8, 30}, new double[] {32, 38, 85}),
    STORM(new double[] {48, 52, 62}, new double[] {112, 116, 126}),
    SPACE(new double[] {0, 0, 6}, new double[] {25, 8, 45}),
    FOG(new double[] {178, 183, 188}, new double[] {212, 212, 210});

    final double[] top;
    final double[] bottom;

    Sky(double[] top, double[] bottom) {
      this.top = top;
      this.bottom = bottom;
    }
  }

  enum Ground {
    NEUTRAL(new double[] {112, 106, 96}, new double[] {80, 75, 70}),
    WATER(new double[] {25, 85, 150}, new double[] {5, 30, 80}),
    FOREST(new double[] {45, 95, 40}, new double[] {15, 45, 20}),
    DESERT(new double[] {225, 185, 115}, new double[] {180, 130, 70}),
    SNOW(new double[] {235, 240, 250}, new double[] {185, 198, 222}),
    CITY(new double[] {62, 62, 72}, new double[] {30, 30, 36}),
    MEADOW(new double[] {95, 155, 60}, new double[] {50, 100, 30}),
    LAVA(new double[] {70, 22, 10}, new double[] {210, 65, 12});

    final double[] top;
    final double[] bottom;

    Ground(double[] top, double[] bottom) {
      this.top = top;
      this.bottom = bottom;
    }
  }

  enum Thing { SUN, MOON, PLANET, CLOUDS, STARS, MOUNTAINS, TREE }

  private final double[] skyTop;
  private final double[] skyBottom;
  private final double[] groundTop;
  private final double[] groundBottom;
  private final double horizon;
  private final double waves;
  private final List<Motif> motifs;
  private final long lightSeed;
  private final double saturation;
  private final double contrast;
  private final double brightness;
  private final boolean mono;
  final double texture;
  final int pixelBlock;
  final boolean night;

  private Scene(Builder b, double horizon, List<Motif> motifs, double[] skyTop, double[] skyBottom,
      double[] groundTop, double[] groundBottom, double waves) {
    this.skyTop = skyTop;
    this.skyBottom = skyBottom;
    this.groundTop = groundTop;
    this.groundBottom = groundBottom;
    this.horizon = horizon;
    this.waves = waves;
    this.motifs = motifs;
    this.lightSeed = b.random.nextLong();
    this.saturation = b.saturation;
    this.contrast = b.contrast;
    this.brightness = b.brightness;
    this.texture = b.texture;
    this.mono = b.mono;
    this.pixelBlock = b.pixelated ? Math.max(4, Math.min(b.width, b.height) / 64) : 1;
    this.night = b.sky == Sky.NIGHT || b.sky == Sky.SPACE;
  }

  /**
   * The scene for {@code prompt} (null or empty: the unconditioned scene, what the engine draws
   * for no prompt at all), composed with {@code seed} at {@code width x height}.
   */
  static Scene compose(String prompt, long seed, int width, int height) {
    Builder b = new Builder(new SplitMix(seed), width, height);
    if (prompt != null) {
      for (String word : prompt.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
        if (!word.isEmpty()) {
          Lexicon.apply(word, b);
        }
      }
    }
    return b.build();
  }

  /**
   * The scene's colour at every pixel: {@code out[3 * (y * width + x) + c]}, channels in 0-255
   * (not clamped).
   */
  void paint(int width, int height, double[] out) {
    double lightCell = Math.max(width, height) / 3.0;
    double[] horizonAt = new double[width];
    for (int x = 0; x < width; x++) {
      horizonAt[x] = horizon + (Motif.noise(x / lightCell, 0.5, lightSeed + 7) - 0.5)
          * 0.1 * height;
    }
    double[] c = new double[3];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double h = horizonAt[x];
        double px = x + 0.5;
        double py = y + 0.5;
        if (py < h) {
          lerp(skyTop, skyBottom, py / h, c);
        } else {
          lerp(groundTop, groundBottom, (py - h) / Math.max(1, height - h), c);
          if (waves > 0) {
            double phase = (py - h) * waves / Math.sqrt(1 + (py - h) / 12)
                + 3 * Motif.noise(px / 40, py / 12, lightSeed + 3);
            double shade = 0.82 + 0.36 * Math.abs(phase - Math.floor(phase) - 0.5);
            scale(c, shade);
          }
        }
        for (Motif m : motifs) {
          double cover = m.cover(px, py, h);
          if (cover > 0) {
            double[] colour = m.colour;
            if (m.type == Motif.Type.BUILDING && m.window(px, py)) {
              colour = night ? WINDOW_LIT : WINDOW_DAY;
            }
            for (int k = 0; k < 3; k++) {
              c[k] += (colour[k] - c[k]) * cover;
            }
          }
        }
        double light = 0.78 + 0.44 * Motif.noise(px / lightCell, py / lightCell, lightSeed);
        style(c, light);
        int at = 3 * (y * width + x);
        out[at] = c[0];
        out[at + 1] = c[1];
        out[at + 2] = c[2];
      }
    }
  }

  private static final double[] WINDOW_LIT = {255, 215, 130};
  private static final double[] WINDOW_DAY = {170, 195, 215};

  private void style(double[] c, double light) {
    double grey = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
    for (int k = 0; k < 3; k++) {
      double v = mono ? grey : grey + (c[k] - grey) * saturation;
      v = 128 + (v * light * brightness - 128) * contrast;
      c[k] = v;
    }
  }

  private static void lerp(double[] a, double[] b, double t, double[] out) {
    for (int k = 0; k < 3; k++) {
      out[k] = a[k] + (b[k] - a[k]) * t;
    }
  }

  private static void scale(double[] c, double f) {
    for (int k = 0; k < 3; k++) {
      c[k] *= f;
    }
  }

  /** Collects what the words ask for; {@link #build} places it. Used once, by one thread. */
  static final class Builder {

    final SplitMix random;
    final int width;
    final int height;
    private Sky sky;
    private Ground ground;
    private final EnumSet<Thing> things = EnumSet.noneOf(Thing.class);
    private final List<double[]> colours = new ArrayList<>();
    private final List<String> subjects = new ArrayList<>();
    private final List<Boolean> buildingLike = new ArrayList<>();
    private final List<String> unknown = new ArrayList<>();
    private double saturation = 1;
    private double contrast = 1;
    private double brightness = 1;
    private double texture = 1;
    private boolean mono;
    private boolean pixelated;

    Builder(SplitMix random, int width, int height) {
      this.random = random;
      this.width = width;
      this.height = height;
    }

    void colour(int r, int g, int b) {
      colours.add(new double[] {r, g, b});
    }

    void sky(Sky s) {
      if (sky == null) {
        sky = s;
      }
    }

    void ground(Ground g) {
      if (ground == null) {
        ground = g;
      }
    }

    void thing(Thing t) {
      things.add(t);
    }

    void subject(String word, boolean building) {
      if (subjects.size() < 4) {
        subjects.add(word);
        buildingLike.add(building);
      }
    }

    void unknown(String word) {
      if (unknown.size() < 12) {
        unknown.add(word);
      }
    }

    void style(double saturation, double contrast, double brightness, double texture) {
      this.saturation *= saturation;
      this.contrast *= contrast;
      this.brightness *= brightness;
      this.texture *= texture;
    }

    void mono() {
      mono = true;
    }

    void pixelated() {
      pixelated = true;
    }

    Scene build() {
      int w = width;
      int h = height;
      double side = Math.min(w, h);
      Sky s = sky != null ? sky : unknown.isEmpty() && colours.isEmpty() ? Sky.NEUTRAL : Sky.DAY;
      Ground g = ground != null ? ground : Ground.NEUTRAL;
      double[] skyTop = s.top.clone();
      double[] skyBottom = s.bottom.clone();
      double[] groundTop = g.top.clone();
      double[] groundBottom = g.bottom.clone();
      // Unknown words tint the whole picture a little, each in a colour of its own.
      for (String word : unknown) {
        double[] hue = hashColour(word);
        mix(skyTop, hue, 0.18);
        mix(skyBottom, hue, 0.12);
        mix(groundTop, hue, 0.15);
      }
      if (!colours.isEmpty()) {
        double[] main = colours.get(0);
        mix(skyBottom, main, 0.35);
        mix(skyTop, main, 0.2);
        mix(groundTop, main, 0.35);
        mix(groundBottom, main, 0.25);
      }
      boolean space = s == Sky.SPACE && ground == null;
      double horizon = space ? h * 1.3 : h * random.range(0.48, 0.72);
      List<Motif> motifs = new ArrayList<>();
      if (s == Sky.NIGHT || s == Sky.SPACE) {
        things.add(Thing.STARS);
      }
      if (s == Sky.SUNSET && !things.contains(Thing.MOON)) {
        things.add(Thing.SUN);
      }
      if (s == Sky.STORM) {
        things.add(Thing.CLOUDS);
      }
      if (g == Ground.FOREST) {
        things.add(Thing.TREE);
      }
      if (things.contains(Thing.STARS)) {
        motifs.add(new Motif(Motif.Type.STARS, 0, new double[] {255, 250, 235}, 0, 0,
            0.004 + 0.004 * random.nextDouble(), 0, null, random.nextLong()));
      }
      if (things.contains(Thing.CLOUDS)) {
        double[] colour = s == Sky.STORM ? new double[] {70, 72, 80}
            : s == Sky.SUNSET ? new double[] {250, 170, 150} : new double[] {245, 245, 248};
        double cell = side * random.range(0.12, 0.22);
        motifs.add(new Motif(Motif.Type.CLOUDS, 1, colour, random.range(0.45, 0.6), 0, cell,
            cell * 0.45, null, random.nextLong()));
      }
      if (things.contains(Thing.SUN) || things.contains(Thing.MOON)
          || things.contains(Thing.PLANET)) {
        boolean sun = things.contains(Thing.SUN);
        boolean planet = !sun && !things.contains(Thing.MOON);
        double r = side * (planet ? random.range(0.12, 0.25) : random.range(0.05, 0.1));
        double cx = w * random.range(0.15, 0.85);
        double cy = s == Sky.SUNSET ? horizon - r * random.range(0.2, 1.2)
            : Math.min(horizon, h) * random.range(0.15, 0.45);
        double[] colour = sun ? new double[] {255, 205, 90}
            : planet ? (colours.isEmpty() ? new double[] {200, 120, 80} : colours.get(0))
            : new double[] {235, 235, 215};
        motifs.add(new Motif(Motif.Type.GLOW, 2, colour, cx, cy, r * 3.5, r * 3.5, null, 0));
        motifs.add(new Motif(Motif.Type.DISC, 3, colour, cx, cy, r, r, null, 0));
      }
      if (things.contains(Thing.MOUNTAINS)) {
        int peaks = 3 + random.nextInt(4);
        double[] ridge = new double[peaks * 2];
        for (int i = 0; i < peaks; i++) {
          ridge[2 * i] = w * random.nextDouble();
          ridge[2 * i + 1] = h * random.range(0.12, 0.35);
        }
        double[] colour = s == Sky.NIGHT ? new double[] {25, 28, 50} : new double[] {88, 98, 128};
        motifs.add(new Motif(Motif.Type.RIDGE, 4, colour, 0, horizon + 1, w * 0.3, 0, ridge, 0));
      }
      if (things.contains(Thing.TREE)) {
        int trees = g == Ground.FOREST ? 8 + random.nextInt(10) : 1 + random.nextInt(2);
        for (int i = 0; i < trees; i++) {
          double base = horizon + (h - horizon) * random.range(0.05, 0.6);
          double th = h * random.range(0.12, 0.3) * (g == Ground.FOREST ? 1 : 1.6);
          double shade = random.range(0.6, 1.1);
          double[] colour = {20 * shade, 70 * shade, 30 * shade};
          motifs.add(new Motif(Motif.Type.TREE, 5, colour, w * random.nextDouble(), base,
              th * random.range(0.25, 0.4), th, null, 0));
        }
      }
      if (g == Ground.CITY) {
        int buildings = 6 + random.nextInt(8);
        for (int i = 0; i < buildings; i++) {
          double bw = w * random.range(0.04, 0.11);
          double bh = h * random.range(0.15, 0.5);
          double shade = random.range(0.5, 1.0);
          double[] colour = {60 * shade, 62 * shade, 75 * shade};
          motifs.add(new Motif(Motif.Type.BUILDING, 5, colour, w * random.nextDouble(),
              horizon + 1, bw / 2, bh, null, random.nextLong()));
        }
      }
      for (String word : unknown) {
        double r = side * random.range(0.02, 0.06);
        motifs.add(new Motif(Motif.Type.ELLIPSE, 6, hashColour(word), w * random.nextDouble(),
            h * random.range(0.1, 0.95), r, r * random.range(0.6, 1.4), null, 0));
      }
      if (g == Ground.MEADOW) {
        int flowers = 20 + random.nextInt(30);
        for (int i = 0; i < flowers; i++) {
          double[] colour = colours.isEmpty() ? FLOWERS[random.nextInt(FLOWERS.length)]
              : colours.get(random.nextInt(colours.size()));
          double r = side * random.range(0.006, 0.016);
          motifs.add(new Motif(Motif.Type.DISC, 6, colour, w * random.nextDouble(),
              horizon + (h - horizon) * random.range(0.05, 1), r, r, null, 0));
        }
      }
      for (int i = 0; i < subjects.size(); i++) {
        String word = subjects.get(i);
        double[] colour = i < colours.size() ? colours.get(i) : darken(hashColour(word));
        double size = side * random.range(0.12, 0.22) / Math.sqrt(subjects.size());
        double cx = w * (subjects.size() == 1 ? random.range(0.35, 0.65)
            : (i + 0.5) / subjects.size() + random.range(-0.05, 0.05));
        double base = Math.min(h * 0.95, horizon + (h - Math.min(horizon, h)) * 0.4);
        if (buildingLike.get(i)) {
          motifs.add(new Motif(Motif.Type.TOWER, 7, colour, cx, base, size * 0.45, size * 2.2,
              null, 0));
          motifs.add(new Motif(Motif.Type.TREE, 7, darken(colour), cx, base - size * 2.2,
              size * 0.75, size * 0.8, null, 0));
        } else {
          double aspect = 0.6 + 0.8 * ((SplitMix.digest(word) >>> 1) % 100) / 100.0;
          motifs.add(new Motif(Motif.Type.ELLIPSE, 7, colour, cx, base - size * 0.8, size * aspect,
              size * 0.8, null, 0));
          motifs.add(new Motif(Motif.Type.ELLIPSE, 8, colour, cx + size * aspect * 0.7,
              base - size * 1.7, size * 0.42, size * 0.42, null, 0));
        }
      }
      motifs.sort(Comparator.comparingInt(m -> m.layer));
      double waves = g == Ground.WATER ? random.range(0.08, 0.16)
          : g == Ground.DESERT ? random.range(0.02, 0.04) : 0;
      return new Scene(this, horizon, List.copyOf(motifs), skyTop, skyBottom, groundTop,
          groundBottom, waves);
    }

    private static final double[][] FLOWERS = {{230, 60, 70}, {250, 220, 60}, {245, 245, 245},
        {180, 90, 220}, {250, 140, 190}};

    private static double[] hashColour(String word) {
      long h = SplitMix.digest(word);
      return new double[] {40 + (h & 0xbf), 40 + ((h >>> 8) & 0xbf), 40 + ((h >>> 16) & 0xbf)};
    }

    private static double[] darken(double[] c) {
      return new double[] {c[0] * 0.6, c[1] * 0.6, c[2] * 0.6};
    }

    private static void mix(double[] target, double[] colour, double amount) {
      for (int k = 0; k < 3; k++) {
        target[k] += (colour[k] - target[k]) * amount;
      }
    }
  }
}
