package io.assay.task.zk.circuit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Makes varied, realistic inputs for synthetic requests to a series circuit: noisy linear
 * trends, sine waves, random walks and level shifts at random levels and scales, with two
 * decimals like numbers users send, always inside the circuit's input range. Deterministic for
 * a given random source; stateless and thread-safe.
 */
public final class SyntheticInputs {

  private final Circuit circuit;
  private final int length;
  private final double min;
  private final double max;

  public SyntheticInputs(Circuit circuit) {
    this.circuit = circuit;
    this.length = circuit.layout().inputs().size();
    this.min = circuit.inputMin().doubleValue();
    this.max = circuit.inputMax().doubleValue();
  }

  /** A user-facing input such as {@code {"series":[101.25, 102.5, ...]}}. */
  public ObjectNode next(RandomGenerator random) {
    double span = max - min;
    // Magnitudes spread over orders: most real series are small numbers, some are large.
    double magnitude = Math.pow(10, random.nextDouble(-1, Math.log10(span / 4)));
    double level = random.nextDouble(-1, 1) * Math.min(magnitude * 2, max * 0.8);
    double noise = magnitude * random.nextDouble(0, 0.1);
    int shape = random.nextInt(4);
    double slope = random.nextDouble(-0.2, 0.2) * magnitude;
    double period = random.nextDouble(3, 12);
    double phase = random.nextDouble(0, 2 * Math.PI);
    double step = random.nextDouble(-0.5, 0.5) * magnitude;
    int stepAt = random.nextInt(1, length);
    List<BigDecimal> values = new ArrayList<>(length);
    double walk = level;
    for (int t = 0; t < length; t++) {
      double v = switch (shape) {
        case 0 -> level + slope * t;
        case 1 -> level + magnitude * 0.5 * Math.sin(2 * Math.PI * t / period + phase);
        case 2 -> walk += random.nextGaussian() * magnitude * 0.1;
        default -> level + (t >= stepAt ? step : 0);
      };
      v += random.nextGaussian() * noise;
      v = Math.max(min, Math.min(max, v));
      values.add(BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_EVEN));
    }
    return circuit.inputMapping().toUserInput(values);
  }
}
