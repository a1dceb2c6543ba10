package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.audit.EventStream;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.PrivateRedis;
import io.assay.task.Backend;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 1: three gateways on one Redis route to two miners that each declared 2,000
 * output tokens and 8 requests at once. Flooded through all three, no miner is asked for more
 * than it declared in the period, nor for more requests at once, and the gateways together use
 * nearly all of it.
 */
class SharedCapacityIntegrationTest {

  private static final long DECLARED = 2_000;
  private static final int MAX_TOKENS = 32;
  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", DECLARED, 128);

  @Test
  void threeGateways_neverAskAMinerBeyondItsDeclaration_inVolumeOrAtOnce() throws Exception {
    Map<String, Concurrency> seen = new java.util.concurrent.ConcurrentHashMap<>();
    // 20 minutes into a period, standing still: no period ends mid-test.
    long start = 400_000L * 3_600_000L + 1_200_000L;
    try (PrivateRedis redis = PrivateRedis.start(Files.createTempDirectory("assay-shared-cap"));
        GatewayFleet fleet = GatewayFleet.start(redis.url(), 3, 2, start, 0, SPEC,
            backend -> new Counting(backend, seen.computeIfAbsent("all", k -> new Concurrency())))) {
      String key = fleet.createKey("flood", new io.assay.gateway.auth.ApiKeys.Limits(0, 0, null));
      ExecutorService clients = Executors.newFixedThreadPool(12);
      List<Future<HttpResponse<String>>> sent = new ArrayList<>();
      int requests = 3 * (int) (2 * DECLARED / MAX_TOKENS);
      for (int i = 0; i < requests; i++) {
        int gateway = i % 3;
        sent.add(clients.submit(() -> fleet.chat(gateway, key, MAX_TOKENS)));
      }
      Map<Integer, Integer> statuses = new TreeMap<>();
      for (Future<HttpResponse<String>> f : sent) {
        statuses.merge(f.get(2, TimeUnit.MINUTES).statusCode(), 1, Integer::sum);
      }
      clients.shutdown();
      // The flood's last requests find leases under way at other gateways and give up (503)
      // while volume is still leased here and unused, more so on a loaded machine. Requests one
      // at a time through each gateway then use what is left, until none of them can serve.
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
        boolean anyServed = false;
        for (int gateway = 0; gateway < 3; gateway++) {
          int status = fleet.chat(gateway, key, MAX_TOKENS).statusCode();
          statuses.merge(status, 1, Integer::sum);
          anyServed |= status == 200;
        }
        return !anyServed;
      });
      int answered = statuses.getOrDefault(200, 0);

      Gateway first = fleet.gateways.get(0);
      long period = Math.floorDiv(start, 3_600_000L);
      await().atMost(Duration.ofSeconds(30)).until(() -> outcomes(first, period).size()
          >= answered);
      Map<String, Long> asked = new TreeMap<>();
      for (ScoringEvent.RequestOutcome o : outcomes(first, period)) {
        asked.merge(o.miner(), o.units(), Long::sum);
      }
      Map<String, String> leased = first.redis().commands()
          .hgetall(Keys.capacityLeased(period)).get(5, TimeUnit.SECONDS);
      System.out.printf("statuses %s; units asked per miner %s (declared %d); leased %s;"
          + " most at once at the miners together %d%n", statuses, asked, DECLARED, leased,
          seen.get("all").most.get());

      assertThat(asked).hasSize(2);
      assertThat(asked.values()).as("units asked of each miner in the period")
          .allSatisfy(units -> assertThat(units).isLessThanOrEqualTo(DECLARED)
              // Leased and unused at the end: less than one request's units per gateway, and
              // more where the miner refused a request as full (429: it counts its own way)
              // and the gateway then left it alone for the rest of the period.
              .isGreaterThanOrEqualTo(DECLARED * 8 / 10));
      leased.forEach((field, units) -> {
        if (field.endsWith("|v")) {
          assertThat(Long.parseLong(units)).as(field).isLessThanOrEqualTo(DECLARED);
        }
      });
      assertThat(seen.get("all").most.get()).as("requests at once at the two miners")
          .isLessThanOrEqualTo(2 * 8);
      assertThat(statuses.keySet()).as("statuses").containsOnly(200, 503);
    }
  }

  private static List<ScoringEvent.RequestOutcome> outcomes(Gateway gateway, long period) {
    return gateway.call(() -> gateway.events().readAll(), "read the events").stream()
        .map(EventStream.Entry::event)
        .filter(e -> e instanceof ScoringEvent.RequestOutcome o && o.period() == period)
        .map(e -> (ScoringEvent.RequestOutcome) e).toList();
  }

  /** Requests under way and the most seen at once. */
  private static final class Concurrency {
    final AtomicInteger now = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();
  }

  /** The reference backend, counting requests under way. */
  private record Counting(Backend delegate, Concurrency counts) implements Backend {
    @Override
    public CompletionStage<TaskAnswer> serve(TaskRequest request) {
      counts.most.accumulateAndGet(counts.now.incrementAndGet(), Math::max);
      return delegate.serve(request).whenComplete((a, e) -> counts.now.decrementAndGet());
    }

    @Override
    public CompletionStage<TaskAnswer> stream(TaskRequest request,
        io.assay.task.ChunkSink sink) {
      counts.most.accumulateAndGet(counts.now.incrementAndGet(), Math::max);
      return delegate.stream(request, sink).whenComplete((a, e) -> counts.now.decrementAndGet());
    }
  }
}
