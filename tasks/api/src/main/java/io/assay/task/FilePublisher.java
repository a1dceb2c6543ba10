package io.assay.task;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a task puts a file its user fetches later instead of receiving inline, e.g. an image
 * asked for with {@code response_format: "url"}. The gateway implements it: the file is served
 * for a limited time under an unguessable id, by every gateway sharing its store.
 *
 * <p>Asynchronous because keeping a file is a network write: a URL must reach the user only once
 * the file is stored, or another gateway could be asked for it first and answer 404.
 */
@FunctionalInterface
public interface FilePublisher {

  /**
   * Keeps {@code content} for a while; completes with the absolute URL it is served at once it
   * is stored, or fails when it could not be (the gateway's store is away), in which case the
   * caller hands out no URL. Never blocks; the stage may complete on any thread.
   *
   * @param mediaType e.g. {@code image/png}
   */
  CompletionStage<URI> publish(byte[] content, String mediaType);

  /** A publisher for callers that never publish (miners, checking servers, tests). */
  FilePublisher NONE = (content, mediaType) -> CompletableFuture.failedFuture(
      new UnsupportedOperationException("files cannot be published here"));
}
