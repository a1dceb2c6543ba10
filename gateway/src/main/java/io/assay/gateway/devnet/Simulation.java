package io.assay.gateway.devnet;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.config.GatewayConfig.TaskConfig;
import io.assay.gateway.scoring.WeightReport;
import io.assay.miner.Miner;
import io.assay.miner.sim.MinerSpec;
import io.assay.miner.sim.ServiceModel;
import io.assay.miner.sim.SimulatedFleet;
import io.assay.task.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A time-compressed marketplace on a real gateway: miners with scripted behaviours ({@code
 * miner-sdk/.../sim}), scoring periods of seconds, test windows and synthetic requests as in
 * production, and organic users sending their own traffic for every task. After the given
 * number of periods it waits through most of one more, so the last period's answers end and are
 * checked, computes the weights over whole periods up to the last given one, prints a table and
 * can write the report as JSON.
 *
 * <p>Every miner's speed and capacity come from its behaviour's service-time model ({@link
 * ServiceModel}): answers are computed by the real reference engines, then held until the
 * model's time, so speed ranks reflect behaviour rather than who got the shared CPU first.
 */
public final class Simulation {

  /** Organic users sending requests side by side. */
  private static final int USERS = 6;
  /**
   * Proofs per second this host spends on zk test windows, per circuit: a proof takes about a
   * second of the one prover. With 17 miners and 20 s periods a circuit is then tested in about
   * half the periods, every miner at once, which is what separates honest provers from bad
   * proofs: organic proofs reach only a few miners a period, at random.
   */
  private static final double PROOFS_PER_SECOND = 0.4;
  /** How long a miner may take to answer before it has failed (see {@link #run}). */
  private static final Duration MINER_TIMEOUT = Duration.ofMinutes(3);

  private Simulation() {}

  /** The outcome: the weight report and who played which behaviour, by hotkey. */
  public record Result(WeightReport report, Map<String, MinerSpec> byHotkey) {}

