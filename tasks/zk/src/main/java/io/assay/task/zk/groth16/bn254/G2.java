package io.assay.task.zk.groth16.bn254;

import java.math.BigInteger;

/**
 * A point of the sextic twist E'(F_p2): y^2 = x^3 + 3/xi, where BN254's G2 lives, in Jacobian
 * coordinates, immutable. Unlike G1, the twist has a large cofactor (2p - r), so a point can
 * satisfy the equation and still be outside G2; {@link #isInSubgroup()} is the membership test
 * that a pairing input needs.
 */
public final class G2 {

  /** The twist's b' = 3 / xi. */
  static final Fp2 B = new Fp2(Fp.of(3), Fp.ZERO).mul(Fp2.XI.inverse());
  public static final G2 INFINITY = new G2(Fp2.ONE, Fp2.ONE, Fp2.ZERO);
  /** The generator of EIP-197 (and snarkjs's gamma). */
  public static final G2 GENERATOR = ofAffine(
      Fp2.of(new BigInteger("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
          new BigInteger("11559732032986387107991004021392285783925812861821192530917403151452391805634")),
      Fp2.of(new BigInteger("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
          new BigInteger("4082367875863433681332203403145435568316851327593401208105741076214120093531")));

  /** The BN parameter x (the seed): p and r are polynomials in it. */
  static final BigInteger SEED = new BigInteger("4965661367192848881");
  /** psi = untwist, Frobenius, twist: (x, y) -> (conj(x) xi^((p-1)/3), conj(y) xi^((p-1)/2)). */
  static final Fp2 PSI_X = Fp2.XI.pow(Fp.P.subtract(BigInteger.ONE).divide(BigInteger.valueOf(3)));
  static final Fp2 PSI_Y = Fp2.XI.pow(Fp.P.subtract(BigInteger.ONE).shiftRight(1));

  final Fp2 x;
  final Fp2 y;
  final Fp2 z;

  private G2(Fp2 x, Fp2 y, Fp2 z) {
    this.x = x;
    this.y = y;
    this.z = z;
  }

  /** The affine point (x, y), or null if it is not on the twist. */
  public static G2 ofAffine(Fp2 x, Fp2 y) {
    return y.square().equals(x.square().mul(x).add(B)) ? new G2(x, y, Fp2.ONE) : null;
  }

  /** A point on the twist with the given x, if x^3 + b' is a square (for tests: off-subgroup points). */
  public static G2 withX(Fp2 x) {
    Fp2 y = x.square().mul(x).add(B).sqrt();
    return y == null ? null : new G2(x, y, Fp2.ONE);
  }

  public boolean isInfinity() {
    return z.isZero();
  }

  public G2 neg() {
    return new G2(x, y.neg(), z);
  }

  public G2 toAffine() {
    if (isInfinity() || z.equals(Fp2.ONE)) {
      return this;
    }
    Fp2 zInv = z.inverse();
    Fp2 zInv2 = zInv.square();
    return new G2(x.mul(zInv2), y.mul(zInv2).mul(zInv), Fp2.ONE);
  }

  public Fp2 affineX() {
    return x;
  }

  public Fp2 affineY() {
    return y;
  }

  /** dbl-2009-l (a = 0). */
  public G2 dbl() {
    if (isInfinity()) {
      return this;
    }
    Fp2 a = x.square();
    Fp2 b = y.square();
    Fp2 c = b.square();
    Fp2 d = x.add(b).square().sub(a).sub(c).dbl();
    Fp2 e = a.dbl().add(a);
    Fp2 x3 = e.square().sub(d.dbl());
    Fp2 y3 = e.mul(d.sub(x3)).sub(c.dbl().dbl().dbl());
    return new G2(x3, y3, y.mul(z).dbl());
  }

  /** add-2007-bl, falling back to doubling when the points are equal. */
  public G2 add(G2 q) {
    if (isInfinity()) {
      return q;
    }
    if (q.isInfinity()) {
      return this;
    }
    Fp2 z1z1 = z.square();
    Fp2 z2z2 = q.z.square();
    Fp2 u1 = x.mul(z2z2);
    Fp2 u2 = q.x.mul(z1z1);
    Fp2 s1 = y.mul(q.z).mul(z2z2);
    Fp2 s2 = q.y.mul(z).mul(z1z1);
    Fp2 h = u2.sub(u1);
    Fp2 r = s2.sub(s1).dbl();
    if (h.isZero()) {
      return r.isZero() ? dbl() : INFINITY;
    }
    Fp2 i = h.dbl().square();
    Fp2 j = h.mul(i);
    Fp2 v = u1.mul(i);
    Fp2 x3 = r.square().sub(j).sub(v.dbl());
    Fp2 y3 = r.mul(v.sub(x3)).sub(s1.mul(j).dbl());
    Fp2 z3 = z.add(q.z).square().sub(z1z1).sub(z2z2).mul(h);
    return new G2(x3, y3, z3);
  }

  /** k P for k >= 0, 4-bit windows. */
  public G2 mul(BigInteger k) {
    G2[] table = new G2[16];
    table[0] = INFINITY;
    for (int m = 1; m < 16; m++) {
      table[m] = table[m - 1].add(this);
    }
    G2 acc = INFINITY;
    for (int window = (k.bitLength() + 3) / 4 - 1; window >= 0; window--) {
      acc = acc.dbl().dbl().dbl().dbl();
      int digit = G1.nibble(k, window);
      if (digit != 0) {
        acc = acc.add(table[digit]);
      }
    }
    return acc;
  }

  /** The endomorphism psi; on G2 it acts as multiplication by p. */
  public G2 psi() {
    return new G2(x.conjugate().mul(PSI_X), y.conjugate().mul(PSI_Y), z.conjugate());
  }

  /**
   * Whether this point is in the order-r subgroup G2. Instead of checking [r]P = 0 (a 254-bit
   * multiplication), uses the equivalent test of El Housni, Guillevic and Piellard
   * (eprint 2022/348, as in gnark-crypto): [x+1]P + psi([x]P) + psi^2([x]P) = psi^3([2x]P),
   * which costs one 63-bit multiplication and three psi.
   */
  public boolean isInSubgroup() {
    G2 xp = mul(SEED);
    G2 psiXp = xp.psi();
    G2 psi2Xp = psiXp.psi();
    G2 lhs = xp.add(this).add(psiXp).add(psi2Xp);
    G2 rhs = psi2Xp.psi().dbl();
    return lhs.equals(rhs);
  }

  /** Same point, whatever the coordinates' scaling. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof G2 q)) {
      return false;
    }
    if (isInfinity() || q.isInfinity()) {
      return isInfinity() && q.isInfinity();
    }
    Fp2 z1z1 = z.square();
    Fp2 z2z2 = q.z.square();
    return x.mul(z2z2).equals(q.x.mul(z1z1))
        && y.mul(q.z).mul(z2z2).equals(q.y.mul(z).mul(z1z1));
  }

  @Override
  public int hashCode() {
    return toAffine().x.hashCode();
  }

  @Override
  public String toString() {
    G2 a = toAffine();
    return isInfinity() ? "G2(infinity)" : "G2(" + a.x + ", " + a.y + ")";
  }
}
