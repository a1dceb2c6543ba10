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

  /** What is wrong with an answer to a hostile body, or null. */
  private static String problem(HttpResponse<String> r) {
    if (r.statusCode() >= 500) {
      return "status " + r.statusCode() + " " + r.body();
    }
    if (r.body().contains("\tat ") || r.body().contains("Exception")) {
      return "a stack trace or exception name in " + r.body();
    }
    if (r.statusCode() >= 400) {
      try {
        JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
        if (!error.path("message").isTextual() || !error.path("type").isTextual()) {
          return "not OpenAI's error shape: " + r.body();
        }
      } catch (Exception e) {
        return "not JSON: " + r.body();
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
