package io.assay.gateway.devnet;

import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.config.GatewayConfig.TaskConfig;
import io.assay.gateway.scoring.WeightReport;
import io.assay.miner.Miner;
import io.assay.miner.sim.MinerSpec;
import io.assay.task.Task;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A time-compressed marketplace on a real gateway: miners with scripted behaviours, scoring
 * periods of a few seconds, synthetic tests as in production, and organic users who ask for more
 * work than the miners declared (so a miner that declares more than it serves is asked for what
 * it declared, and its 429s show). After the given number of periods it computes the weights.
 *
 * <p>Capacities are small (a dozen typical requests per miner, task and period) so a 2-core
 * machine can saturate them.
 */
public final class Simulation {

  /** Typical requests each miner really serves per task and period. */
  static final int REQUESTS_PER_PERIOD = 2;
  private static final int USERS = 10;

  private Simulation() {}

  /** The outcome: the weight report and who played which behaviour. */
  public record Result(WeightReport report, Map<String, MinerSpec> byHotkey) {}

  public static Result run(GatewayConfig base, List<MinerSpec> specs, int periods,
      Duration period, Path dataDir, PrintStream out) throws Exception {
    GatewayConfig config = base.withPeriod(period).withPort(0);
    try (Devnet devnet = Devnet.start(config, dataDir, specs,
        t -> t.unitsPerRequest() * REQUESTS_PER_PERIOD)) {
      Map<String, MinerSpec> byHotkey = new TreeMap<>();
      List<Miner> miners = devnet.miners();
      for (int i = 0; i < specs.size(); i++) {
        byHotkey.put(miners.get(i).hotkey().value(), specs.get(i));
      }
      out.printf("simulating %d periods of %d s with %s%n", periods, period.toSeconds(),
          specs.stream().map(MinerSpec::name).toList());
      AtomicBoolean running = new AtomicBoolean(true);
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(USERS);
      List<CompletableFuture<Void>> users = new ArrayList<>();
      for (int i = 0; i < USERS; i++) {
        users.add(CompletableFuture.runAsync(
            new User(devnet, config, new SplittableRandom(i), running), pool));
      }
      long end = System.currentTimeMillis() + period.toMillis() * periods;
      while (System.currentTimeMillis() < end) {
        Thread.sleep(Math.min(1000, Math.max(1, end - System.currentTimeMillis())));
      }
      running.set(false);
      CompletableFuture.allOf(users.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      pool.shutdown();
      // As of the end of the last whole period: a period that has just begun may not have its
      // capacity declarations recorded yet, and a miner without one earns nothing in it.
      long periodMillis = period.toMillis();
      long lastWholePeriodEnd = System.currentTimeMillis() / periodMillis * periodMillis - 1;
      WeightReport report = devnet.gateway().call(
          () -> devnet.gateway().weights().compute(lastWholePeriodEnd), "compute weights");
      print(report, byHotkey, out);
      return new Result(report, byHotkey);
    }
  }

  static void print(WeightReport report, Map<String, MinerSpec> byHotkey, PrintStream out) {
    List<String> tasks = new ArrayList<>(report.taskWeights().keySet());
    StringBuilder header = new StringBuilder(String.format("%-14s", "miner"));
    tasks.forEach(t -> header.append(String.format(" %24s", t)));
    header.append(String.format(" %10s %6s", "weight", "u16"));
    out.println(header);
    for (Map.Entry<String, MinerSpec> e : byHotkey.entrySet()) {
      StringBuilder row = new StringBuilder(String.format("%-14s", e.getValue().name()));
      WeightReport.MinerReport m = report.miners().get(e.getKey());
      for (String task : tasks) {
        WeightReport.TaskReport t = m == null ? null : m.tasks().get(task);
        row.append(String.format(" %24s", t == null ? "-" : String.format("t=%.4f ps=%s",
            t.taskScore(), t.periodScore() == null ? "-" : String.format("%.2f", t.periodScore()))));
      }
      row.append(String.format(" %10.6f %6d", report.weights().getOrDefault(e.getKey(), 0.0),
          report.weightsU16().getOrDefault(e.getKey(), 0)));
      out.println(row);
    }
  }

  /** A user sending a steady stream of realistic requests through the public API. */
  private record User(Devnet devnet, GatewayConfig config, SplittableRandom random,
      AtomicBoolean running) implements Runnable {

    @Override
    public void run() {
      TaskKinds kinds = TaskKinds.discover();
      List<Task> tasks = new ArrayList<>();
      for (TaskConfig t : config.tasks()) {
        TaskKind kind = kinds.byName(t.kind()).orElseThrow();
        tasks.add(kind.bind(new TaskSpec(t.kind(), t.model(), t.maxCapacity(),
            t.unitsPerRequest())));
      }
      HttpClient http = HttpClient.newHttpClient();
      while (running.get()) {
        Task task = tasks.get(random.nextInt(tasks.size()));
        TaskRequest request = task.syntheticGenerator().next(random);
        HttpRequest call = HttpRequest.newBuilder(
                URI.create(devnet.info().baseUrl().replace("/v1", "") + request.path()))
            .header("Authorization", "Bearer " + devnet.info().apiKey())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(task.minerRequestBody(request)))
            .build();
        try {
          HttpResponse<Void> response = http.sendAsync(call, HttpResponse.BodyHandlers.discarding())
              .orTimeout(30, TimeUnit.SECONDS).get();
          if (response.statusCode() == 503) {
            Thread.sleep(50);
          }
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof java.util.concurrent.TimeoutException) {
            System.err.println("simulation: no complete answer in 30 s to " + request.path()
                + (request.stream() ? " (streamed)" : ""));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
