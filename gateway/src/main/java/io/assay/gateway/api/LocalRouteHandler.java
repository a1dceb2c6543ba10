package io.assay.gateway.api;

import io.assay.task.InvalidRequestException;
import io.assay.task.LocalRoute;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a task kind's {@link LocalRoute} (listing circuits, verifying a proof a user brings)
 * on a worker thread, since a route may do CPU work, with errors in OpenAI's shape.
 */
final class LocalRouteHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(LocalRouteHandler.class);

  private final LocalRoute route;

  LocalRouteHandler(LocalRoute route) {
    this.route = route;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    byte[] body = raw == null ? new byte[0] : raw.getBytes();
    ctx.vertx().executeBlocking(() -> route.handler().handle(ctx.pathParams(), body), false)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            ctx.response().putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(ar.result().json()));
          } else if (ar.cause() instanceof InvalidRequestException e) {
            OpenAiError.invalidRequest(e.getMessage(), e.param(), e.code()).send(ctx.response());
          } else if (ar.cause() instanceof LocalRoute.NotFoundException e) {
            OpenAiError.notFound(e.getMessage()).send(ctx.response());
          } else {
            log.error("{} {}: request {} failed", route.method(), route.path(),
                ApiVerticle.requestId(ctx), ar.cause());
            OpenAiError.internal().send(ctx.response());
          }
        });
  }
}
