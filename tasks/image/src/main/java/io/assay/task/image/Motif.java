package io.assay.task.image;

/**
 * One shape of a {@link Scene}: how much of a pixel it covers, in [0, 1]. Coordinates are in
 * pixels; shapes are soft-edged over about a pixel so the result does not alias.
 */
final class Motif {

  enum Type { GLOW, DISC, RIDGE, TREE, BUILDING, ELLIPSE, TOWER, CLOUDS, STARS }

  final Type type;
  final int layer;
  final double[] colour;
  final double cx;
  final double cy;
  final double rx;
  final double ry;
  /** Ridge peaks as (x, height) pairs, or the noise seed of clouds and stars. */
  final double[] extra;
  final long seed;

  Motif(Type type, int layer, double[] colour, double cx, double cy, double rx, double ry,
      double[] extra, long seed) {
    this.type = type;
    this.layer = layer;
    this.colour = colour;
    this.cx = cx;
    this.cy = cy;
    this.rx = rx;
    this.ry = ry;
    this.extra = extra;
    this.seed = seed;
  }

  /** Coverage of pixel centre ({@code x}, {@code y}); {@code horizon} is the warped horizon. */
  double cover(double x, double y, double horizon) {
    if ((type == Type.GLOW || type == Type.DISC || type == Type.ELLIPSE)
        && (Math.abs(x - cx) > rx + 1 || Math.abs(y - cy) > ry + 1)) {
      return 0;
    }
    switch (type) {
      case GLOW -> {
        double d = dist(x, y) / rx;
        return d >= 1 ? 0 : 0.6 * (1 - d) * (1 - d);
      }
      case DISC -> {
        return edge(rx - dist(x, y));
      }
      case ELLIPSE -> {
        double dx = (x - cx) / rx;
        double dy = (y - cy) / ry;
        double d = dx * dx + dy * dy;
        return d >= 1.1 ? 0 : edge((1 - d) * Math.min(rx, ry) * 0.5);
      }
      case RIDGE -> {
        double top = cy;
        for (int i = 0; i < extra.length; i += 2) {
          double peak = cy - extra[i + 1] * (1 - Math.abs(x - extra[i]) / rx);
          top = Math.min(top, peak);
        }
        return y > horizon + 2 ? 0 : edge(y - top);
      }
      case TREE -> {
        if (y < cy - ry || y > cy) {
          return 0;
        }
        double half = rx * (y - (cy - ry)) / ry;
        return edge(half - Math.abs(x - cx));
      }
      case BUILDING, TOWER -> {
        if (x < cx - rx - 1 || x > cx + rx + 1 || y < cy - ry - 1 || y > horizon + 1) {
          return 0;
        }
        return Math.min(edge(rx - Math.abs(x - cx)), edge(y - (cy - ry)));
      }
      case CLOUDS -> {
        if (y > horizon) {
          return 0;
        }
        double n = 0.65 * noise(x / rx, y / ry, seed) + 0.35 * noise(x / rx * 2.3,
            y / ry * 2.3, seed + 1);
        double c = (n - cx) * 4;
        return c <= 0 ? 0 : c >= 1 ? 1 : c;
      }
      case STARS -> {
        if (y > horizon) {
          return 0;
        }
        double v = SplitMix.lattice((int) x, (int) y, seed);
        return v < rx ? 0.4 + 0.6 * (v / rx) : 0;
      }
      default -> throw new IllegalStateException(type.name());
    }
  }

  /** Whether a building's pixel is a lit window. */
  boolean window(double x, double y) {
    int wx = (int) ((x - cx + rx) / 5);
    int wy = (int) ((y - cy + ry) / 7);
    return (((int) (x - cx + rx)) % 5) < 3 && (((int) (y - cy + ry)) % 7) < 4
        && SplitMix.lattice(wx, wy, seed) < 0.45;
  }

  private double dist(double x, double y) {
    double dx = x - cx;
    double dy = y - cy;
    return Math.sqrt(dx * dx + dy * dy);
  }

  private static double edge(double inside) {
    return inside <= -0.5 ? 0 : inside >= 0.5 ? 1 : inside + 0.5;
  }

  /** Smooth value noise in [0, 1); {@code x}, {@code y} non-negative. */
  static double noise(double x, double y, long seed) {
    int ix = (int) x;
    int iy = (int) y;
    double tx = x - ix;
    double ty = y - iy;
    tx = tx * tx * (3 - 2 * tx);
    ty = ty * ty * (3 - 2 * ty);
    double a = SplitMix.lattice(ix, iy, seed);
    double b = SplitMix.lattice(ix + 1, iy, seed);
    double c = SplitMix.lattice(ix, iy + 1, seed);
    double d = SplitMix.lattice(ix + 1, iy + 1, seed);
    double top = a + (b - a) * tx;
    double bottom = c + (d - c) * tx;
    return top + (bottom - top) * ty;
  }
}
