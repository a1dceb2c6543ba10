package io.assay.task.zk.groth16;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.apache.milagro.amcl.BLS381.BIG;
import org.apache.milagro.amcl.BLS381.ECP;
import org.apache.milagro.amcl.BLS381.ECP2;
import org.apache.milagro.amcl.BLS381.FP12;
import org.apache.milagro.amcl.BLS381.FP2;
import org.apache.milagro.amcl.BLS381.PAIR;

/**
 * A BLS12-381 (snarkjs "bls12381") verification key on Apache Milagro's pairing. Both groups
 * have cofactors, so every point gets a subgroup check, by endomorphism ({@link
 * Bls12381Subgroups}) rather than [r]P. Milagro's types are mutable; they stay inside this class,
 * and shared ones are copied before any in-place operation. Per key it keeps the Miller loop
 * value of (beta, alpha), so a proof costs a three-pair multi-Miller loop ({@link
 * Bls12381Miller}) and one final exponentiation; a batch of n, one (n + 3)-pair loop and one.
 */
final class Bls12381Key implements CurveKey {

  private static final BigInteger R = Curve.BLS12_381.scalarField();

  private final ECP alpha;
  private final ECP[] ic;
  private final ECP2 beta;
  private final ECP2 gamma;
  private final ECP2 delta;
  private final FP12 alphaBetaMiller;

  private record Proof(ECP a, ECP2 b, ECP c) implements DecodedProof {}

  Bls12381Key(AffineG1 alpha, AffineG2 beta, AffineG2 gamma, AffineG2 delta, List<AffineG1> ic) {
    this.alpha = g1(alpha);
    this.ic = ic.stream().map(Bls12381Key::g1).toArray(ECP[]::new);
    this.beta = keyG2(beta);
    this.gamma = keyG2(gamma);
    this.delta = keyG2(delta);
    this.alphaBetaMiller = this.alpha.is_infinity() ? new FP12(1) : PAIR.ate(new ECP2(this.beta), new ECP(this.alpha));
  }

  @Override
  public DecodedProof decode(AffineG1 a, AffineG2 b, AffineG1 c) {
    return new Proof(g1(a), g2(b), g1(c));
  }

  @Override
  public boolean check(DecodedProof decoded, BigInteger[] signals) {
    Proof proof = (Proof) decoded;
    ECP minusA = new ECP(proof.a);
    minusA.neg();
    ECP vkX = new ECP(ic[0]);
    for (int j = 0; j < signals.length; j++) {
      vkX.add(times(ic[j + 1], big(signals[j])));
    }
    FP12 f = new FP12(alphaBetaMiller);
    f.mul(Bls12381Miller.product(List.of(proof.b, gamma, delta), List.of(minusA, vkX, proof.c)));
    return PAIR.fexp(f).isunity();
  }

  @Override
  public boolean checkAll(List<DecodedProof> proofs, List<BigInteger[]> signals, SecureRandom random) {
    int n = proofs.size();
    BigInteger[] weights = CurveKey.randomWeights(n, random);
    List<ECP2> qs = new ArrayList<>(n + 3);
    List<ECP> ps = new ArrayList<>(n + 3);
    ECP cSum = new ECP();
    for (int i = 0; i < n; i++) {
      Proof proof = (Proof) proofs.get(i);
      BIG w = big(weights[i]);
      ECP a = times(proof.a, w);
      a.neg();
      ps.add(a);
      qs.add(proof.b);
      cSum.add(times(proof.c, w));
    }
    BigInteger[] inputScalars = CurveKey.combinedInputScalars(signals, weights, R);
    ECP vkX = times(ic[0], big(inputScalars[0]));
    for (int j = 1; j < inputScalars.length; j++) {
      vkX.add(times(ic[j], big(inputScalars[j])));
    }
    ps.add(vkX);
    qs.add(gamma);
    ps.add(cSum);
    qs.add(delta);
    ps.add(times(alpha, big(inputScalars[0])));
    qs.add(beta);
    return PAIR.fexp(Bls12381Miller.product(qs, ps)).isunity();
  }

  /** k P on a copy: Milagro may normalise its operands in place, and key points are shared. */
  private static ECP times(ECP p, BIG k) {
    return new ECP(p).mul(k);
  }

  /** A non-negative integer below 2^384 as a Milagro BIG. */
  static BIG big(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] padded = new byte[BIG.MODBYTES];
    int length = Math.min(raw.length, padded.length);
    System.arraycopy(raw, raw.length - length, padded, padded.length - length, length);
    return BIG.fromBytes(padded);
  }

  private static ECP g1(AffineG1 point) {
    if (point.infinity()) {
      return new ECP();
    }
    ECP p = new ECP(big(point.x()), big(point.y()));
    if (p.is_infinity()) {
      throw new RejectedInput(point.name() + " is not on the curve");
    }
    if (!Bls12381Subgroups.inG1(p)) {
      throw new RejectedInput(point.name() + " is not in the G1 subgroup");
    }
    return p;
  }

  private static ECP2 g2(AffineG2 point) {
    if (point.infinity()) {
      return new ECP2();
    }
    ECP2 q = new ECP2(new FP2(big(point.x0()), big(point.x1())), new FP2(big(point.y0()), big(point.y1())));
    if (q.is_infinity()) {
      throw new RejectedInput(point.name() + " is not on the curve (twist)");
    }
    if (!Bls12381Subgroups.inG2(q)) {
      throw new RejectedInput(point.name() + " is not in the G2 subgroup");
    }
    return q;
  }

  private static ECP2 keyG2(AffineG2 point) {
    ECP2 q = g2(point);
    if (q.is_infinity()) {
      throw new RejectedInput(point.name() + " is the point at infinity");
    }
    return q;
  }
}
