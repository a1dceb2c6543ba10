package io.assay.gateway.synthetic;

import io.assay.config.ConfigException;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The distribution a (miner, task)'s test fraction is drawn from each period: by default 0.04
 * with probability 0.50, 0.08 with 0.40, 0.12 with 0.095 and 0.80 with 0.005, so a miner cannot
 * predict how much of its declared capacity will be tested.
 */
public record TestFractions(List<Choice> choices) {

  /** One fraction and its probability. */
  public record Choice(double fraction, double probability) {}

  public static TestFractions defaults() {
    return new TestFractions(List.of(new Choice(0.04, 0.50), new Choice(0.08, 0.40),
        new Choice(0.12, 0.095), new Choice(0.80, 0.005)));
  }

  public TestFractions {
    choices = List.copyOf(choices);
    double sum = 0;
    for (Choice c : choices) {
      if (!(c.fraction() > 0 && c.fraction() <= 1) || !(c.probability() >= 0)) {
        throw new ConfigException("config key 'scoring.test_fractions': each fraction must be in"
            + " (0, 1] and each probability >= 0, found " + c);
      }
      sum += c.probability();
    }
    if (Math.abs(sum - 1) > 1e-9) {
      throw new ConfigException("config key 'scoring.test_fractions': probabilities must sum to"
          + " 1, they sum to " + sum);
    }
  }

  public double draw(RandomGenerator random) {
    double u = random.nextDouble();
    double acc = 0;
    for (Choice c : choices) {
      acc += c.probability();
      if (u < acc) {
        return c.fraction();
      }
    }
    return choices.get(choices.size() - 1).fraction();
  }
}
