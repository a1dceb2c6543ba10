package io.assay.task.zk.groth16;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.milagro.amcl.BLS381.BIG;
import org.apache.milagro.amcl.BLS381.ECP;
import org.apache.milagro.amcl.BLS381.ECP2;
import org.apache.milagro.amcl.BLS381.FP2;
import org.apache.milagro.amcl.BLS381.ROM;
import org.junit.jupiter.api.Test;

/**
 * The endomorphism subgroup checks against the definition ([r]P = infinity): subgroup points are
 * generator multiples; points outside come from trying x, x+1, ... until one is on the curve,
 * with no cofactor clearing, so (but for a chance of about 2^-125 in G1) they are outside G1/G2.
 */
class Bls12381SubgroupsTest {

  private static final BIG ORDER = new BIG(ROM.CURVE_Order);
  private static final int POINTS = 120;

  private final SplittableRandom random = new SplittableRandom(20240917);

  @Test
  void generatorMultiples_areInG1AndG2() {
    for (int i = 0; i < POINTS; i++) {
      assertThat(Bls12381Subgroups.inG1(subgroupG1())).isTrue();
      assertThat(Bls12381Subgroups.inG2(subgroupG2())).isTrue();
    }
  }

  @Test
  void curvePointsWithoutCofactorClearing_areNotInG1OrG2() {
    for (int i = 0; i < POINTS; i++) {
      assertThat(Bls12381Subgroups.inG1(tryAndIncrementG1())).isFalse();
      assertThat(Bls12381Subgroups.inG2(tryAndIncrementG2())).isFalse();
    }
  }

  @Test
  void subgroupPointPlusACofactorTorsionPoint_isRejected() {
    for (int i = 0; i < 20; i++) {
      ECP p = subgroupG1();
      ECP torsion = new ECP(tryAndIncrementG1()).mul(ORDER);
      p.add(torsion);
      assertThat(Bls12381Subgroups.inG1(p)).isFalse();
      ECP2 q = subgroupG2();
      ECP2 torsion2 = new ECP2(tryAndIncrementG2()).mul(ORDER);
      q.add(torsion2);
      assertThat(Bls12381Subgroups.inG2(q)).isFalse();
    }
  }

  @Test
  void g1Check_agreesWithRTimesP_onRandomPointsOfBothKinds() {
    List<ECP> points = new ArrayList<>();
    for (int i = 0; i < POINTS; i++) {
      points.add(subgroupG1());
      points.add(tryAndIncrementG1());
    }
    int inSubgroup = 0;
    for (ECP p : points) {
      boolean full = new ECP(p).mul(ORDER).is_infinity();
      assertThat(Bls12381Subgroups.inG1(p)).as("point %s", p).isEqualTo(full);
      inSubgroup += full ? 1 : 0;
    }
    assertThat(inSubgroup).isEqualTo(POINTS);
  }

  @Test
  void g2Check_agreesWithRTimesQ_onRandomPointsOfBothKinds() {
    List<ECP2> points = new ArrayList<>();
    for (int i = 0; i < POINTS; i++) {
      points.add(subgroupG2());
      points.add(tryAndIncrementG2());
    }
    int inSubgroup = 0;
    for (ECP2 q : points) {
      boolean full = new ECP2(q).mul(ORDER).is_infinity();
      assertThat(Bls12381Subgroups.inG2(q)).as("point %s", q).isEqualTo(full);
      inSubgroup += full ? 1 : 0;
    }
    assertThat(inSubgroup).isEqualTo(POINTS);
  }

  @Test
  void checks_leaveTheirOperandsUnchanged() {
    ECP p = subgroupG1();
    ECP pCopy = new ECP(p);
    ECP2 q = tryAndIncrementG2();
    ECP2 qCopy = new ECP2(q);
    Bls12381Subgroups.inG1(p);
    Bls12381Subgroups.inG2(q);
    assertThat(p.equals(pCopy)).isTrue();
    assertThat(q.equals(qCopy)).isTrue();
  }

  private ECP subgroupG1() {
    return ECP.generator().mul(randomScalar());
  }

  private ECP2 subgroupG2() {
    return ECP2.generator().mul(randomScalar());
  }

  private ECP tryAndIncrementG1() {
    BIG x = randomBase();
    while (true) {
      ECP p = new ECP(x);
      if (!p.is_infinity()) {
        return p;
      }
      x.inc(1);
      x.norm();
    }
  }

  private ECP2 tryAndIncrementG2() {
    BIG x0 = randomBase();
    BIG x1 = randomBase();
    while (true) {
      ECP2 q = new ECP2(new FP2(x0, x1));
      if (!q.is_infinity()) {
        return q;
      }
      x0.inc(1);
      x0.norm();
    }
  }

  /** A random scalar of 1 to 255 bits below r, never zero. */
  private BIG randomScalar() {
    BIG k;
    do {
      k = randomBelow(new BIG(ROM.CURVE_Order));
    } while (k.iszilch());
    return k;
  }

  private BIG randomBase() {
    return randomBelow(new BIG(ROM.Modulus));
  }

  private BIG randomBelow(BIG bound) {
    byte[] bytes = new byte[BIG.MODBYTES];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    BIG v = BIG.fromBytes(bytes);
    v.mod(bound);
    return v;
  }
}
