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
   * chunk); embeddings 0.05 s + 0.003 s per input token; image 0.1 s + 0.0002 s per milli
   * step-megapixel (1.15 s for 512x512 at 20 steps); zk-proof 6 s + 0.1 s per proof unit (6.3 s
   * for a 3-unit proof).
   *
   * <p>Sized so that one such machine, all its slots busy, runs on its model on a 2-core host:
   * its real engines never set the pace. Measured on such a host with the generator's requests:
   * the engines alone, two requests at once, take llm 0.003 s + 0.0003 s per token, embeddings
   * 0.04 s + 0.00045 s per token, image 0.025 s + 0.00004 s per unit, zk-proof 1.0 s (bn128) to
   * 1.25 s (bls12-381) a proof, proved one at a time by the process's one Node prover. Under
   * closed-loop load of one machine's 4 slots, answers came late against the first sizing
   * (embeddings 0.001 s per token: 28% late on average; image 0.0001 s per unit: 1%; zk-proof
   * 1.5 s base: 54%), and on time, or within 1%, against these.
   *
   * <p>These are one machine's times, and the host runs about one such machine at full load
   * (llm: a dozen), so a simulation that loads M machines at once (a test window loads every
   * miner of a task at its declared rate) slows them with {@link #slower} or, kind by kind,
   * {@link #with}. Measured with 12 machines loaded at once: llm on time as it is; image 2% late
   * at 12 times slower; embeddings 11% late at 24 times and on time at 36 times (the engine
   * batches concurrent requests into runs padded to their longest input, so it serves fewer
   * tokens the more requests are in flight); zk-proof has one prover for the whole process, so
   * M machines need about M times its 6 s.
   */
  public static ServiceModel reference() {
    Map<String, Times> times = new LinkedHashMap<>();
    times.put("llm", new Times(0.05, 0.01));
    times.put("embeddings", new Times(0.05, 0.003));
    times.put("image", new Times(0.1, 0.0002));
    times.put("zk-proof", new Times(6.0, 0.1));
    return new ServiceModel(4, times);
  }

  /**
   * Machines for a market of {@code machines} miners on one 2-core host, all loaded at once as a
   * test window loads every miner of a task: one slot each, and per-unit times such that all of
   * them together ask about half of what the host serves (measured above: llm about 4,600
   * tokens a second, embeddings 2,300, image 45,000 units; a zk proof about a second on the
   * process's one prover). One slot, so that a request takes a fraction of a second (llm,
   * embeddings) and a test window, a second or two long in a simulation, asks a miner for many
   * in turn: it then measures the miner's rate, as it does in production, and not only whether
   * it takes a request. The times are per unit only, so a miner's capacity in units is what it
   * serves whatever its requests' sizes (chats that stop after a dozen tokens included). A zk
   * proof takes half a second per machine, at least the reference's 6: the process's one prover
   * makes about one a second, and a zk test window asks at most one of every tested miner.
   */
  public static ServiceModel sharedBy(int machines) {
    if (machines < 1) {
      throw new IllegalArgumentException("machines must be >= 1, was " + machines);
    }
    Map<String, Times> times = new LinkedHashMap<>();
    times.put("llm", new Times(0, machines / 2_300.0));
    times.put("embeddings", new Times(0, machines / 1_150.0));
    times.put("image", new Times(0, machines / 22_500.0));
    Times zk = reference().times("zk-proof");
    times.put("zk-proof", new Times(Math.max(zk.baseSeconds(), machines / 2.0),
        zk.secondsPerUnit()));
    return new ServiceModel(1, times);
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
