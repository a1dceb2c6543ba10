package io.assay.task.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Decodes a {@code text/event-stream} body as it arrives, following the WHATWG server-sent
 * events parsing rules for the fields OpenAI-compatible servers use.
 *
 * <p>Bytes are gathered per line and a line is decoded only once its terminator has arrived;
 * terminators are ASCII and never occur inside a multi-byte UTF-8 sequence, so characters split
 * across reads come out whole without a streaming decoder. A CR seen at the end of one read may
 * be followed by the LF of a CRLF at the start of the next, hence {@code skipLf}. One line or
 * event may not exceed the response size limit.
 *
 * <p>Not thread-safe: the HTTP client feeds it one read at a time.
 */
final class SseDecoder {

  private final long maxResponseBytes;
  private final URI uri;
  private final Consumer<String> onData;
  private final CompletableFuture<Void> result;
  private byte[] line = new byte[512];
  private int lineLength;
  private boolean skipLf;
  private boolean firstLine = true;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String event = "";
  /** [DONE] was seen or the stream failed: what is left is drained without interpreting it. */
  private boolean finished;

  /**
   * @param result completed normally at {@code [DONE]}; exceptionally by the caller when
   *     {@link #feed} or {@link #end} throws
   */
  SseDecoder(URI uri, Consumer<String> onData, CompletableFuture<Void> result,
      long maxResponseBytes) {
    this.maxResponseBytes = maxResponseBytes;
    this.uri = uri;
    this.onData = onData;
    this.result = result;
  }

  /**
   * Decodes one read of the body, passing on every event it completes.
   *
   * @throws RuntimeException what {@code onData} threw, or an {@link UpstreamException} for an
   *     error sent in the stream or a line over the limit; the stream is then finished
   */
  void feed(ByteBuffer buffer) {
    try {
      while (buffer.hasRemaining() && !finished) {
        feedLine(buffer);
      }
    } catch (RuntimeException e) {
      finished = true;
      throw e;
    }
  }

  /**
   * The body ended cleanly. Lenient on a missing final blank line: a whole data line is an
   * event; a partial last line (no terminator) may be a cut-off payload and is dropped.
   */
  void end() {
    if (!finished) {
      finished = true;
      dispatch();
    }
  }

  /** Whether {@code [DONE]} was seen or the stream failed. */
  boolean finished() {
    return finished;
  }

  /** Consumes bytes up to and including the next line terminator, or all of them. */
  private void feedLine(ByteBuffer buffer) {
    if (skipLf) {
      skipLf = false;
      if (buffer.get(buffer.position()) == '\n') {
        buffer.get();
        return;
      }
    }
    int start = buffer.position();
    int end = buffer.limit();
    for (int i = start; i < end; i++) {
      byte b = buffer.get(i);
      if (b == '\n' || b == '\r') {
        append(buffer, start, i);
        buffer.position(i + 1);
        skipLf = b == '\r';
        line(new String(line, 0, lineLength, StandardCharsets.UTF_8));
        lineLength = 0;
        return;
      }
    }
    append(buffer, start, end);
    buffer.position(end);
  }

  private void append(ByteBuffer buffer, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return;
    }
    if ((long) lineLength + n + data.length() > maxResponseBytes) {
      throw new UpstreamException("upstream POST " + uri + " streamed a line or event longer"
          + " than " + maxResponseBytes + " bytes", UpstreamException.NO_RESPONSE, false, null,
          null);
    }
    if (lineLength + n > line.length) {
      line = Arrays.copyOf(line, Math.max(lineLength + n, line.length * 2));
    }
    buffer.get(from, line, lineLength, n);
    lineLength += n;
  }

  private void line(String text) {
    if (firstLine) {
      firstLine = false;
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
    }
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.charAt(0) == ':') {
      return;
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(
        colon + 1 < text.length() && text.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1);
    switch (field) {
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "event" -> event = value;
      // llama.cpp's server reports a failure mid-stream as an "error: {json}" line.
      case "error" -> throw streamError(value);
      default -> { } // id, retry and unknown fields mean nothing here
    }
  }

  private void dispatch() {
    if (!hasData) {
      event = "";
      return;
    }
    String payload = data.toString();
    String type = event;
    data.setLength(0);
    hasData = false;
    event = "";
    if (payload.strip().equals("[DONE]")) {
      finished = true;
      result.complete(null);
      return;
    }
    if (type.equals("error") || OpenAiHttp.inBandError(payload)) {
      throw streamError(payload);
    }
    if (!result.isDone()) {
      onData.accept(payload);
    }
  }

  private UpstreamException streamError(String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    String serverMessage = OpenAiHttp.serverMessage(bytes);
    int status = UpstreamException.NO_RESPONSE;
    try {
      JsonNode code = Json.MAPPER.readTree(bytes).path("error").path("code");
      if (code.canConvertToInt() && code.asInt() >= 400 && code.asInt() <= 599) {
        status = code.asInt();
      }
    } catch (IOException | RuntimeException notJson) {
      // No status to report.
    }
    return new UpstreamException("upstream POST " + uri + " failed mid-stream"
        + (serverMessage == null ? "" : ": " + serverMessage), status, false, serverMessage,
        null);
  }
}
