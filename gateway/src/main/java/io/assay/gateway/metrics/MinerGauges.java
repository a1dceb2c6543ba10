package io.assay.gateway.metrics;

import io.assay.gateway.routing.MinerDirectory;
import io.assay.gateway.routing.MinerNode;
import io.assay.gateway.routing.TaskCapacity;
import io.assay.gateway.scoring.WeightReport;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Collection;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Gauges of the miners read where routing and scoring keep them, when scraped: each miner's
 * binding declaration of the current period and what routing has asked of it ({@link
 * TaskCapacity}), and its weight in the latest weight computation. Nothing is added to the
 * request path. Miners are labelled by their configured name, or by hotkey where two share a
 * name (a scrape must never hold one series twice).
 */
public final class MinerGauges {

  private MinerGauges() {}

  /**
   * @param period the current scoring period
   * @param latest the latest weight report, or null before the first
   */
  public static void register(PrometheusRegistry registry, MinerDirectory directory,
      LongSupplier period, Supplier<WeightReport> latest) {
    capacity(registry, "assay_capacity_declared_work_units",
        "Work units a miner declared for a task in the current period (its binding"
            + " declaration)", directory, period, c -> c.declared());
    capacity(registry, "assay_capacity_consumed_work_units",
        "Work units routing has asked of a miner for a task in the current period, reserved"
            + " or settled", directory, period, TaskCapacity::asked);
    capacity(registry, "assay_capacity_declared_concurrency",
        "Requests at once a miner declared for a task in the current period", directory, period,
        TaskCapacity::concurrency);
    capacity(registry, "assay_capacity_in_flight_requests",
        "Requests of a task under way on a miner", directory, period, TaskCapacity::inFlight);
    GaugeWithCallback.builder().name("assay_miner_weight")
        .help("A miner's weight in the latest weight computation (0 to 1; with the burn they"
            + " sum to 1)")
        .labelNames("miner")
        .callback(cb -> {
          WeightReport report = latest.get();
          if (report != null) {
            Map<String, String> names = names(directory.all());
            report.weights().forEach((hotkey, w) -> cb.call(w, names.getOrDefault(hotkey,
                hotkey)));
          }
        }).register(registry);
    GaugeWithCallback.builder().name("assay_weights_computed_timestamp_seconds")
        .help("When the latest weight computation was made for, in seconds since the epoch")
        .unit(Unit.SECONDS)
        .callback(cb -> {
          WeightReport report = latest.get();
          if (report != null) {
            cb.call(report.computedAt() / 1000.0);
          }
        }).register(registry);
  }

  private static void capacity(PrometheusRegistry registry, String name, String help,
      MinerDirectory directory, LongSupplier period,
      java.util.function.ToDoubleFunction<TaskCapacity> value) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("miner", "task")
        .callback(cb -> {
          long now = period.getAsLong();
          Collection<MinerNode> nodes = directory.all();
          Map<String, String> names = names(nodes);
          for (MinerNode node : nodes) {
            for (Map.Entry<String, TaskCapacity> e : node.capacities().entrySet()) {
              if (e.getValue().period() == now) {
                cb.call(value.applyAsDouble(e.getValue()), names.get(node.hotkey()), e.getKey());
              }
            }
          }
        }).register(registry);
  }

  /**
   * Each miner's label by hotkey: its name, or its hotkey when another miner has the same name
   * (miners no longer in the directory are labelled by hotkey by the caller).
   */
  private static Map<String, String> names(Collection<MinerNode> nodes) {
    Map<String, Long> uses = new java.util.HashMap<>();
    for (MinerNode node : nodes) {
      uses.merge(node.name(), 1L, Long::sum);
    }
    Map<String, String> out = new java.util.HashMap<>();
    for (MinerNode node : nodes) {
      out.put(node.hotkey(), uses.get(node.name()) == 1 ? node.name() : node.hotkey());
    }
    return out;
  }
}
