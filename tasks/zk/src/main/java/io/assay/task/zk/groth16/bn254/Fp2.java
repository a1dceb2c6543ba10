package io.assay.task.zk.groth16.bn254;

import java.math.BigInteger;

/**
 * An element c0 + c1 u of F_p2 = F_p[u] / (u^2 + 1), immutable. G2 coordinates live here, and it
 * is the base of the tower F_p6 = F_p2[v] / (v^3 - xi), F_p12 = F_p6[w] / (w^2 - v), with
 * xi = 9 + u, the non-residue of the alt_bn128 specification (EIP-197).
 */
public final class Fp2 {

  public static final Fp2 ZERO = new Fp2(Fp.ZERO, Fp.ZERO);
  public static final Fp2 ONE = new Fp2(Fp.ONE, Fp.ZERO);
  /** xi = 9 + u. */
  public static final Fp2 XI = new Fp2(Fp.of(9), Fp.ONE);

  public final Fp c0;
  public final Fp c1;

  public Fp2(Fp c0, Fp c1) {
    this.c0 = c0;
    this.c1 = c1;
  }

  public static Fp2 of(BigInteger c0, BigInteger c1) {
    return new Fp2(Fp.fromBigInteger(c0), Fp.fromBigInteger(c1));
  }

  public boolean isZero() {
    return c0.isZero() && c1.isZero();
  }

  public Fp2 add(Fp2 b) {
    return new Fp2(c0.add(b.c0), c1.add(b.c1));
  }

  public Fp2 sub(Fp2 b) {
    return new Fp2(c0.sub(b.c0), c1.sub(b.c1));
  }

  public Fp2 dbl() {
    return new Fp2(c0.dbl(), c1.dbl());
  }

  public Fp2 neg() {
    return new Fp2(c0.neg(), c1.neg());
  }

  /** Karatsuba: three base-field products instead of four. */
  public Fp2 mul(Fp2 b) {
    Fp v0 = c0.mul(b.c0);
    Fp v1 = c1.mul(b.c1);
    Fp cross = c0.add(c1).mul(b.c0.add(b.c1)).sub(v0).sub(v1);
    return new Fp2(v0.sub(v1), cross);
  }

  public Fp2 mul(Fp b) {
    return new Fp2(c0.mul(b), c1.mul(b));
  }

  /** (c0 + c1 u)^2 = (c0 + c1)(c0 - c1) + 2 c0 c1 u: two products. */
  public Fp2 square() {
    Fp cross = c0.mul(c1);
    return new Fp2(c0.add(c1).mul(c0.sub(c1)), cross.dbl());
  }

  /** this * (9 + u) = (9 c0 - c1) + (c0 + 9 c1) u, with additions only. */
  public Fp2 mulByXi() {
    Fp nine0 = c0.dbl().dbl().dbl().add(c0);
    Fp nine1 = c1.dbl().dbl().dbl().add(c1);
    return new Fp2(nine0.sub(c1), c0.add(nine1));
  }

  /** The Frobenius map x -> x^p, which on F_p2 is conjugation. */
  public Fp2 conjugate() {
    return new Fp2(c0, c1.neg());
  }

  public Fp2 inverse() {
    Fp normInverse = c0.square().add(c1.square()).inverse();
    return new Fp2(c0.mul(normInverse), c1.neg().mul(normInverse));
  }

  public Fp2 pow(BigInteger e) {
    Fp2 result = ONE;
    for (int i = e.bitLength() - 1; i >= 0; i--) {
      result = result.square();
      if (e.testBit(i)) {
        result = result.mul(this);
      }
    }
    return result;
  }

  /**
   * A square root if this is a square, else null. Algorithm 9 of Adj and Rodriguez-Henriquez,
   * "Square root computation over even extension fields" (p = 3 mod 4). Used to make test points.
   */
  public Fp2 sqrt() {
    BigInteger p = Fp.P;
    Fp2 a1 = pow(p.subtract(BigInteger.valueOf(3)).shiftRight(2));
    Fp2 alpha = a1.square().mul(this);
    Fp2 a0 = alpha.conjugate().mul(alpha);
    Fp2 minusOne = ONE.neg();
    if (a0.equals(minusOne)) {
      return null;
    }
    Fp2 x0 = a1.mul(this);
    Fp2 root = alpha.equals(minusOne)
        ? new Fp2(x0.c1.neg(), x0.c0)
        : ONE.add(alpha).pow(p.subtract(BigInteger.ONE).shiftRight(1)).mul(x0);
    return root.square().equals(this) ? root : null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fp2 f && f.c0.equals(c0) && f.c1.equals(c1);
  }

  @Override
  public int hashCode() {
    return c0.hashCode() * 31 + c1.hashCode();
  }

  @Override
  public String toString() {
    return "(" + c0 + " + " + c1 + "u)";
  }
}
