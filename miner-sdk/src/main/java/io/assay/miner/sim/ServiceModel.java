package io.assay.miner.sim;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How fast a simulated machine serves each task kind: a request of {@code u} work units takes
 * {@code baseSeconds + secondsPerUnit * u} on one of the machine's {@code slots}, however fast
 * the real backend computed it.
 *
 * <p>The simulated miners of a market simulation share one JVM on a small machine, so their real
 * speeds say nothing about the machines they stand for: the model gives each its own speed (a
 * {@link Behaviour#SLOW slow} miner's model is {@link #slower slower}), and their declared
 * capacities follow from it ({@link #capacityPerPeriod}). Its times must exceed what the real
 * backends take on the busy host, or the host, not the model, sets the pace.
 *
 * <p>Each task kind has the machine's slots to itself: the capacity of every kind is sized as if
 * it were the machine's only one, as a miner declares each task's capacity on its own.
 *
 * @param slots requests of one kind the machine serves at once, at least 1
 * @param byKind service times by task kind name ({@code llm}, {@code embeddings}, ...)
 */
public record ServiceModel(int slots, Map<String, Times> byKind) {

  /**
   * Service times of one kind.
   *
   * @param baseSeconds time of a request of no work units (set-up, prompt reading, first token)
   * @param secondsPerUnit time of each work unit after it; for a stream, the time between chunks
   */
  public record Times(double baseSeconds, double secondsPerUnit) {

    public Times {
      if (!(baseSeconds >= 0) || !(secondsPerUnit >= 0) || Double.isInfinite(baseSeconds)
          || Double.isInfinite(secondsPerUnit) || baseSeconds + secondsPerUnit <= 0) {
        throw new IllegalArgumentException("service times must be finite, >= 0 and not both 0,"
            + " were " + baseSeconds + " s + " + secondsPerUnit + " s/unit");
      }
    }

    /** The time of a request of {@code units} work units, in seconds. */
    public double seconds(long units) {
      return baseSeconds + secondsPerUnit * Math.max(0, units);
    }

    /** These times multiplied by {@code factor}. */
    public Times slower(double factor) {
      return new Times(baseSeconds * factor, secondsPerUnit * factor);
    }
  }

  public ServiceModel {
    if (slots < 1) {
      throw new IllegalArgumentException("a machine needs at least 1 slot, was " + slots);
    }
    Objects.requireNonNull(byKind, "byKind");
    byKind.forEach((kind, times) -> {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(times, "times of " + kind);
    });
    byKind = Map.copyOf(byKind);
  }

  /**
   * The reference machine: 4 slots; llm 0.05 s + 0.01 s per output token (one token per streamed
   * chunk); embeddings 0.05 s + 0.001 s per input token; image 0.1 s + 0.0001 s per milli
   * step-megapixel (0.62 s for 512x512 at 20 steps); zk-proof 2.5 s + 0.1 s per proof unit (2.8
   * s for a 3-unit proof).
   *
   * <p>Measured on the reference engines (2 cores, two requests at once, synthetic requests):
   * llm 0.003 s + 0.0003 s per token; embeddings 0.04 s + 0.00045 s per token; image 0.025 s +
   * 0.00004 s per unit; zk-proof 1.0 s (bn128) to 1.25 s (bls12-381) per proof alone and 1.8 to
   * 2.4 s two at once, the process's one Node prover proving one at a time. Every time here
   * exceeds those, zk-proof's by raising its base from 1.5 s.
   *
   * <p>These are one machine's times: a host runs only so many such machines at full load
   * (roughly 4,000 llm tokens, 2,800 embeddings tokens, 40,000 image units or 2.5 proof units
   * per second in all, for every simulated machine together), so a simulation that loads many
   * machines at once slows them with {@link #slower} or {@link #with}.
   */
  public static ServiceModel reference() {
    Map<String, Times> times = new LinkedHashMap<>();
    times.put("llm", new Times(0.05, 0.01));
    times.put("embeddings", new Times(0.05, 0.001));
    times.put("image", new Times(0.1, 0.0001));
    times.put("zk-proof", new Times(2.5, 0.1));
    return new ServiceModel(4, times);
  }

  /**
   * The times of {@code kind}.
   *
   * @throws IllegalArgumentException naming the known kinds when the model has none for it
   */
  public Times times(String kind) {
    Times t = byKind.get(kind);
    if (t == null) {
      throw new IllegalArgumentException("the service model has no times for task kind '" + kind
          + "'; it has " + byKind.keySet());
    }
    return t;
  }

  /** The time one request of {@code kind} with {@code units} work units takes, in seconds. */
  public double seconds(String kind, long units) {
    return times(kind).seconds(units);
  }

  /** The same machine with every time multiplied by {@code factor} (&gt; 0). */
  public ServiceModel slower(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("a slow-down factor must be finite and > 0, was "
          + factor);
    }
    Map<String, Times> out = new LinkedHashMap<>();
    byKind.forEach((kind, t) -> out.put(kind, t.slower(factor)));
    return new ServiceModel(slots, out);
  }

  /** The same machine with {@code times} for {@code kind} (added or replaced). */
  public ServiceModel with(String kind, Times times) {
    Map<String, Times> out = new LinkedHashMap<>(byKind);
    out.put(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(times, "times"));
    return new ServiceModel(slots, out);
  }

  /**
   * The work units this machine serves of {@code kind} in a period when every request has
   * {@code unitsPerRequest} units and all its slots are busy: {@code slots * period /
   * seconds(kind, unitsPerRequest) * unitsPerRequest}, rounded down (at most {@link
   * Long#MAX_VALUE}).
   */
  public long capacityPerPeriod(String kind, long unitsPerRequest, Duration period) {
    if (unitsPerRequest < 1) {
      throw new IllegalArgumentException("units per request must be >= 1, was "
          + unitsPerRequest);
    }
    double periodSeconds = period.toNanos() / 1e9;
    double requests = slots * periodSeconds / seconds(kind, unitsPerRequest);
    return (long) Math.floor(requests * unitsPerRequest);
  }
}
