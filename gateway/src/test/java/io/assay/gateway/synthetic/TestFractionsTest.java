package io.assay.gateway.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SCORING.md section 2: the distribution of test fractions. */
class TestFractionsTest {

  @Test
  void testFractions_followTheDefaultDistribution() {
    TestFractions fractions = TestFractions.defaults();
    SplittableRandom random = new SplittableRandom(42);
    int n = 200_000;
    int[] counts = new int[4];
    double[] values = {0.04, 0.08, 0.12, 0.80};
    for (int i = 0; i < n; i++) {
      double f = fractions.draw(random);
      for (int k = 0; k < 4; k++) {
        if (f == values[k]) {
          counts[k]++;
        }
      }
    }
    assertThat(counts[0] + counts[1] + counts[2] + counts[3]).isEqualTo(n);
    assertThat(counts[0] / (double) n).isCloseTo(0.50, within(0.01));
    assertThat(counts[1] / (double) n).isCloseTo(0.40, within(0.01));
    assertThat(counts[2] / (double) n).isCloseTo(0.095, within(0.005));
    assertThat(counts[3] / (double) n).isCloseTo(0.005, within(0.002));
  }
}