  public static Result run(GatewayConfig base, List<MinerSpec> specs, int periods,
      Duration period, Path dataDir, PrintStream out, Path jsonOut) throws Exception {
    // A zk test window costs one real proof per tested miner, about a second of this host's
    // CPU each: the budget of each circuit is capped at what the host can spare for them, so
    // when there are more miners than that a period tests every miner or none (README, "Test
    // windows").
    //
    // And on a compressed clock a zk window (4% of a 20 s period: 0.8 s) is shorter than one
    // proof, so it asks every miner one request whatever it declared and cannot measure a
    // declared rate, as it does with production periods (4% of an hour holds dozens of proofs).
    // The simulated validator therefore does what a validator can do for a task its windows
    // cannot measure: it sets the circuit's max_capacity to what the fastest prover it knows
    // of, one simulated machine, serves in a period.
    ServiceModel model = ServiceModel.sharedBy(specs.size());
    long proofs = Math.max(1, (long) (period.toSeconds() * PROOFS_PER_SECOND));
    //
    // The fleet's provers are one Node process: a test window asks every tested miner for a
    // proof at once, so the last of them (two circuits' windows can meet) waits behind dozens of
    // others, past the default minute on a loaded host. That wait is the host's, not the
    // miner's: the simulated validator waits longer before it calls a miner silent.
    GatewayConfig config = base.withPeriod(period).withPort(0)
        .withMinerTimeout(MINER_TIMEOUT.compareTo(base.routing().minerTimeout()) > 0
            ? MINER_TIMEOUT : base.routing().minerTimeout())
        .withTasks("zk-proof", t -> t
        .withSyntheticBudget(Math.min(t.syntheticBudget(), proofs * t.unitsPerRequest()))
        .withMaxCapacity(Math.min(t.maxCapacity(),
            model.capacityPerPeriod(t.kind(), t.unitsPerRequest(), period))));
    try (Devnet devnet = Devnet.start(config, dataDir, specs,
        new SimulatedFleet(specs, model, period))) {
      Map<String, MinerSpec> byHotkey = new TreeMap<>();
      List<Miner> miners = devnet.miners();
      for (int i = 0; i < specs.size(); i++) {
        byHotkey.put(miners.get(i).hotkey().value(), specs.get(i));
      }
      out.printf("simulating %d periods of %d s with %d miners: %s%n", periods,
          period.toSeconds(), specs.size(), specs.stream().map(MinerSpec::name).toList());
      AtomicBoolean running = new AtomicBoolean(true);
      ExecutorService pool = Executors.newFixedThreadPool(USERS);
      List<CompletableFuture<Void>> users = new ArrayList<>();
      for (int i = 0; i < USERS; i++) {
        users.add(CompletableFuture.runAsync(
            new User(devnet, config, new SplittableRandom(i), running), pool));
      }
      long periodMillis = period.toMillis();
      // Run until the end of the last of the given periods after the one the devnet started
      // in (a partial period, whose grace window opened at the start).
      long end = (System.currentTimeMillis() / periodMillis + periods + 1) * periodMillis;
      while (System.currentTimeMillis() < end) {
        Thread.sleep(Math.min(1000, Math.max(1, end - System.currentTimeMillis())));
      }
      running.set(false);
      CompletableFuture.allOf(users.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      pool.shutdown();
      // Requests of the last period may still be under way when it ends (a test window late
      // in the period asks one proof of every miner, and they queue on the one shared prover),
      // and answers are checked after they end. So the weights are computed as a validator
      // would compute them late in the following period: with everything recorded by then,
      // over whole periods up to the last given one.
      long computedAt = end + periodMillis - 2;
      while (System.currentTimeMillis() <= computedAt) {
        Thread.sleep(Math.min(1000, Math.max(1, computedAt + 1 - System.currentTimeMillis())));
      }
      WeightReport report = devnet.gateway().call(
          () -> devnet.gateway().weights().compute(computedAt), "compute weights");
      print(report, byHotkey, out);
      if (jsonOut != null) {
        write(report, byHotkey, jsonOut);
        out.println("report written to " + jsonOut);
      }
      return new Result(report, byHotkey);
    }
  }

  static void print(WeightReport report, Map<String, MinerSpec> byHotkey, PrintStream out) {
    List<String> tasks = new ArrayList<>(report.taskWeights().keySet());
    StringBuilder header = new StringBuilder(String.format("%-14s", "miner"));
    tasks.forEach(t -> header.append(String.format(" %13s", shortName(t))));
    header.append(String.format(" %9s %6s", "weight", "u16"));
    out.println(header);
    out.println(" ".repeat(14) + tasks.stream().map(t -> String.format(" %13s", "t  PS  Q"))
        .reduce("", String::concat));
    for (Map.Entry<String, MinerSpec> e : byName(byHotkey)) {
      StringBuilder row = new StringBuilder(String.format("%-14s", e.getValue().name()));
      WeightReport.MinerReport m = report.miners().get(e.getKey());
      for (String task : tasks) {
        WeightReport.TaskReport t = m == null ? null : m.tasks().get(task);
        row.append(String.format(" %13s", t == null ? "-" : String.format("%.3f %s %s",
            t.taskScore(), t.periodScore() == null ? "-" : String.format("%.2f", t.periodScore()),
            t.quality() == null ? "-" : String.format("%.2f", t.quality()))));
      }
      row.append(String.format(" %9.6f %6d", report.weights().getOrDefault(e.getKey(), 0.0),
          report.weightsU16().getOrDefault(e.getKey(), 0)));
      out.println(row);
    }
    Map<String, Double> byMachine = new TreeMap<>();
    Map<String, Integer> identities = new TreeMap<>();
    byHotkey.forEach((hotkey, spec) -> {
      if (spec.identities() > 1) {
        byMachine.merge(spec.machine(), report.weights().getOrDefault(hotkey, 0.0), Double::sum);
        identities.merge(spec.machine(), 1, Integer::sum);
      }
    });
    // A split machine passes only if all its identities together earn no more than the
    // least-paid honest miner, so that is the figure printed beside it.
    double lowestHonest = byHotkey.entrySet().stream()
        .filter(e -> e.getValue().behaviour() == io.assay.miner.sim.Behaviour.HONEST)
        .mapToDouble(e -> report.weights().getOrDefault(e.getKey(), 0.0)).min().orElse(0);
    byMachine.forEach((machine, sum) -> out.printf(
        "%s: %d identities together %.6f (lowest honest miner: %.6f)%n", machine,
        identities.get(machine), sum, lowestHonest));
  }

  private static List<Map.Entry<String, MinerSpec>> byName(Map<String, MinerSpec> byHotkey) {
    List<Map.Entry<String, MinerSpec>> rows = new ArrayList<>(byHotkey.entrySet());
    rows.sort(Map.Entry.comparingByValue(java.util.Comparator.comparing(MinerSpec::name)));
    return rows;
  }

  private static String shortName(String task) {
    String model = task.substring(task.indexOf('/') + 1);
    return model.length() <= 13 ? model : model.substring(0, 13);
  }

  /** The JSON report: one entry per miner, in name order. */
  record Report(@JsonProperty("miners") List<MinerRow> miners) {}

  record MinerRow(
      @JsonProperty("name") String name,
      @JsonProperty("behaviour") String behaviour,
      @JsonProperty("hotkey") String hotkey,
      @JsonProperty("weight") double weight,
      @JsonProperty("weight_u16") int weightU16,
      @JsonProperty("tasks") SortedMap<String, TaskRow> tasks) {}

  record TaskRow(
      @JsonProperty("declared") long declared,
      @JsonProperty("period_score") Double periodScore,
      @JsonProperty("quality") Double quality,
      @JsonProperty("bonus") double bonus,
      @JsonProperty("verified_volume") double verifiedVolume,
      @JsonProperty("task_score") double taskScore) {}

  static void write(WeightReport report, Map<String, MinerSpec> byHotkey, Path file)
      throws IOException {
    List<MinerRow> rows = new ArrayList<>();
    for (Map.Entry<String, MinerSpec> e : byName(byHotkey)) {
      WeightReport.MinerReport m = report.miners().get(e.getKey());
      SortedMap<String, TaskRow> tasks = new TreeMap<>();
      if (m != null) {
        m.tasks().forEach((task, t) -> tasks.put(task, new TaskRow(t.declared(),
            t.periodScore(), t.quality(), t.bonus(), t.verifiedVolume(), t.taskScore())));
      }
      rows.add(new MinerRow(e.getValue().name(), e.getValue().behaviour().id(), e.getKey(),
          report.weights().getOrDefault(e.getKey(), 0.0),
          report.weightsU16().getOrDefault(e.getKey(), 0), tasks));
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), new Report(rows));
  }

