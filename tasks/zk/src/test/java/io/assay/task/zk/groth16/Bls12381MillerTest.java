package io.assay.task.zk.groth16;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.milagro.amcl.BLS381.BIG;
import org.apache.milagro.amcl.BLS381.ECP;
import org.apache.milagro.amcl.BLS381.ECP2;
import org.apache.milagro.amcl.BLS381.FP12;
import org.apache.milagro.amcl.BLS381.PAIR;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The multi-Miller loop against Milagro's own single-pair {@code PAIR.ate}, after the final exponentiation. */
class Bls12381MillerTest {

  private final SplittableRandom random = new SplittableRandom(7);

  @ParameterizedTest(name = "{0} pairs")
  @ValueSource(ints = {1, 2, 3, 7})
  void multiMillerLoop_equalsTheProductOfMilagrosPairings(int pairs) {
    List<ECP2> qs = new ArrayList<>();
    List<ECP> ps = new ArrayList<>();
    FP12 expected = new FP12(1);
    for (int i = 0; i < pairs; i++) {
      ECP2 q = ECP2.generator().mul(scalar());
      ECP p = ECP.generator().mul(scalar());
      qs.add(q);
      ps.add(p);
      expected.mul(PAIR.ate(new ECP2(q), new ECP(p)));
    }
    FP12 actual = PAIR.fexp(Bls12381Miller.product(qs, ps));
    assertThat(actual.equals(PAIR.fexp(expected))).isTrue();
    assertThat(actual.isunity()).isFalse();
  }

  @Test
  void bilinearity_eOfAPAndQ_timesEOfMinusPAndAQ_isOne() {
    BIG a = scalar();
    ECP p = ECP.generator().mul(scalar());
    ECP2 q = ECP2.generator().mul(scalar());
    ECP ap = new ECP(p).mul(a);
    ECP minusP = new ECP(p);
    minusP.neg();
    ECP2 aq = new ECP2(q).mul(a);
    assertThat(PAIR.fexp(Bls12381Miller.product(List.of(q, aq), List.of(ap, minusP))).isunity())
        .isTrue();
  }

  @Test
  void pairsWithAPointAtInfinity_areSkipped() {
    ECP p = ECP.generator().mul(scalar());
    ECP2 q = ECP2.generator().mul(scalar());
    FP12 one = Bls12381Miller.product(List.of(q, new ECP2()), List.of(p, p));
    FP12 alone = Bls12381Miller.product(List.of(q), List.of(p));
    assertThat(one.equals(alone)).isTrue();
    assertThat(Bls12381Miller.product(List.of(q), List.of(new ECP())).isunity()).isTrue();
  }

  private BIG scalar() {
    return new BIG(random.nextInt(1, Integer.MAX_VALUE));
  }
}
