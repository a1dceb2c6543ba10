package io.assay.task;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where an upstream backend forwards to.
 *
 * @param baseUrl the server's OpenAI-compatible root, e.g. {@code http://127.0.0.1:8000/v1}
 * @param model the model name the server knows (may differ from the public model id)
 * @param apiKey bearer token for the server, or null for none
 * @param timeout how long one call may take
 * @param options settings only some kinds read, by name (e.g. {@code chat_template} for an llm
 *     checker)
 */
public record UpstreamConfig(URI baseUrl, String model, String apiKey, Duration timeout,
    java.util.Map<String, String> options) {

  public UpstreamConfig {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(timeout, "timeout");
    options = java.util.Map.copyOf(options);
  }

  /** A server with no kind-specific options. */
  public UpstreamConfig(URI baseUrl, String model, String apiKey, Duration timeout) {
    this(baseUrl, model, apiKey, timeout, java.util.Map.of());
  }

  /** {@code baseUrl} joined with a path such as {@code /embeddings}. */
  public URI resolve(String path) {
    String base = baseUrl.toString();
    return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
  }
}
