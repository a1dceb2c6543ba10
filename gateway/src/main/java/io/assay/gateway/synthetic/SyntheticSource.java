package io.assay.gateway.synthetic;

import io.assay.task.Task;
import io.assay.task.TaskRequest;
import java.util.random.RandomGenerator;

/**
 * Makes synthetic requests drawn like organic traffic (SCORING.md section 2), so a miner cannot
 * tell a test from a user:
 *
 * <ul>
 *   <li>content, in order of preference: a replayed recent organic request with a fresh seed
 *       (a share {@code synthetic.replay_share} of requests, once {@code synthetic.min_organic}
 *       organic requests of the task have been seen), the validator's private corpus, else the
 *       task's built-in generator (public: fine for devnets, recognisable in production);
 *   <li>parameters ({@code max_tokens}, temperature, streaming, sizes, steps, batch sizes): those
 *       of a recent organic request of the task once {@code synthetic.min_organic} have been
 *       seen, else the content's own.
 * </ul>
 *
 * Not thread-safe: used on the timeline's context with its random source.
 */
public final class SyntheticSource {

  private final OrganicSamples organic;
  private final Corpus corpus;
  private final int minOrganic;
  private final double replayShare;

  /**
   * @param minOrganic organic requests of a task seen before synthetic parameters follow them
   * @param replayShare the share of synthetic requests that replay a recent organic request
   */
  public SyntheticSource(OrganicSamples organic, Corpus corpus, int minOrganic,
      double replayShare) {
    this.organic = organic;
    this.corpus = corpus;
    this.minOrganic = minOrganic;
    this.replayShare = replayShare;
  }

  /** What a synthetic request is made of: the request, and whence its content came. */
  public record Drawn(TaskRequest request, Kind kind) {}

  /** Whence a synthetic request's content came. */
  public enum Kind { REPLAY, CORPUS, GENERATOR }

  /** Draws tried at most for a request that fits a window's room. */
  static final int FIT_TRIES = 8;

  /**
   * A synthetic request for {@code task}, not yet split, whose estimate fits in {@code room}
   * units when one of {@value #FIT_TRIES} draws does (else the smallest drawn): a test window
   * asks its {@code c_W} in requests as organic traffic would size them, not in one request far
   * larger than the window, which a miner serving a fraction of its declared rate could still
   * answer in time.
   */
  public Drawn next(Task task, RandomGenerator random, long room) {
    Drawn smallest = null;
    long smallestUnits = Long.MAX_VALUE;
    for (int i = 0; i < FIT_TRIES; i++) {
      Drawn drawn = next(task, random);
      long units = estimate(task, drawn.request());
      if (units <= room) {
        return drawn;
      }
      if (smallest == null || units < smallestUnits) {
        smallest = drawn;
        smallestUnits = units;
      }
    }
    return smallest;
  }

  private static long estimate(Task task, TaskRequest request) {
    try {
      return task.estimateUnits(request);
    } catch (RuntimeException invalid) {
      return Long.MAX_VALUE; // the sender reports it when it is the one chosen
    }
  }

  /** A synthetic request for {@code task}, not yet split. */
  public Drawn next(Task task, RandomGenerator random) {
    String id = task.spec().id();
    boolean followOrganic = organic.seen(id) >= Math.max(1, minOrganic);
    if (followOrganic && random.nextDouble() < replayShare) {
      TaskRequest replay = organic.sample(id, random);
      if (replay != null) {
        return new Drawn(task.reseed(replay, random), Kind.REPLAY);
      }
    }
    TaskRequest content = corpus.sample(id, random);
    Kind kind = Kind.CORPUS;
    if (content == null) {
      content = task.syntheticGenerator().next(random);
      kind = Kind.GENERATOR;
    }
    TaskRequest shape = followOrganic ? organic.sample(id, random) : null;
    return new Drawn(shape == null ? content : task.reshape(content, shape, random), kind);
  }
}
