package io.assay.gateway;

import static io.assay.gateway.GatewayHttp.cosine;
import static io.assay.gateway.GatewayHttp.embed;
import static io.assay.gateway.GatewayHttp.vector;
import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.devnet.Devnet;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Embeddings served through the marketplace are the real model's, whichever miner answers. */
class EmbeddingsIntegrationTest {

  private static Devnet devnet;

  @BeforeAll
  static void start() {
    devnet = TestDevnets.shared();
  }

  @Test
  void paraphrases_areSimilar_andUnrelatedSentences_areNot() {
    float[] a = vector(embed(devnet, "How do I reset my password?"));
    float[] b = vector(embed(devnet, "What are the steps to change my login password?"));
    float[] c = vector(embed(devnet, "The volcano erupted and covered the island in ash."));
    assertThat(cosine(a, b)).isGreaterThan(0.6);
    assertThat(cosine(a, c)).isLessThan(0.3);
  }

  @Test
  void sameInput_givesTheSameVector_throughEveryMiner() {
    Map<String, float[]> byMiner = new HashMap<>();
    for (int i = 0; i < 60 && byMiner.size() < devnet.miners().size(); i++) {
      HttpResponse<String> response = embed(devnet, "Determinism across miners matters.");
      assertThat(response.statusCode()).isEqualTo(200);
      String miner = response.headers().firstValue("X-Assay-Miner").orElseThrow();
      float[] v = vector(response);
      byMiner.merge(miner, v, (old, now) -> {
        assertThat(now).containsExactly(old);
        return old;
      });
    }
    assertThat(byMiner).hasSize(devnet.miners().size());
    float[] first = byMiner.values().iterator().next();
    byMiner.values().forEach(v -> assertThat(v).containsExactly(first));
  }
}