  /**
   * A user sending a steady stream of its own requests through the public API, a short pause
   * between requests so that it does not crowd out the tests: every task, chats and embeddings
   * most often, proofs (a second of the host's one prover each, which the test windows need)
   * least.
   */
  private record User(Devnet devnet, GatewayConfig config, SplittableRandom random,
      AtomicBoolean running) implements Runnable {

    @Override
    public void run() {
      HttpClient http = HttpClient.newHttpClient();
      String base = devnet.info().baseUrl().replace("/v1", "");
      List<TaskConfig> tasks = config.tasks();
      double[] odds = tasks.stream().mapToDouble(t -> switch (t.kind()) {
        case "llm", "embeddings" -> 4;
        case "image" -> 2;
        default -> 0.5;
      }).toArray();
      while (running.get()) {
        TaskConfig task = tasks.get(draw(odds));
        UserCorpus.Call call = UserCorpus.next(task, random);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + call.path()))
            .header("Authorization", "Bearer " + devnet.info().apiKey())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(call.body()))
            .build();
        try {
          HttpResponse<Void> response = http.sendAsync(request,
              HttpResponse.BodyHandlers.discarding()).get(35, TimeUnit.SECONDS);
          Thread.sleep(response.statusCode() == 503 ? 200 : 20 + random.nextInt(80));
        } catch (java.util.concurrent.ExecutionException
            | java.util.concurrent.TimeoutException e) {
          System.err.println("simulation: no complete answer to " + call.path()
              + (call.stream() ? " (streamed)" : "") + ": " + e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    private int draw(double[] odds) {
      double total = 0;
      for (double o : odds) {
        total += o;
      }
      double u = random.nextDouble() * total;
      for (int i = 0; i < odds.length; i++) {
        u -= odds[i];
        if (u < 0) {
          return i;
        }
      }
      return odds.length - 1;
    }
  }
}
