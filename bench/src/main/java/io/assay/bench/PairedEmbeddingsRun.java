package io.assay.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The embeddings checks/ceiling ratio measured alternately: each round times {@code
 * rawInference} and {@code checks} of {@link EmbeddingsCheckBenchmark} back to back (their order
 * swapped every round), so both see the same load, and reports the medians and the median of the
 * per-round ratios. A cross-check of the JMH figures for a shared machine, where load that
 * changes between two JMH benchmarks moves their ratio; not a replacement for JMH's absolute
 * numbers.
 *
 * <p>Run (after {@code ./mvnw -Pbench -DskipTests package -pl bench -am}): {@code java -cp
 * bench/target/benchmarks.jar io.assay.bench.PairedEmbeddingsRun [rounds]}, default 40 rounds
 * after 5 warm-up rounds, about half a minute on 2 cores. {@code bench/run-checks.sh} runs it.
 */
public final class PairedEmbeddingsRun {

  private static final int WARMUP_ROUNDS = 5;

  private PairedEmbeddingsRun() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    EmbeddingsCheckBenchmark bench = new EmbeddingsCheckBenchmark();
    bench.setUp();
    // Native inference and the checker's verdicts cannot be optimised away; results are dropped.
    Consumer<Object> sink = result -> { };
    for (int r = 0; r < WARMUP_ROUNDS; r++) {
      bench.embedAll(sink);
      bench.checkAll(sink);
    }
    double[] raw = new double[rounds];
    double[] checks = new double[rounds];
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      if (r % 2 == 0) {
        raw[r] = perSecond(() -> bench.embedAll(sink));
        checks[r] = perSecond(() -> bench.checkAll(sink));
      } else {
        checks[r] = perSecond(() -> bench.checkAll(sink));
        raw[r] = perSecond(() -> bench.embedAll(sink));
      }
      ratios[r] = checks[r] / raw[r];
    }
    bench.tearDown();
    System.out.printf(Locale.ROOT, "paired embeddings, %d rounds of %d inputs (medians):"
        + " checks %.1f inputs/s, rawInference %.1f inputs/s, per-round ratio %.1f%%"
        + " (quartiles %.1f%% to %.1f%%)%n", rounds, EmbeddingsCheckBenchmark.INPUTS,
        median(checks), median(raw), 100 * median(ratios), 100 * quantile(ratios, 0.25),
        100 * quantile(ratios, 0.75));
  }

  private static double perSecond(Runnable work) {
    long start = System.nanoTime();
    work.run();
    return EmbeddingsCheckBenchmark.INPUTS * 1e9 / (System.nanoTime() - start);
  }

  private static double median(double[] values) {
    return quantile(values, 0.5);
  }

  private static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.round(q * (sorted.length - 1))];
  }
}
