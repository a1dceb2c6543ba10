package io.assay.task.zk.groth16.bn254;

import java.math.BigInteger;

/**
 * An element c0 + c1 w of F_p12 = F_p6[w] / (w^2 - v), immutable: where Miller loops accumulate
 * and pairings take their values.
 */
public final class Fp12 {

  public static final Fp12 ONE = new Fp12(Fp6.ONE, Fp6.ZERO);

  /** w^(p^k - 1) = xi^((p^k - 1) / 6), for the Frobenius map, k = 0..3. */
  private static final Fp2[] FROBENIUS_W = new Fp2[4];

  static {
    for (int k = 0; k < 4; k++) {
      BigInteger e = Fp.P.pow(k).subtract(BigInteger.ONE).divide(BigInteger.valueOf(6));
      FROBENIUS_W[k] = Fp2.XI.pow(e);
    }
  }

  public final Fp6 c0;
  public final Fp6 c1;

  public Fp12(Fp6 c0, Fp6 c1) {
    this.c0 = c0;
    this.c1 = c1;
  }

  public boolean isOne() {
    return c0.equals(Fp6.ONE) && c1.isZero();
  }

  /** Karatsuba: three F_p6 products. */
  public Fp12 mul(Fp12 b) {
    Fp6 aa = c0.mul(b.c0);
    Fp6 bb = c1.mul(b.c1);
    Fp6 cross = c0.add(c1).mul(b.c0.add(b.c1)).sub(aa).sub(bb);
    return new Fp12(aa.add(bb.mulByV()), cross);
  }

  /** The complex squaring: two F_p6 products. */
  public Fp12 square() {
    Fp6 product = c0.mul(c1);
    Fp6 t = c0.sub(c1).mul(c0.sub(c1.mulByV())).add(product);
    return new Fp12(t.add(product.mulByV()), product.add(product));
  }

  /**
   * this * (b0 + b3 w + b4 v w): the shape of a line through points of the D-type twist,
   * evaluated at a G1 point. 13 F_p2 products instead of a full product's 18.
   */
  public Fp12 mulBy034(Fp2 b0, Fp2 b3, Fp2 b4) {
    Fp6 a = c0.mul(b0);
    Fp6 b = c1.mulBy01(b3, b4);
    Fp6 e = c0.add(c1).mulBy01(b0.add(b3), b4);
    return new Fp12(a.add(b.mulByV()), e.sub(a).sub(b));
  }

  /** this^(p^6), which on the unitary elements the final exponentiation produces is the inverse. */
  public Fp12 conjugate() {
    return new Fp12(c0, c1.neg());
  }

  public Fp12 inverse() {
    Fp6 normInverse = c0.square().sub(c1.square().mulByV()).inverse();
    return new Fp12(c0.mul(normInverse), c1.mul(normInverse).neg());
  }

  /** this^(p^k), k in 0..3. */
  public Fp12 frobenius(int k) {
    return new Fp12(c0.frobenius(k), c1.frobenius(k).mul(FROBENIUS_W[k]));
  }

  public Fp12 pow(BigInteger e) {
    Fp12 result = ONE;
    for (int i = e.bitLength() - 1; i >= 0; i--) {
      result = result.square();
      if (e.testBit(i)) {
        result = result.mul(this);
      }
    }
    return result;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fp12 f && f.c0.equals(c0) && f.c1.equals(c1);
  }

  @Override
  public int hashCode() {
    return c0.hashCode() * 31 + c1.hashCode();
  }
}
