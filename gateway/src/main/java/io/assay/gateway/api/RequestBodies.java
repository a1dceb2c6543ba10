package io.assay.gateway.api;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Reads the body of a {@code /v1} request, up to the configured limit (413 past it): through
 * Vert.x's {@link BodyHandler} for JSON and the like, and whole, as bytes, for {@code
 * multipart/form-data} (an image edit's pictures), which {@link BodyHandler} would take apart
 * into form fields and drop the files of. The bytes are then under {@link #RAW}; {@link #of}
 * finds either.
 */
final class RequestBodies implements Handler<RoutingContext> {

  /** The routing context's key for a multipart body kept whole. */
  static final String RAW = "assay.raw-body";

  private final BodyHandler others;
  private final long limit;

  RequestBodies(long limit) {
    this.others = BodyHandler.create(false).setBodyLimit(limit);
    this.limit = limit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.regionMatches(true, 0, "multipart/", 0, "multipart/".length())) {
      others.handle(ctx);
      return;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && declaredLength(length) > limit) {
      ctx.fail(413);
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] failed = {false};
    request.handler(chunk -> {
      if (failed[0]) {
        return;
      }
      if ((long) body.length() + chunk.length() > limit) {
        failed[0] = true;
        ctx.fail(413);
        return;
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(e -> {
      if (!failed[0]) {
        failed[0] = true;
        ctx.fail(400, e);
      }
    });
    request.endHandler(v -> {
      if (!failed[0]) {
        ctx.put(RAW, body);
        ctx.next();
      }
    });
    request.resume();
  }

  /** The request's body as read here: whole for a form, else as {@link BodyHandler} kept it. */
  static Buffer of(RoutingContext ctx) {
    Buffer raw = ctx.get(RAW);
    return raw != null ? raw : ctx.body().buffer();
  }

  private static long declaredLength(String header) {
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
