package io.assay.gateway.api;

import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.auth.RateLimiter;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks {@code Authorization: Bearer <key>}, the key's requests in flight here and its limits and
 * balance across gateways ({@link RateLimiter}), then passes the request on with the {@link
 * ApiKey} in the context under {@link #KEY}. A key that needs Redis to be admitted gets 503 with
 * {@code Retry-After} while Redis is away; a key with no limit is served from its cached record.
 */
final class Authenticator implements Handler<RoutingContext> {

  static final String KEY = ApiVerticle.API_KEY;
  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
  /**
   * Key look-ups and admissions fail together while Redis is away: one log line a minute, not one
   * a request.
   */
  private static final io.assay.gateway.state.OutageLog OUTAGE =
      new io.assay.gateway.state.OutageLog(java.time.Duration.ofMinutes(1));

  private final ApiKeys keys;
  private final RateLimiter limiter;
  private final ApiKey.Role required;
  private final CappedCounts concurrency;

  /**
   * @param concurrency caps each key's requests in flight, streams until they end, so that a
   *     key holding requests open cannot take the gateway from other users; null: no cap (the
   *     operator API)
   */
  Authenticator(ApiKeys keys, RateLimiter limiter, ApiKey.Role required,
      CappedCounts concurrency) {
    this.keys = keys;
    this.limiter = limiter;
    this.required = required;
    this.concurrency = concurrency;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)
        || header.substring(7).isBlank()) {
      OpenAiError.missingKey().send(ctx.response());
      return;
    }
    String token = header.substring(7).trim();
    keys.find(token).onComplete(ar -> {
      if (ar.failed()) {
        OUTAGE.failed(log, "API key lookup", ar.cause());
        OpenAiError.serviceUnavailable(
            "Authentication is temporarily unavailable; try again shortly.", 2)
            .send(ctx.response());
        return;
      }
      if (ar.result().isEmpty()) {
        OpenAiError.invalidKey().send(ctx.response());
        return;
      }
      ApiKey key = ar.result().get();
      if (required == ApiKey.Role.ADMIN && key.role() != ApiKey.Role.ADMIN) {
        OpenAiError.forbidden("This endpoint needs an admin key.").send(ctx.response());
        return;
      }
      if (required == ApiKey.Role.USER && key.role() == ApiKey.Role.ADMIN) {
        // Kept apart: an admin key that leaks through a client's config must not also be
        // spendable, and usage is never billed to the operator's key.
        OpenAiError.forbidden("Admin keys are for the operator API (/admin) only; use a user"
            + " key.").send(ctx.response());
        return;
      }
      if (concurrency != null) {
        Runnable slot = concurrency.tryTake(key.hash());
        if (slot == null) {
          OpenAiError.rateLimited("Too many requests in flight for key " + key.name() + ": at"
              + " most " + concurrency.max() + " at once.", 1).send(ctx.response());
          return;
        }
        // Called when the response ends or the connection closes, whichever comes first.
        ctx.addEndHandler(v -> slot.run());
      }
      limiter.admit(key).onComplete(admission -> {
        if (admission.failed()) {
          OUTAGE.failed(log, "admission of a limited key", admission.cause());
          OpenAiError.serviceUnavailable("Rate limits and balances are temporarily unavailable;"
              + " try again shortly.", 2).send(ctx.response());
        } else if (!admission.result().admitted()) {
          refused(key, admission.result()).send(ctx.response());
        } else {
          ctx.put(KEY, key);
          ctx.next();
        }
      });
    });
  }

  private static OpenAiError refused(ApiKey key, RateLimiter.Admission admission) {
    return switch (admission.refused()) {
      case REQUESTS_PER_MINUTE -> OpenAiError.rateLimited("Rate limit reached for key "
          + key.name() + ": " + key.requestsPerMinute() + " requests per minute.",
          admission.retryAfterSeconds());
      case UNITS_PER_MINUTE -> OpenAiError.rateLimited("Rate limit reached for key "
          + key.name() + ": " + key.unitsPerMinute() + " units (tokens, for text) per minute.",
          admission.retryAfterSeconds());
      case CREDIT -> OpenAiError.insufficientQuota();
    };
  }
}
