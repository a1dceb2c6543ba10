package io.assay.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.assay.task.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Errors in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, with the status
 * codes OpenAI's client libraries map to their exception types. The one place user-facing errors
 * are written.
 *
 * @param status HTTP status
 * @param message what went wrong and what to do, in plain words
 * @param type OpenAI's error type, e.g. {@code invalid_request_error}
 * @param param the offending request parameter, or null
 * @param code a machine-readable code, or null
 * @param retryAfterSeconds sent as {@code Retry-After} when positive
 */
public record OpenAiError(int status, String message, String type, String param, String code,
    long retryAfterSeconds) {

  public static OpenAiError invalidRequest(String message, String param, String code) {
    return new OpenAiError(400, message, "invalid_request_error", param, code, 0);
  }

  public static OpenAiError missingKey() {
    return new OpenAiError(401, "You didn't provide an API key. You need to provide your API key"
        + " in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        "invalid_request_error", null, null, 0);
  }

  public static OpenAiError invalidKey() {
    return new OpenAiError(401, "Incorrect API key provided.", "invalid_request_error", null,
        "invalid_api_key", 0);
  }

  public static OpenAiError forbidden(String message) {
    return new OpenAiError(403, message, "invalid_request_error", null, "forbidden", 0);
  }

  public static OpenAiError unknownModel(String model) {
    return new OpenAiError(404, "The model `" + quote(model) + "` does not exist or you do not"
        + " have access to it.", "invalid_request_error", "model", "model_not_found", 0);
  }

  /** The most characters of a user's value quoted back in a message. */
  private static final int MAX_QUOTED = 100;

  /**
   * A user's value as a message quotes it: whole up to {@link #MAX_QUOTED} characters, else cut
   * there with "...", since a value can be as long as the body limit allows.
   */
  public static String quote(String value) {
    return value.length() <= MAX_QUOTED ? value : value.substring(0, MAX_QUOTED) + "...";
  }

  public static OpenAiError notFound(String what) {
    return new OpenAiError(404, what, "invalid_request_error", null, "not_found", 0);
  }

  public static OpenAiError tooLarge(long limit) {
    return new OpenAiError(413, "Request body too large: the limit is " + limit + " bytes.",
        "invalid_request_error", null, "request_too_large", 0);
  }

  public static OpenAiError rateLimited(String message, long retryAfterSeconds) {
    return new OpenAiError(429, message, "rate_limit_exceeded", null, "rate_limit_exceeded",
        retryAfterSeconds);
  }

  public static OpenAiError unavailable(String message, long retryAfterSeconds) {
    return new OpenAiError(503, message, "service_unavailable", null, "no_miner_available",
        Math.max(1, retryAfterSeconds));
  }

  /** Something the gateway needs (its Redis) is away; nothing is wrong with the request. */
  public static OpenAiError serviceUnavailable(String message, long retryAfterSeconds) {
    return new OpenAiError(503, message, "service_unavailable", null, "service_unavailable",
        Math.max(1, retryAfterSeconds));
  }

  /**
   * A request the HTTP layer could not read (request line, headers, framing), before any route:
   * 414 for a request line past {@code maxLine} bytes, 431 for headers past {@code maxHeaders}
   * bytes, else 400.
   */
  public static OpenAiError malformedHttp(Throwable cause, int maxLine, int maxHeaders) {
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      return new OpenAiError(414, "The request line is longer than " + maxLine + " bytes.",
          "invalid_request_error", null, "uri_too_long", 0);
    }
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
      return new OpenAiError(431, "The request headers are larger than " + maxHeaders
          + " bytes.", "invalid_request_error", null, "headers_too_large", 0);
    }
    return new OpenAiError(400, "The request is not valid HTTP/1.1"
        + (cause == null ? "." : ": " + quote(String.valueOf(cause.getMessage())) + "."),
        "invalid_request_error", null, "malformed_http", 0);
  }

  /** OpenAI's answer to a key whose prepaid balance is used up. */
  public static OpenAiError insufficientQuota() {
    return new OpenAiError(429, "You exceeded your current quota, please check your plan and"
        + " billing details.", "insufficient_quota", null, "insufficient_quota", 0);
  }

  public static OpenAiError internal() {
    return new OpenAiError(500, "The server had an error while processing your request."
        + " Sorry about that!", "server_error", null, null, 0);
  }

  /** Ends {@code response} with this error, unless it was already ended. */
  public void send(HttpServerResponse response) {
    if (response.ended() || response.headWritten()) {
      if (!response.ended()) {
        response.end();
      }
      return;
    }
    response.setStatusCode(status);
    response.putHeader("Content-Type", "application/json");
    if (retryAfterSeconds > 0) {
      response.putHeader("Retry-After", Long.toString(retryAfterSeconds));
    }
    response.end(Buffer.buffer(toJson()));
  }

  public byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeStringField("message", message);
      g.writeStringField("type", type);
      g.writeStringField("param", param);
      g.writeStringField("code", code);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
