package io.assay.task.zk.groth16.bn254;

import java.math.BigInteger;

/**
 * The optimal ate pairing on BN254 (alt_bn128), the pairing of Ethereum's precompile (EIP-197).
 *
 * <p>A product of pairings is computed as one multi-Miller loop and one final exponentiation:
 * the loop squares its accumulator once per step for all pairs together, and the final
 * exponentiation, the most expensive single part, is paid once. Groth16 checks only whether a
 * product of pairings is one, which is all {@link #productIsOne} answers.
 *
 * <p>The loop walks the signed binary (NAF) digits of 6x+2, where x is the curve's seed, then
 * adds psi(Q) and -psi^2(Q). The final exponentiation raises to (p^12 - 1)/r in two parts: the
 * easy (p^6 - 1)(p^2 + 1) by a conjugation, an inversion and a Frobenius map, and the hard
 * (p^4 - p^2 + 1)/r by the addition chain of Fuentes-Castaneda, Knapp and Rodriguez-Henriquez,
 * which yields a fixed power (2x(6x^2 + 3x + 1), coprime to r) of the reduced pairing: the same
 * bilinear, non-degenerate map, and exactly 1 where the reduced pairing is 1.
 */
public final class Bn254Pairing {

  /** Signed digits of 6x+2, least significant first. */
  static final int[] LOOP_NAF = naf(G2.SEED.multiply(BigInteger.valueOf(6)).add(BigInteger.TWO));
  /** One line per doubling, one per non-zero digit below the top, and the two Frobenius additions. */
  static final int LINE_COUNT = countLines();

  private Bn254Pairing() {}

  /** Whether prod e(ps[i], qs[i]) = 1. Points at infinity contribute 1. */
  public static boolean productIsOne(G1[] ps, G2Lines[] qs) {
    return finalExponentiation(millerLoop(ps, qs)).isOne();
  }

  /** The (reduced) pairing value itself, for tests of bilinearity. */
  public static Fp12 pair(G1 p, G2 q) {
    if (p.isInfinity() || q.isInfinity()) {
      return Fp12.ONE;
    }
    return finalExponentiation(millerLoop(new G1[] {p}, new G2Lines[] {new G2Lines(q)}));
  }

  /** prod f_{6x+2, Q_i}(P_i) with the Frobenius corrections, before the final exponentiation. */
  public static Fp12 millerLoop(G1[] ps, G2Lines[] qs) {
    int n = ps.length;
    Fp[] px = new Fp[n];
    Fp[] py = new Fp[n];
    boolean[] skip = new boolean[n];
    for (int k = 0; k < n; k++) {
      skip[k] = ps[k].isInfinity() || qs[k] == null;
      if (!skip[k]) {
        G1 affine = ps[k].toAffine();
        px[k] = affine.x;
        py[k] = affine.y;
      }
    }
    Fp12 f = Fp12.ONE;
    int line = 0;
    for (int i = LOOP_NAF.length - 2; i >= 0; i--) {
      if (line > 0) {
        f = f.square();
      }
      f = evaluate(f, qs, px, py, skip, line++);
      if (LOOP_NAF[i] != 0) {
        f = evaluate(f, qs, px, py, skip, line++);
      }
    }
    f = evaluate(f, qs, px, py, skip, line++);
    return evaluate(f, qs, px, py, skip, line);
  }

  private static Fp12 evaluate(Fp12 f, G2Lines[] qs, Fp[] px, Fp[] py, boolean[] skip, int line) {
    for (int k = 0; k < qs.length; k++) {
      if (!skip[k]) {
        G2Lines q = qs[k];
        f = f.mulBy034(q.c0[line].mul(py[k]), q.c1[line].mul(px[k]), q.c2[line]);
      }
    }
    return f;
  }

  public static Fp12 finalExponentiation(Fp12 f) {
    // Easy part: f^((p^6 - 1)(p^2 + 1)); the result is unitary, so its inverse is its conjugate.
    Fp12 r = f.conjugate().mul(f.inverse());
    r = r.frobenius(2).mul(r);
    // Hard part (Fuentes-Castaneda et al., as in arkworks' BN final exponentiation).
    Fp12 y0 = expByNegX(r);
    Fp12 y1 = y0.square();
    Fp12 y2 = y1.square();
    Fp12 y3 = y2.mul(y1);
    Fp12 y4 = expByNegX(y3);
    Fp12 y5 = y4.square();
    Fp12 y6 = expByNegX(y5);
    y3 = y3.conjugate();
    y6 = y6.conjugate();
    Fp12 y7 = y6.mul(y4);
    Fp12 y8 = y7.mul(y3);
    Fp12 y9 = y8.mul(y1);
    Fp12 y10 = y8.mul(y4);
    Fp12 y11 = y10.mul(r);
    Fp12 y13 = y9.frobenius(1).mul(y11);
    Fp12 y14 = y8.frobenius(2).mul(y13);
    Fp12 y15 = r.conjugate().mul(y9).frobenius(3);
    return y15.mul(y14);
  }

  /** f^(-x) for unitary f (inverse = conjugate). */
  private static Fp12 expByNegX(Fp12 f) {
    Fp12 result = f;
    BigInteger x = G2.SEED;
    for (int i = x.bitLength() - 2; i >= 0; i--) {
      result = result.square();
      if (x.testBit(i)) {
        result = result.mul(f);
      }
    }
    return result.conjugate();
  }

  static int[] naf(BigInteger k) {
    int[] digits = new int[k.bitLength() + 1];
    int length = 0;
    while (k.signum() > 0) {
      int digit = 0;
      if (k.testBit(0)) {
        digit = 2 - k.mod(BigInteger.valueOf(4)).intValue();
        k = k.subtract(BigInteger.valueOf(digit));
      }
      digits[length++] = digit;
      k = k.shiftRight(1);
    }
    return java.util.Arrays.copyOf(digits, length);
  }

  private static int countLines() {
    int lines = 2;
    for (int i = LOOP_NAF.length - 2; i >= 0; i--) {
      lines += LOOP_NAF[i] == 0 ? 1 : 2;
    }
    return lines;
  }
}
