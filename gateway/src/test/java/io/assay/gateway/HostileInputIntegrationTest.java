package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.devnet.Devnet;
import io.assay.task.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Malformed and hostile bodies against every public POST route (issue 13, item 1; a start):
 * each gets a 4xx in OpenAI's error shape or a valid answer, never a 5xx, a hang or a stack
 * trace, and the gateway stays ready. A fixed list of hostile shapes plus seeded random cuts of
 * valid bodies; the counts are printed.
 */
class HostileInputIntegrationTest {

  private static final long SEED = 20_261_206L;
  private static final Map<String, String> VALID = Map.of(
      "/chat/completions", "{\"model\":\"reference-lm\",\"max_tokens\":4,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
      "/completions", "{\"model\":\"reference-lm\",\"max_tokens\":4,\"prompt\":\"hi\"}",
      "/embeddings", "{\"model\":\"all-MiniLM-L6-v2\",\"input\":\"hi\"}",
      "/images/generations", "{\"model\":\"reference-image\",\"prompt\":\"a hill\","
          + "\"size\":\"256x256\",\"steps\":1}",
      "/proofs", "{\"circuit\":\"timeseries-mlp-bn128\",\"input\":{}}",
      "/proofs/verify", "{\"circuit\":\"timeseries-mlp-bn128\",\"proof\":{},"
          + "\"public_signals\":[]}");

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void hostileBodies_getA4xxOrAnAnswer_neverA5xx() throws Exception {
    Devnet devnet = TestDevnets.shared();
    Random random = new Random(SEED);
    Map<String, Integer> outcomes = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> route : new TreeMap<>(VALID).entrySet()) {
      for (Map.Entry<String, byte[]> c : cases(route.getValue(), random).entrySet()) {
        HttpResponse<String> r = send(devnet, route.getKey(), c.getValue(), "application/json");
        outcomes.merge(r.statusCode() / 100 + "xx", 1, Integer::sum);
        String problem = problem(r);
        if (problem != null) {
          wrong.add(route.getKey() + " " + c.getKey() + ": " + problem);
        }
      }
      HttpResponse<String> text = send(devnet, route.getKey(),
          route.getValue().getBytes(StandardCharsets.UTF_8), "text/plain");
      outcomes.merge(text.statusCode() / 100 + "xx", 1, Integer::sum);
      if (problem(text) != null) {
        wrong.add(route.getKey() + " as text/plain: " + problem(text));
      }
    }
    System.out.println("hostile input (seed " + SEED + "): " + outcomes);
    assertThat(wrong).isEmpty();
    assertThat(outcomes).containsKey("4xx");
    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(
            devnet.info().baseUrl().replace("/v1", "") + "/health/ready")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
  }

  @Test
  void anEnormousModelName_isNotEchoedWhole() throws Exception {
    String model = "m".repeat(1_000_000);
    HttpResponse<String> r = send(TestDevnets.shared(), "/chat/completions",
        ("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
            .getBytes(StandardCharsets.UTF_8), "application/json");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body().length()).isLessThan(1_000);
  }

  @Test
  void hostileRequestLinesAndHeaders_getA4xxInOpenAisShapeOrAnAnswer() throws Exception {
    Devnet devnet = TestDevnets.shared();
    int port = Integer.parseInt(devnet.info().baseUrl().replaceAll(".*:(\\d+).*", "$1"));
    String body = VALID.get("/chat/completions");
    String auth = "Authorization: Bearer " + devnet.info().apiKey() + "\r\n";
    String json = "Content-Type: application/json\r\n";
    String length = "Content-Length: " + body.length() + "\r\n";
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      many.append("X-Many-").append(i).append(": ").append(i).append("\r\n");
    }
    Map<String, String> cases = new TreeMap<>();
    cases.put("HTTP/1.0 with a length", "POST /v1/chat/completions HTTP/1.0\r\n" + auth + json
        + length + "\r\n" + body);
    cases.put("HTTP/1.0 without a length", "POST /v1/chat/completions HTTP/1.0\r\n" + auth
        + json + "\r\n" + body);
    cases.put("a 20 KB header", "POST /v1/chat/completions HTTP/1.1\r\nHost: g\r\n" + auth
        + json + length + "X-Big: " + "b".repeat(20_000) + "\r\n\r\n" + body);
    cases.put("2,000 headers", "POST /v1/chat/completions HTTP/1.1\r\nHost: g\r\n" + auth
        + json + length + many + "\r\n" + body);
    cases.put("a 10 KB path", "POST /v1/chat/completions?" + "q".repeat(10_000)
        + " HTTP/1.1\r\nHost: g\r\n" + auth + json + length + "\r\n" + body);
    cases.put("a header without a colon", "POST /v1/chat/completions HTTP/1.1\r\nHost: g\r\n"
        + auth + json + length + "Broken header\r\n\r\n" + body);
    cases.put("a NUL in a header", "POST /v1/chat/completions HTTP/1.1\r\nHost: g\r\n" + auth
        + json + length + "X-Nul: a\u0000b\r\n\r\n" + body);
    cases.put("two lengths", "POST /v1/chat/completions HTTP/1.1\r\nHost: g\r\n" + auth
        + json + length + "Content-Length: 3\r\n\r\n" + body);
    cases.put("a negative length", "POST /v1/chat/completions HTTP/1.1\r\nHost: g\r\n" + auth
        + json + "Content-Length: -5\r\n\r\n" + body);
    cases.put("an unknown method", "BREW /v1/chat/completions HTTP/1.1\r\nHost: g\r\n" + auth
        + "\r\n");
    cases.put("a garbage request line", "\u0001\u0002 nonsense\r\n\r\n");
    Map<String, Integer> outcomes = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> c : cases.entrySet()) {
      RawAnswer answer = raw(port, c.getValue());
      outcomes.merge(answer.status() / 100 + "xx", 1, Integer::sum);
      String problem = answer.status() == 0 ? "no answer: " + answer.body()
          : problem(answer.status(), answer.body());
      if (problem != null) {
        wrong.add(c.getKey() + ": " + problem);
      }
    }
    System.out.println("hostile request lines and headers: " + outcomes);
    assertThat(wrong).isEmpty();
    assertThat(outcomes.get("2xx")).as("HTTP/1.0 with a length is served").isPositive();
    // The one exception, answered by Vert.x before any hook of ours: a version other than
    // HTTP/1.0 and 1.1 in a text request line gets 501 with no body, and the connection closes.
    RawAnswer http2 = raw(port, "POST /v1/chat/completions HTTP/2.0\r\n" + auth + json + length
        + "\r\n" + body);
    assertThat(http2.status()).isEqualTo(501);
    assertThat(http2.body()).isEmpty();
  }

  /** A status (0 when none came) and the body after the head, de-chunked loosely. */
  private record RawAnswer(int status, String body) {}

  private static RawAnswer raw(int port, String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.replaceFirst(" HTTP/1.1\r\n",
          " HTTP/1.1\r\nConnection: close\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String text = new String(socket.getInputStream().readAllBytes(),
          StandardCharsets.ISO_8859_1);
      if (!text.startsWith("HTTP/")) {
        return new RawAnswer(0, text.isEmpty() ? "(connection closed)" : text);
      }
      int status = Integer.parseInt(text.substring(9, 12));
      int head = text.indexOf("\r\n\r\n");
      String rest = head < 0 ? "" : text.substring(head + 4);
      if (text.substring(0, Math.max(0, head)).toLowerCase().contains("transfer-encoding: chunked")) {
        rest = rest.replaceAll("(?m)^[0-9a-fA-F]+\r\n", "").replace("\r\n", "");
      }
      return new RawAnswer(status, rest);
    } catch (java.net.SocketException e) {
      return new RawAnswer(0, "connection reset: " + e.getMessage());
    }
  }

  /** What is wrong with an answer to a hostile body, or null. */
  private static String problem(HttpResponse<String> r) {
    return problem(r.statusCode(), r.body());
  }

  private static String problem(int status, String body) {
    if (status >= 500) {
      return "status " + status + " " + body;
    }
    if (body.contains("\tat ") || body.contains("Exception")) {
      return "a stack trace or exception name in " + body;
    }
    if (status >= 400) {
      try {
        JsonNode error = Json.MAPPER.readTree(body).path("error");
        if (!error.path("message").isTextual() || !error.path("type").isTextual()) {
          return "not OpenAI's error shape: " + status + " " + body;
        }
      } catch (Exception e) {
        return "not JSON: " + status + " " + body;
      }
    }
    return null;
  }

  /** Hostile variants of a valid body, by name. */
  private static Map<String, byte[]> cases(String valid, Random random) {
    Map<String, byte[]> out = new TreeMap<>();
    String inner = valid.substring(1, valid.length() - 1);
    put(out, "trailing junk", valid + " junk");
    put(out, "two objects", valid + valid);
    put(out, "empty body", "");
    put(out, "null", "null");
    put(out, "an array", "[" + valid + "]");
    put(out, "a string", "\"" + valid.replace("\"", "\\\"") + "\"");
    put(out, "deep nesting", "{" + inner + ",\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}");
    put(out, "NaN", "{" + inner + ",\"temperature\":NaN}");
    put(out, "huge number", "{" + inner + ",\"max_tokens\":1e308,\"n\":1e308}");
    put(out, "negative counts", "{" + inner + ",\"max_tokens\":-1,\"n\":-3,\"steps\":-1}");
    put(out, "fractional counts", "{" + inner + ",\"max_tokens\":2.5,\"n\":1.5}");
    put(out, "wrong types", valid.replace("\"hi\"", "{\"a\":[1,2]}")
        .replace("\"a hill\"", "42"));
    put(out, "NUL bytes", valid.replace("hi", "h\\u0000i").replace("a hill", "a\\u0000hill"));
    put(out, "duplicate keys", "{" + inner + "," + inner + "}");
    put(out, "a long string", "{" + inner + ",\"user\":\"" + "x".repeat(2_000_000) + "\"}");
    put(out, "many keys", manyKeys(inner));
    put(out, "past max_body_bytes (2 MiB)", "{" + inner + ",\"user\":\""
        + "x".repeat(3_000_000) + "\"}");
    ByteArrayOutputStream invalidUtf8 = new ByteArrayOutputStream();
    invalidUtf8.writeBytes(valid.replace("hi", "h#i").replace("a hill", "a#hill")
        .getBytes(StandardCharsets.UTF_8));
    byte[] bytes = invalidUtf8.toByteArray();
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '#') {
        bytes[i] = (byte) 0xC3; // a lead byte with no continuation
      }
    }
    out.put("invalid UTF-8", bytes);
    for (int i = 0; i < 4; i++) {
      int cut = 1 + random.nextInt(valid.length() - 1);
      put(out, "cut at " + cut, valid.substring(0, cut));
    }
    return out;
  }

  private static String manyKeys(String inner) {
    StringBuilder s = new StringBuilder("{").append(inner);
    for (int i = 0; i < 50_000; i++) {
      s.append(",\"k").append(i).append("\":").append(i);
    }
    return s.append('}').toString();
  }

  private static void put(Map<String, byte[]> out, String name, String body) {
    out.put(name, body.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> send(Devnet devnet, String path, byte[] body, String type)
      throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(devnet.info().baseUrl() + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + devnet.info().apiKey())
        .header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
