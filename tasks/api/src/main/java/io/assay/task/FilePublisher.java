package io.assay.task;

import java.net.URI;

/**
 * Where a task puts a file its user fetches later instead of receiving inline, e.g. an image
 * asked for with {@code response_format: "url"}. The gateway implements it: the file is served
 * for a limited time under an unguessable id.
 */
@FunctionalInterface
public interface FilePublisher {

  /**
   * Keeps {@code content} for a while and returns the absolute URL it is served at.
   *
   * @param mediaType e.g. {@code image/png}
   */
  URI publish(byte[] content, String mediaType);

  /** A publisher for callers that never publish (miners, checking servers, tests). */
  FilePublisher NONE = (content, mediaType) -> {
    throw new UnsupportedOperationException("files cannot be published here");
  };
}
