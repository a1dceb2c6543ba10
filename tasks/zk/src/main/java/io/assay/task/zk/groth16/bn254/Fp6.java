package io.assay.task.zk.groth16.bn254;

import java.math.BigInteger;

/** An element c0 + c1 v + c2 v^2 of F_p6 = F_p2[v] / (v^3 - xi), immutable. */
public final class Fp6 {

  public static final Fp6 ZERO = new Fp6(Fp2.ZERO, Fp2.ZERO, Fp2.ZERO);
  public static final Fp6 ONE = new Fp6(Fp2.ONE, Fp2.ZERO, Fp2.ZERO);

  /** v^(p^k - 1) = xi^((p^k - 1) / 3) and v^(2 (p^k - 1)), for the Frobenius map, k = 0..3. */
  private static final Fp2[] FROBENIUS_V = new Fp2[4];
  private static final Fp2[] FROBENIUS_V2 = new Fp2[4];

  static {
    for (int k = 0; k < 4; k++) {
      BigInteger e = Fp.P.pow(k).subtract(BigInteger.ONE).divide(BigInteger.valueOf(3));
      FROBENIUS_V[k] = Fp2.XI.pow(e);
      FROBENIUS_V2[k] = FROBENIUS_V[k].square();
    }
  }

  public final Fp2 c0;
  public final Fp2 c1;
  public final Fp2 c2;

  public Fp6(Fp2 c0, Fp2 c1, Fp2 c2) {
    this.c0 = c0;
    this.c1 = c1;
    this.c2 = c2;
  }

  public boolean isZero() {
    return c0.isZero() && c1.isZero() && c2.isZero();
  }

  public Fp6 add(Fp6 b) {
    return new Fp6(c0.add(b.c0), c1.add(b.c1), c2.add(b.c2));
  }

  public Fp6 sub(Fp6 b) {
    return new Fp6(c0.sub(b.c0), c1.sub(b.c1), c2.sub(b.c2));
  }

  public Fp6 neg() {
    return new Fp6(c0.neg(), c1.neg(), c2.neg());
  }

  /** Karatsuba over the three coefficients: six F_p2 products. */
  public Fp6 mul(Fp6 b) {
    Fp2 v0 = c0.mul(b.c0);
    Fp2 v1 = c1.mul(b.c1);
    Fp2 v2 = c2.mul(b.c2);
    Fp2 r0 = c1.add(c2).mul(b.c1.add(b.c2)).sub(v1).sub(v2).mulByXi().add(v0);
    Fp2 r1 = c0.add(c1).mul(b.c0.add(b.c1)).sub(v0).sub(v1).add(v2.mulByXi());
    Fp2 r2 = c0.add(c2).mul(b.c0.add(b.c2)).sub(v0).sub(v2).add(v1);
    return new Fp6(r0, r1, r2);
  }

  public Fp6 mul(Fp2 b) {
    return new Fp6(c0.mul(b), c1.mul(b), c2.mul(b));
  }

  /** this * (b0 + b1 v), for the sparse line values of the Miller loop: five F_p2 products. */
  public Fp6 mulBy01(Fp2 b0, Fp2 b1) {
    Fp2 v0 = c0.mul(b0);
    Fp2 v1 = c1.mul(b1);
    Fp2 r0 = c1.add(c2).mul(b1).sub(v1).mulByXi().add(v0);
    Fp2 r1 = c0.add(c1).mul(b0.add(b1)).sub(v0).sub(v1);
    Fp2 r2 = c0.add(c2).mul(b0).sub(v0).add(v1);
    return new Fp6(r0, r1, r2);
  }

  public Fp6 square() {
    return mul(this);
  }

  /** this * v, where v^3 = xi. */
  public Fp6 mulByV() {
    return new Fp6(c2.mulByXi(), c0, c1);
  }

  public Fp6 inverse() {
    Fp2 t0 = c0.square().sub(c1.mul(c2).mulByXi());
    Fp2 t1 = c2.square().mulByXi().sub(c0.mul(c1));
    Fp2 t2 = c1.square().sub(c0.mul(c2));
    Fp2 norm = c0.mul(t0).add(c2.mul(t1).add(c1.mul(t2)).mulByXi());
    Fp2 normInverse = norm.inverse();
    return new Fp6(t0.mul(normInverse), t1.mul(normInverse), t2.mul(normInverse));
  }

  /** this^(p^k), k in 0..3. */
  public Fp6 frobenius(int k) {
    boolean odd = (k & 1) == 1;
    Fp2 a0 = odd ? c0.conjugate() : c0;
    Fp2 a1 = odd ? c1.conjugate() : c1;
    Fp2 a2 = odd ? c2.conjugate() : c2;
    return new Fp6(a0, a1.mul(FROBENIUS_V[k]), a2.mul(FROBENIUS_V2[k]));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fp6 f && f.c0.equals(c0) && f.c1.equals(c1) && f.c2.equals(c2);
  }

  @Override
  public int hashCode() {
    return (c0.hashCode() * 31 + c1.hashCode()) * 31 + c2.hashCode();
  }
}
