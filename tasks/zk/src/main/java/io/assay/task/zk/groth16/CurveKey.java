package io.assay.task.zk.groth16;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;

/**
 * The curve-specific half of Groth16 verification: a verification key decoded into one curve's
 * arithmetic, with what can be computed once per key done at construction. Implementations are
 * immutable and thread-safe.
 *
 * <p>Both checks test the Groth16 equation e(A, B) = e(alpha, beta) e(vk_x, gamma) e(C, delta),
 * where vk_x = IC_0 + sum s_j IC_j, as one product of pairings that must be one.
 */
interface CurveKey {

  /** A proof whose points are on the curve and in the right subgroups. */
  interface DecodedProof {}

  /**
   * Checks that the points are on the curve and in their subgroups.
   *
   * @throws RejectedInput naming the point that fails
   */
  DecodedProof decode(AffineG1 a, AffineG2 b, AffineG1 c);

  /** The pairing equation for one proof; signals are already reduced (below r), nPublic of them. */
  boolean check(DecodedProof proof, BigInteger[] signals);

  /**
   * The equations of all proofs at once, combined with independent random 128-bit weights
   * r_i: prod e(-r_i A_i, B_i) e(sum r_i vk_x_i, gamma) e(sum r_i C_i, delta) e((sum r_i) alpha, beta) = 1.
   * True if every proof is valid; if any is not, false except with probability about 2^-128.
   */
  boolean checkAll(List<DecodedProof> proofs, List<BigInteger[]> signals, SecureRandom random);

  /** sum_i w_i s_ij mod r for each j, with sum_i w_i for the constant IC_0: the combined vk_x's scalars. */
  static BigInteger[] combinedInputScalars(List<BigInteger[]> signals, BigInteger[] weights, BigInteger r) {
    int nPublic = signals.get(0).length;
    BigInteger[] scalars = new BigInteger[nPublic + 1];
    java.util.Arrays.fill(scalars, BigInteger.ZERO);
    for (int i = 0; i < weights.length; i++) {
      scalars[0] = scalars[0].add(weights[i]);
      BigInteger[] s = signals.get(i);
      for (int j = 0; j < nPublic; j++) {
        scalars[j + 1] = scalars[j + 1].add(weights[i].multiply(s[j]));
      }
    }
    for (int j = 0; j <= nPublic; j++) {
      scalars[j] = scalars[j].mod(r);
    }
    return scalars;
  }

  /** n independent uniformly random non-zero 128-bit weights. */
  static BigInteger[] randomWeights(int n, SecureRandom random) {
    BigInteger[] weights = new BigInteger[n];
    for (int i = 0; i < n; i++) {
      BigInteger w;
      do {
        w = new BigInteger(128, random);
      } while (w.signum() == 0);
      weights[i] = w;
    }
    return weights;
  }
}
