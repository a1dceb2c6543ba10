package io.assay.miner.sim;

import io.assay.miner.CapacityDeclaration;
import io.assay.miner.DeclarationPolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link DeclarationPolicy declaration policies} of simulated behaviours: what a miner
 * answers to {@code GET /capacity}. Every policy here is stateless and thread-safe (the miner
 * counts the polls).
 */
public final class DeclarationPolicies {

  /**
   * The volume a {@link Behaviour#GO_DARK} miner declares for every task: far above any {@code
   * max_capacity}, which the gateway clamps it to, and far enough below {@link Long#MAX_VALUE}
   * that sums of a few never overflow.
   */
  public static final long GO_DARK_VOLUME = Long.MAX_VALUE / 4;

  /**
   * The share of each period at whose start a {@link Behaviour#LATE} miner answers 503: a tenth,
   * well past the gateway's declaration grace of 1/30 of a period.
   */
  public static final double LATE_SHARE = 0.1;

  private DeclarationPolicies() {}

  /**
   * The policy of {@code behaviour}: {@link #goDark()} for {@link Behaviour#GO_DARK}, {@link
   * #late(double) late(LATE_SHARE)} for {@link Behaviour#LATE}, {@link DeclarationPolicy#HONEST}
   * for every other behaviour.
   */
  public static DeclarationPolicy of(Behaviour behaviour) {
    Objects.requireNonNull(behaviour, "behaviour");
    return switch (behaviour) {
      case GO_DARK -> goDark();
      case LATE -> late(LATE_SHARE);
      default -> DeclarationPolicy.HONEST;
    };
  }

  /**
   * Declares {@link #GO_DARK_VOLUME} for every task at the first poll of each period (its
   * concurrency as it is), and answers 503 to every later poll of that period: it hopes a later
   * poll would clear its declaration, and it fails whatever is routed to it anyway.
   */
  public static DeclarationPolicy goDark() {
    return (honest, poll) -> poll.index() == 0 ? everything(honest) : null;
  }

  /**
   * Answers 503 while the poll is less than {@code share} of the way into its period, then
   * honestly.
   *
   * @param share of a period, in [0, 1)
   */
  public static DeclarationPolicy late(double share) {
    if (!(share >= 0 && share < 1)) {
      throw new IllegalArgumentException("a late share must be in [0, 1), was " + share);
    }
    return (honest, poll) -> poll.fractionIntoPeriod() < share ? null : honest;
  }

  private static CapacityDeclaration everything(CapacityDeclaration honest) {
    Map<String, CapacityDeclaration.TaskCapacity> tasks = new LinkedHashMap<>();
    honest.tasks().forEach((id, t) -> tasks.put(id, new CapacityDeclaration.TaskCapacity(
        t.kind(), t.model(), t.unit(), GO_DARK_VOLUME, t.consumed(), t.maxConcurrency())));
    return new CapacityDeclaration(honest.miner(), honest.period(), honest.periodSeconds(),
        tasks);
  }
}
