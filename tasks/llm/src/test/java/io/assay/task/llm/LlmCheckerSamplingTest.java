package io.assay.task.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.assay.task.llm.LlmCheckerSampling.Place;
import org.junit.jupiter.api.Test;

/** The sampler's distribution rebuilt from raw log-probabilities, on a four-token vocabulary. */
class LlmCheckerSamplingTest {

  private static final double[] LOGPROBS = {
      Math.log(0.15), Math.log(0.5), Math.log(0.3), Math.log(0.05), Double.NEGATIVE_INFINITY};

  @Test
  void temperatureOne_isTheRawDistribution_inProbabilityOrder() {
    LlmCheckerSampling s = new LlmCheckerSampling(LOGPROBS, 1, 1);
    assertPlace(s.place(1), 0, 0.5, 1.0);
    assertPlace(s.place(2), 1, 0.3, 0.5);
    assertPlace(s.place(0), 2, 0.15, 0.2);
    assertPlace(s.place(3), 3, 0.05, 0.05);
    assertPlace(s.place(4), 4, 0, 0);
  }

  @Test
  void topP_cutsEverythingAfterTheNucleus_andRenormalises() {
    LlmCheckerSampling s = new LlmCheckerSampling(LOGPROBS, 1, 0.7);
    assertPlace(s.place(1), 0, 0.5 / 0.8, 1.0);
    assertPlace(s.place(2), 1, 0.3 / 0.8, 0.3 / 0.8);
    assertPlace(s.place(0), 2, 0, 0);
    assertThat(new LlmCheckerSampling(LOGPROBS, 1, 0).place(1).probability()).isEqualTo(1.0);
  }

  @Test
  void temperatureZero_putsAllTheMassOnTheFirstToken() {
    LlmCheckerSampling s = new LlmCheckerSampling(LOGPROBS, 0, 1);
    assertPlace(s.place(1), 0, 1, 1);
    assertPlace(s.place(2), 1, 0, 0);
  }

  @Test
  void lowTemperature_sharpens_highTemperature_flattens() {
    double cold = new LlmCheckerSampling(LOGPROBS, 0.5, 1).place(1).probability();
    double hot = new LlmCheckerSampling(LOGPROBS, 2, 1).place(1).probability();
    assertThat(cold).isCloseTo(0.25 / (0.25 + 0.09 + 0.0225 + 0.0025), within(1e-12));
    assertThat(hot).isLessThan(0.5).isGreaterThan(0.3);
  }

  @Test
  void ties_rankByIdAscending() {
    double[] tied = {Math.log(0.4), Math.log(0.4), Math.log(0.2)};
    LlmCheckerSampling s = new LlmCheckerSampling(tied, 1, 1);
    assertThat(s.place(0).rank()).isZero();
    assertThat(s.place(1).rank()).isEqualTo(1);
    assertThat(new LlmCheckerSampling(tied, 0, 1).place(0).probability()).isEqualTo(1.0);
  }

  @Test
  void unlikely_needsBothARankOutsideTheTopKAndTheFarTail() {
    Place rare = new LlmCheckerSampling(LOGPROBS, 1, 1).place(3);
    assertThat(rare.unlikely(3, 0.1)).isTrue();
    assertThat(rare.unlikely(4, 0.1)).isFalse();
    assertThat(rare.unlikely(3, 0.01)).isFalse();
  }

  private static void assertPlace(Place place, int rank, double probability, double tail) {
    assertThat(place.rank()).isEqualTo(rank);
    assertThat(place.probability()).isCloseTo(probability, within(1e-12));
    assertThat(place.tail()).isCloseTo(tail, within(1e-12));
  }
}
