package io.assay.task.zk.groth16;

import io.assay.task.zk.groth16.bn254.Bn254Pairing;
import io.assay.task.zk.groth16.bn254.Fp;
import io.assay.task.zk.groth16.bn254.Fp12;
import io.assay.task.zk.groth16.bn254.Fp2;
import io.assay.task.zk.groth16.bn254.G1;
import io.assay.task.zk.groth16.bn254.G2;
import io.assay.task.zk.groth16.bn254.G2Lines;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;

/**
 * A BN254 (snarkjs "bn128") verification key on the project's own pairing. Per key it prepares
 * the lines of beta, gamma and delta and the Miller loop value of (alpha, beta), so a single
 * proof costs the lines of B (which needs a G2 subgroup check first: the twist has a cofactor),
 * three pairs in one Miller loop, and one final exponentiation. G1 has cofactor 1, so a G1 point
 * on the curve is in the group.
 */
final class Bn254Key implements CurveKey {

  private static final BigInteger R = Curve.BN128.scalarField();

  private final G1 alpha;
  private final G1[] ic;
  private final G2Lines betaLines;
  private final G2Lines gammaLines;
  private final G2Lines deltaLines;
  private final Fp12 alphaBetaMiller;

  private record Proof(G1 a, G2 b, G1 c) implements DecodedProof {}

  Bn254Key(AffineG1 alpha, AffineG2 beta, AffineG2 gamma, AffineG2 delta, List<AffineG1> ic) {
    this.alpha = g1(alpha);
    this.ic = ic.stream().map(Bn254Key::g1).toArray(G1[]::new);
    this.betaLines = new G2Lines(keyG2(beta));
    this.gammaLines = new G2Lines(keyG2(gamma));
    this.deltaLines = new G2Lines(keyG2(delta));
    this.alphaBetaMiller = Bn254Pairing.millerLoop(new G1[] {this.alpha}, new G2Lines[] {betaLines});
  }

  @Override
  public DecodedProof decode(AffineG1 a, AffineG2 b, AffineG1 c) {
    return new Proof(g1(a), g2(b), g1(c));
  }

  @Override
  public boolean check(DecodedProof decoded, BigInteger[] signals) {
    Proof proof = (Proof) decoded;
    G1[] ps = {proof.a.neg(), vkX(signals), proof.c};
    G2Lines[] qs = {lines(proof.b), gammaLines, deltaLines};
    Fp12 f = Bn254Pairing.millerLoop(ps, qs).mul(alphaBetaMiller);
    return Bn254Pairing.finalExponentiation(f).isOne();
  }

  @Override
  public boolean checkAll(List<DecodedProof> proofs, List<BigInteger[]> signals, SecureRandom random) {
    int n = proofs.size();
    BigInteger[] weights = CurveKey.randomWeights(n, random);
    G1[] ps = new G1[n + 3];
    G2Lines[] qs = new G2Lines[n + 3];
    G1[] cs = new G1[n];
    for (int i = 0; i < n; i++) {
      Proof proof = (Proof) proofs.get(i);
      ps[i] = proof.a.mul(weights[i]).neg();
      qs[i] = lines(proof.b);
      cs[i] = proof.c;
    }
    BigInteger[] inputScalars = CurveKey.combinedInputScalars(signals, weights, R);
    ps[n] = G1.multiScalarMul(ic, inputScalars);
    qs[n] = gammaLines;
    ps[n + 1] = G1.multiScalarMul(cs, weights);
    qs[n + 1] = deltaLines;
    ps[n + 2] = alpha.mul(inputScalars[0]);
    qs[n + 2] = betaLines;
    return Bn254Pairing.productIsOne(ps, qs);
  }

  private G1 vkX(BigInteger[] signals) {
    BigInteger[] scalars = new BigInteger[signals.length + 1];
    scalars[0] = BigInteger.ONE;
    System.arraycopy(signals, 0, scalars, 1, signals.length);
    return G1.multiScalarMul(ic, scalars);
  }

  /** The lines of a proof's B; none for infinity, whose pairings are all one. */
  private static G2Lines lines(G2 b) {
    return b.isInfinity() ? null : new G2Lines(b);
  }

  private static G1 g1(AffineG1 point) {
    if (point.infinity()) {
      return G1.INFINITY;
    }
    G1 p = G1.ofAffine(Fp.fromBigInteger(point.x()), Fp.fromBigInteger(point.y()));
    if (p == null) {
      throw new RejectedInput(point.name() + " is not on the curve");
    }
    return p;
  }

  private static G2 g2(AffineG2 point) {
    if (point.infinity()) {
      return G2.INFINITY;
    }
    G2 q = G2.ofAffine(Fp2.of(point.x0(), point.x1()), Fp2.of(point.y0(), point.y1()));
    if (q == null) {
      throw new RejectedInput(point.name() + " is not on the curve (twist)");
    }
    if (!q.isInSubgroup()) {
      throw new RejectedInput(point.name() + " is not in the G2 subgroup");
    }
    return q;
  }

  private static G2 keyG2(AffineG2 point) {
    G2 q = g2(point);
    if (q.isInfinity()) {
      throw new RejectedInput(point.name() + " is the point at infinity");
    }
    return q;
  }
}
