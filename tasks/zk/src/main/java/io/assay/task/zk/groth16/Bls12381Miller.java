package io.assay.task.zk.groth16;

import java.util.ArrayList;
import java.util.List;
import org.apache.milagro.amcl.BLS381.BIG;
import org.apache.milagro.amcl.BLS381.ECP;
import org.apache.milagro.amcl.BLS381.ECP2;
import org.apache.milagro.amcl.BLS381.FP;
import org.apache.milagro.amcl.BLS381.FP12;
import org.apache.milagro.amcl.BLS381.PAIR;
import org.apache.milagro.amcl.BLS381.ROM;

/**
 * A multi-Miller loop on BLS12-381: the product of the optimal ate Miller loops of any number of
 * pairs with one accumulator, so the Fp12 squaring of each step is paid once for all pairs instead
 * of once per pair ({@code PAIR.ate}) or per two ({@code PAIR.ate2}). Milagro 0.4.0 has no
 * multi-pairing ({@code PAIR.initmp}/{@code miller} came later), so this runs Milagro's own
 * {@code ate} loop over many pairs: the same signed digits (bits of 3|z| minus bits of |z|), the
 * same public {@code PAIR.line} doubling/addition steps and sparse multiplications, and the final
 * conjugation because z is negative. The result, raised by {@code PAIR.fexp}, equals the product of
 * the pairings; the tests compare it with {@code PAIR.ate}. Inputs are copied, never modified.
 */
final class Bls12381Miller {

  /** Digits (1, 0 or -1) of the loop from the second-highest bit of 3|z| down to bit 1. */
  private static final int[] DIGITS = digits();

  private Bls12381Miller() {}

  /** prod_i Miller(qs_i, ps_i), skipping pairs with a point at infinity (their pairing is one). */
  static FP12 product(List<ECP2> qs, List<ECP> ps) {
    List<ECP2> base = new ArrayList<>();
    List<ECP2> negated = new ArrayList<>();
    List<ECP2> running = new ArrayList<>();
    List<FP> px = new ArrayList<>();
    List<FP> py = new ArrayList<>();
    for (int i = 0; i < qs.size(); i++) {
      if (qs.get(i).is_infinity() || ps.get(i).is_infinity()) {
        continue;
      }
      ECP2 q = new ECP2(qs.get(i));
      q.affine();
      ECP p = new ECP(ps.get(i));
      p.affine();
      ECP2 minusQ = new ECP2(q);
      minusQ.neg();
      base.add(q);
      negated.add(minusQ);
      running.add(new ECP2(q));
      px.add(new FP(p.getx()));
      py.add(new FP(p.gety()));
    }
    int n = base.size();
    FP12 f = new FP12(1);
    for (int digit : DIGITS) {
      f.sqr();
      for (int j = 0; j < n; j++) {
        f.smul(PAIR.line(running.get(j), running.get(j), px.get(j), py.get(j)), ECP.SEXTIC_TWIST);
      }
      if (digit != 0) {
        List<ECP2> addend = digit > 0 ? base : negated;
        for (int j = 0; j < n; j++) {
          f.smul(PAIR.line(running.get(j), addend.get(j), px.get(j), py.get(j)), ECP.SEXTIC_TWIST);
        }
      }
    }
    f.conj();
    return f;
  }

  private static int[] digits() {
    BIG z = new BIG(ROM.CURVE_Bnx);
    BIG z3 = new BIG(z);
    z3.pmul(3);
    z3.norm();
    int[] digits = new int[z3.nbits() - 2];
    for (int i = 0; i < digits.length; i++) {
      int bit = digits.length - i;
      digits[i] = z3.bit(bit) - z.bit(bit);
    }
    return digits;
  }
}
