package io.assay.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.devnet.Devnet;
import io.assay.task.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain HTTP calls to a devnet, for what the tests need beyond the OpenAI client (headers). */
final class GatewayHttp {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private GatewayHttp() {}

  static HttpResponse<String> post(Devnet devnet, String path, String body) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(devnet.info().baseUrl() + path))
          .header("Authorization", "Bearer " + devnet.info().apiKey())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> embed(Devnet devnet, String text) {
    try {
      return post(devnet, "/embeddings", Json.MAPPER.writeValueAsString(
          Json.MAPPER.createObjectNode().put("model", "all-MiniLM-L6-v2").put("input", text)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static float[] vector(HttpResponse<String> response) {
    try {
      JsonNode embedding = Json.MAPPER.readTree(response.body()).at("/data/0/embedding");
      float[] out = new float[embedding.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) embedding.get(i).asDouble();
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
