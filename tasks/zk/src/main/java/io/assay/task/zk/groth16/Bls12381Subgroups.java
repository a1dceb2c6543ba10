package io.assay.task.zk.groth16;

import org.apache.milagro.amcl.BLS381.BIG;
import org.apache.milagro.amcl.BLS381.ECP;
import org.apache.milagro.amcl.BLS381.ECP2;
import org.apache.milagro.amcl.BLS381.FP;
import org.apache.milagro.amcl.BLS381.FP2;
import org.apache.milagro.amcl.BLS381.ROM;

/**
 * Subgroup membership on BLS12-381 by endomorphisms instead of a full [r]P multiplication.
 *
 * <p>Both curves have large cofactors, so a point on the curve (or twist) still has to be shown
 * to lie in the order-r subgroup. Multiplying by r costs a 255-bit scalar multiplication per
 * point; on the subgroup the curve's endomorphisms act as multiplication by small known scalars,
 * and for BLS12-381 that eigenvalue relation holds on no other point:
 *
 * <ul>
 *   <li>G1 (Bowe 2019, "Faster subgroup checks for BLS12-381"): with the GLV endomorphism
 *       phi(x, y) = (beta x, y), beta = Milagro's {@code CURVE_Cru}, P is in G1 iff
 *       phi(P) = -[z^2] P.
 *   <li>G2 (Scott 2021, "A note on group membership tests for G1, G2 and GT on BLS
 *       pairing-friendly curves"): with psi = untwist-Frobenius-twist, Q is in G2 iff
 *       psi(Q) = [z] Q. Milagro's {@code ECP2.frob(f)} is psi when f is the inverse of its
 *       Frobenius constant (Fra + Frb u), as in its own {@code PAIR.G2mul} for this M-type twist.
 * </ul>
 *
 * <p>z = -0xd201000000010000 has six set bits, so [|z|]P is 63 doublings and 5 additions: G1 costs
 * two of those (z^2 is 128 bits) and G2 one, against about 255 doublings and 64 additions for [r]P.
 * The tests check agreement with [r]P on random points in and out of the subgroups. Callers pass
 * points already known to be on the curve and not at infinity; operands are never modified, and
 * the shared constants are copied before use (Milagro may normalise operands in place), so the
 * checks are thread-safe.
 */
final class Bls12381Subgroups {

  /** |z|, the absolute value of the BLS12-381 parameter z = -0xd201000000010000. */
  private static final long Z_ABS = 0xd201000000010000L;
  private static final FP BETA = new FP(new BIG(ROM.CURVE_Cru));
  private static final FP2 PSI = psiConstant();

  private Bls12381Subgroups() {}

  /** True iff {@code p} (on the curve, not infinity) is in the order-r subgroup G1. */
  static boolean inG1(ECP p) {
    ECP phi = new ECP(p);
    phi.getx().mul(new FP(BETA));
    ECP z2 = timesZAbs(timesZAbs(p));
    z2.neg();
    return phi.equals(z2);
  }

  /** True iff {@code q} (on the twist, not infinity) is in the order-r subgroup G2. */
  static boolean inG2(ECP2 q) {
    ECP2 psi = new ECP2(q);
    psi.frob(new FP2(PSI));
    ECP2 z = timesZAbs(q);
    z.neg();
    return psi.equals(z);
  }

  /** [|z|] p by double-and-add over the six set bits, on a copy. */
  private static ECP timesZAbs(ECP p) {
    ECP r = new ECP(p);
    for (int bit = 62; bit >= 0; bit--) {
      r.dbl();
      if ((Z_ABS >>> bit & 1) != 0) {
        r.add(p);
      }
    }
    return r;
  }

  private static ECP2 timesZAbs(ECP2 q) {
    ECP2 r = new ECP2(q);
    for (int bit = 62; bit >= 0; bit--) {
      r.dbl();
      if ((Z_ABS >>> bit & 1) != 0) {
        r.add(q);
      }
    }
    return r;
  }

  private static FP2 psiConstant() {
    FP2 f = new FP2(new BIG(ROM.Fra), new BIG(ROM.Frb));
    f.inverse();
    f.norm();
    return f;
  }
}
