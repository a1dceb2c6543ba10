package io.assay.gateway.synthetic;

import io.assay.gateway.config.SyntheticConfig;
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
  private final SyntheticConfig config;

  public SyntheticSource(OrganicSamples organic, Corpus corpus, SyntheticConfig config) {
    this.organic = organic;
    this.corpus = corpus;
    this.config = config;
  }

  /** What a synthetic request is made of: the request, and whence its content came. */
  public record Drawn(TaskRequest request, Kind kind) {}

  /** Whence a synthetic request's content came. */
  public enum Kind { REPLAY, CORPUS, GENERATOR }

  /** A synthetic request for {@code task}, not yet split. */
  public Drawn next(Task task, RandomGenerator random) {
    String id = task.spec().id();
    boolean followOrganic = organic.seen(id) >= Math.max(1, config.minOrganic());
    if (followOrganic && random.nextDouble() < config.replayShare()) {
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
