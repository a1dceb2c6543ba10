package io.assay.gateway.scoring;

import io.vertx.core.Future;

/**
 * Where scoring events go (the audit's event stream, {@code audit.EventStream}): routing and
 * test traffic record through this, so they need not know how or where events are kept.
 */
@FunctionalInterface
public interface EventAppender {

  /** Appends {@code event}; completes with the id it was given once it is stored. */
  Future<String> append(ScoringEvent event);
}
