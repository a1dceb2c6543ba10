package io.assay.task.zk.groth16.bn254;

import java.math.BigInteger;

/**
 * A point of BN254's G1, y^2 = x^3 + 3 over F_p, in Jacobian coordinates (x = X/Z^2,
 * y = Y/Z^3; Z = 0 is the point at infinity), immutable. The curve has prime order r, so every
 * point on it is in G1: checking the equation is the whole membership test.
 */
public final class G1 {

  private static final Fp B = Fp.of(3);
  public static final G1 INFINITY = new G1(Fp.ONE, Fp.ONE, Fp.ZERO);
  public static final G1 GENERATOR = new G1(Fp.ONE, Fp.of(2), Fp.ONE);

  final Fp x;
  final Fp y;
  final Fp z;

  private G1(Fp x, Fp y, Fp z) {
    this.x = x;
    this.y = y;
    this.z = z;
  }

  /** The affine point (x, y), or null if it is not on the curve. */
  public static G1 ofAffine(Fp x, Fp y) {
    return y.square().equals(x.square().mul(x).add(B)) ? new G1(x, y, Fp.ONE) : null;
  }

  public boolean isInfinity() {
    return z.isZero();
  }

  public G1 neg() {
    return new G1(x, y.neg(), z);
  }

  /** This point with Z = 1 (one inversion), so x and y are the affine coordinates. */
  public G1 toAffine() {
    if (isInfinity() || z.equals(Fp.ONE)) {
      return this;
    }
    Fp zInv = z.inverse();
    Fp zInv2 = zInv.square();
    return new G1(x.mul(zInv2), y.mul(zInv2).mul(zInv), Fp.ONE);
  }

  /** Affine x; only on a point from {@link #toAffine()}. */
  public Fp affineX() {
    return x;
  }

  public Fp affineY() {
    return y;
  }

  /** dbl-2009-l (a = 0): 2M + 5S. */
  public G1 dbl() {
    if (isInfinity()) {
      return this;
    }
    Fp a = x.square();
    Fp b = y.square();
    Fp c = b.square();
    Fp d = x.add(b).square().sub(a).sub(c).dbl();
    Fp e = a.dbl().add(a);
    Fp f = e.square();
    Fp x3 = f.sub(d.dbl());
    Fp y3 = e.mul(d.sub(x3)).sub(c.dbl().dbl().dbl());
    Fp z3 = y.mul(z).dbl();
    return new G1(x3, y3, z3);
  }

  /** add-2007-bl, falling back to doubling when the points are equal. */
  public G1 add(G1 q) {
    if (isInfinity()) {
      return q;
    }
    if (q.isInfinity()) {
      return this;
    }
    Fp z1z1 = z.square();
    Fp z2z2 = q.z.square();
    Fp u1 = x.mul(z2z2);
    Fp u2 = q.x.mul(z1z1);
    Fp s1 = y.mul(q.z).mul(z2z2);
    Fp s2 = q.y.mul(z).mul(z1z1);
    Fp h = u2.sub(u1);
    Fp r = s2.sub(s1).dbl();
    if (h.isZero()) {
      return r.isZero() ? dbl() : INFINITY;
    }
    Fp i = h.dbl().square();
    Fp j = h.mul(i);
    Fp v = u1.mul(i);
    Fp x3 = r.square().sub(j).sub(v.dbl());
    Fp y3 = r.mul(v.sub(x3)).sub(s1.mul(j).dbl());
    Fp z3 = z.add(q.z).square().sub(z1z1).sub(z2z2).mul(h);
    return new G1(x3, y3, z3);
  }

  public G1 mul(BigInteger k) {
    return multiScalarMul(new G1[] {this}, new BigInteger[] {k});
  }

  /**
   * sum k_i P_i for non-negative scalars, by Straus's method with 4-bit windows: the doublings
   * are shared by all terms, so n scalars of b bits cost b doublings and about n b / 4 additions.
   */
  public static G1 multiScalarMul(G1[] points, BigInteger[] scalars) {
    int n = points.length;
    G1[][] table = new G1[n][16];
    int bits = 0;
    for (int i = 0; i < n; i++) {
      table[i][0] = INFINITY;
      for (int m = 1; m < 16; m++) {
        table[i][m] = table[i][m - 1].add(points[i]);
      }
      bits = Math.max(bits, scalars[i].bitLength());
    }
    G1 acc = INFINITY;
    for (int window = (bits + 3) / 4 - 1; window >= 0; window--) {
      acc = acc.dbl().dbl().dbl().dbl();
      for (int i = 0; i < n; i++) {
        int digit = nibble(scalars[i], window);
        if (digit != 0) {
          acc = acc.add(table[i][digit]);
        }
      }
    }
    return acc;
  }

  static int nibble(BigInteger k, int window) {
    int digit = 0;
    for (int b = 3; b >= 0; b--) {
      digit = (digit << 1) | (k.testBit(window * 4 + b) ? 1 : 0);
    }
    return digit;
  }

  /** Same point, whatever the coordinates' scaling. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof G1 q)) {
      return false;
    }
    if (isInfinity() || q.isInfinity()) {
      return isInfinity() && q.isInfinity();
    }
    Fp z1z1 = z.square();
    Fp z2z2 = q.z.square();
    return x.mul(z2z2).equals(q.x.mul(z1z1))
        && y.mul(q.z).mul(z2z2).equals(q.y.mul(z).mul(z1z1));
  }

  @Override
  public int hashCode() {
    return toAffine().x.hashCode();
  }

  @Override
  public String toString() {
    G1 a = toAffine();
    return isInfinity() ? "G1(infinity)" : "G1(" + a.x + ", " + a.y + ")";
  }
}
