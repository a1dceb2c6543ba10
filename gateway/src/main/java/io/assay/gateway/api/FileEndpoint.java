package io.assay.gateway.api;

import io.assay.gateway.files.PublishedFiles;
import io.assay.gateway.state.OutageLog;
import io.assay.gateway.state.StateException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /files/<id>}: a file any gateway sharing the Redis handed out by URL, with its media
 * type and a cache lifetime that ends when the file does. No key is needed: the unguessable id is
 * the credential, as with OpenAI's image URLs, so a browser or an {@code <img>} tag can fetch it.
 */
final class FileEndpoint {

  private static final Logger log = LoggerFactory.getLogger(FileEndpoint.class);
  /** While Redis is away every fetch fails alike: one log line a minute, not one a request. */
  private static final OutageLog OUTAGE = new OutageLog(Duration.ofMinutes(1));

  private final PublishedFiles files;

  FileEndpoint(PublishedFiles files) {
    this.files = files;
  }

  void handle(RoutingContext ctx) {
    files.get(ctx.pathParam("id")).onComplete(ar -> {
      if (ar.failed()) {
        failed(ctx, ar.cause());
        return;
      }
      ar.result().ifPresentOrElse(
          f -> ctx.response().putHeader("Content-Type", f.mediaType())
              // Private: whoever holds the URL may fetch it, but a shared cache should not keep it.
              .putHeader("Cache-Control", "private, max-age=" + f.remaining().toSeconds())
              .end(Buffer.buffer(f.content())),
          () -> OpenAiError.notFound("This file does not exist or has expired.")
              .send(ctx.response()));
    });
  }

  private static void failed(RoutingContext ctx, Throwable e) {
    if (e instanceof StateException) {
      OUTAGE.failed(log, "fetching a published file", e);
      OpenAiError.serviceUnavailable("Files are temporarily unavailable; try again shortly.", 2)
          .send(ctx.response());
    } else {
      log.error("fetching file {} failed ({})", ctx.pathParam("id"), ApiVerticle.requestId(ctx),
          e);
      OpenAiError.internal().send(ctx.response());
    }
  }
}
