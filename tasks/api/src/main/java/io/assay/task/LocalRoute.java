package io.assay.task;

import java.util.Map;
import java.util.Objects;

/**
 * A public route the gateway answers itself, with no miner involved, e.g. the list of zk
 * circuits or the verification of a proof a user brings.
 *
 * <p>The gateway runs {@link Handler#handle} on a worker thread, so it may do CPU work (verify a
 * proof, read a file); it authenticates the caller exactly as for the kind's other paths.
 *
 * @param method {@code GET} or {@code POST}
 * @param path a path with {@code :name} parameters, e.g. {@code /v1/circuits/:id}
 */
public record LocalRoute(String method, String path, Handler handler) {

  public LocalRoute {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(handler, "handler");
  }

  /** Computes a route's answer. */
  @FunctionalInterface
  public interface Handler {

    /**
     * @param params the path's parameters by name
     * @param body the request body, empty for a GET
     * @throws InvalidRequestException for a bad body (a 400 in OpenAI's error shape)
     * @throws NotFoundException for an unknown resource (a 404)
     */
    Response handle(Map<String, String> params, byte[] body);
  }

  /** A JSON answer with status 200. */
  public record Response(byte[] json) {}

  /** Thrown by a handler when the resource a path names does not exist. */
  public static final class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
      super(message);
    }
  }
}
