package io.assay.task.zk.groth16.bn254;

/**
 * The line functions of the Miller loop for one G2 point, computed once: the coefficients of
 * every tangent and chord the loop meets while walking T from Q to [6x+2]Q and then adding the
 * Frobenius images of Q. They depend on Q alone, so a verification key's G2 points are prepared
 * once and each proof only evaluates their lines at its G1 points (two F_p2 scalings and one
 * sparse F_p12 product per line).
 *
 * <p>The formulas are those of Costello, Lange and Naehrig (eprint 2009/615) in homogeneous
 * projective coordinates (x = X/Z, y = Y/Z) as arranged by Aranha et al. (eprint 2013/722,
 * formulas 3 and 4) and arkworks for a D-type twist: a line evaluated at P = (px, py) is
 * c0 py + c1 px w + c2 v w, up to a factor in F_p2 that the final exponentiation removes.
 */
public final class G2Lines {

  private static final Fp TWO_INVERSE = Fp.of(2).inverse();

  final Fp2[] c0;
  final Fp2[] c1;
  final Fp2[] c2;

  private int count;
  private Fp2 tx;
  private Fp2 ty;
  private Fp2 tz;

  /** Prepares the lines of q, an affine point of G2 other than infinity. */
  public G2Lines(G2 q) {
    int size = Bn254Pairing.LINE_COUNT;
    c0 = new Fp2[size];
    c1 = new Fp2[size];
    c2 = new Fp2[size];
    G2 affine = q.toAffine();
    Fp2 qx = affine.x;
    Fp2 qy = affine.y;
    tx = qx;
    ty = qy;
    tz = Fp2.ONE;
    int[] naf = Bn254Pairing.LOOP_NAF;
    for (int i = naf.length - 2; i >= 0; i--) {
      doublingStep();
      if (naf[i] == 1) {
        additionStep(qx, qy);
      } else if (naf[i] == -1) {
        additionStep(qx, qy.neg());
      }
    }
    G2 q1 = affine.psi();
    G2 q2 = q1.psi().neg();
    additionStep(q1.x, q1.y);
    additionStep(q2.x, q2.y);
    if (count != size) {
      throw new IllegalStateException("line count " + count + " != " + size);
    }
    tx = ty = tz = null;
  }

  /** T = 2T, recording the tangent at T. */
  private void doublingStep() {
    Fp2 a = tx.mul(ty).mul(TWO_INVERSE);
    Fp2 b = ty.square();
    Fp2 c = tz.square();
    Fp2 e = G2.B.mul(c.dbl().add(c));
    Fp2 f = e.dbl().add(e);
    Fp2 g = b.add(f).mul(TWO_INVERSE);
    Fp2 h = ty.add(tz).square().sub(b.add(c));
    Fp2 i = e.sub(b);
    Fp2 j = tx.square();
    Fp2 eSquare = e.square();
    tx = a.mul(b.sub(f));
    ty = g.square().sub(eSquare.dbl().add(eSquare));
    tz = b.mul(h);
    record(h.neg(), j.dbl().add(j), i);
  }

  /** T = T + (qx, qy), recording the chord through them. */
  private void additionStep(Fp2 qx, Fp2 qy) {
    Fp2 theta = ty.sub(qy.mul(tz));
    Fp2 lambda = tx.sub(qx.mul(tz));
    Fp2 c = theta.square();
    Fp2 d = lambda.square();
    Fp2 e = lambda.mul(d);
    Fp2 f = tz.mul(c);
    Fp2 g = tx.mul(d);
    Fp2 h = e.add(f).sub(g.dbl());
    tx = lambda.mul(h);
    ty = theta.mul(g.sub(h)).sub(e.mul(ty));
    tz = tz.mul(e);
    Fp2 j = theta.mul(qx).sub(lambda.mul(qy));
    record(lambda, theta.neg(), j);
  }

  private void record(Fp2 a, Fp2 b, Fp2 c) {
    c0[count] = a;
    c1[count] = b;
    c2[count] = c;
    count++;
  }
}
