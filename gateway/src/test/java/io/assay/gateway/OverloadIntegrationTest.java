package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.audit.EventStream;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.devnet.Devnet;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Under overload users get 503 and honest miners never need a 429 (SCORING.md sections 1 and
 * 3): routing never asks a miner for more requests at once than it declared. Version 1 did not
 * look at concurrency: three honest miners answered 429 to about 70% of what they were sent.
 */
class OverloadIntegrationTest {

  @Test
  void moreUsersThanTheMinersTakeAtOnce_get503_andNoHonestMinerRefusesAnything()
      throws Exception {
    var config = ConfigFiles.load(null, Map.of("ASSAY_CHECKING_EMBEDDED", "false",
        "ASSAY_SYNTHETIC_ENABLED", "false")).withTasksOf(java.util.Set.of("image")).withPort(0);
    try (Devnet devnet = Devnet.start(config, TestDevnets.tempDir("assay-overload"), 2)) {
      ExecutorService users = Executors.newFixedThreadPool(48);
      List<CompletableFuture<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 96; i++) {
        int seed = i;
        calls.add(CompletableFuture.supplyAsync(() -> GatewayHttp.post(devnet,
            "/images/generations", "{\"prompt\":\"a boat\",\"size\":\"512x512\",\"steps\":40,"
                + "\"seed\":" + seed + "}"), users).thenApply(HttpResponse::statusCode));
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
      users.shutdown();
      List<Integer> statuses = calls.stream().map(CompletableFuture::join).toList();

      assertThat(statuses).containsOnly(200, 503).contains(200, 503);
      List<EventStream.Entry> events = devnet.gateway().call(
          () -> devnet.gateway().events().readAll(), "read the events");
      List<RequestOutcome> outcomes = events.stream().map(EventStream.Entry::event)
          .filter(e -> e instanceof RequestOutcome).map(e -> (RequestOutcome) e).toList();
      assertThat(outcomes).hasSize((int) statuses.stream().filter(s -> s == 200).count());
      assertThat(outcomes).allSatisfy(o ->
          assertThat(o.outcome()).isEqualTo(RequestOutcome.Outcome.SUCCESS));
    }
  }
}
