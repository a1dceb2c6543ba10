package io.assay.gateway.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SCORING.md section 2, worked by hand. */
class SyntheticPlanTest {

  @Test
  void requestCount_isTheVolumeOverUnitsPerRequest_roundedUp_atLeastOne() {
    // c = 10000, f = 0.04 -> 400 units; 128 per request -> ceil(3.125) = 4
    assertThat(SyntheticScheduler.requestCount(
        SyntheticScheduler.volumeToTest(10_000, 0.04, 1.0), 128)).isEqualTo(4);
    // c = 100, f = 0.04 -> 4 units -> still one request
    assertThat(SyntheticScheduler.requestCount(
        SyntheticScheduler.volumeToTest(100, 0.04, 1.0), 128)).isEqualTo(1);
    assertThat(SyntheticScheduler.requestCount(256, 128)).isEqualTo(2);
  }

  @Test
  void startedHalfWayThroughAPeriod_testsHalfTheVolume() {
    assertThat(SyntheticScheduler.volumeToTest(10_000, 0.08, 0.5)).isEqualTo(400);
  }

  @Test
  void organicWork_replacesSyntheticRequestsNotYetSent() {
    assertThat(SyntheticScheduler.stillToTest(400, 0, 0)).isTrue();
    assertThat(SyntheticScheduler.stillToTest(400, 250, 100)).isTrue();
    assertThat(SyntheticScheduler.stillToTest(400, 300, 100)).isFalse();
    assertThat(SyntheticScheduler.stillToTest(400, 500, 0)).isFalse();
  }

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
