package io.assay.gateway;

import static io.assay.gateway.GatewayHttp.embed;
import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.devnet.Devnet;
import io.assay.miner.Miner;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A miner that dies while the devnet serves costs users nothing: others take its requests. */
class MinerFailoverIntegrationTest {

  private static Devnet devnet;

  @BeforeAll
  static void start() {
    devnet = TestDevnets.start(TestDevnets.tempDir("assay-failover"), 3);
  }

  @AfterAll
  static void stop() {
    devnet.close();
  }

  @Test
  void killedMiner_isRoutedAround_withNoUserVisibleError() {
    Miner victim = devnet.miners().get(0);
    assertThat(embed(devnet, "warm up").statusCode()).isEqualTo(200);
    victim.close();

    Set<String> servedBy = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      HttpResponse<String> response = embed(devnet, "request number " + i);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      servedBy.add(response.headers().firstValue("X-Assay-Miner").orElseThrow());
    }
    assertThat(servedBy).doesNotContain(victim.name()).hasSize(2);
  }
}
