package io.assay.gateway.usage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters exposed at {@code /metrics} in Prometheus' text format. Thread-safe and cheap on the
 * hot path (one {@link LongAdder} per series).
 */
public final class GatewayMetrics {

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> minerCalls = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> units = new ConcurrentHashMap<>();

  public void request(String route, int status) {
    count(requests, "route=\"" + route + "\",status=\"" + status + "\"", 1);
  }

  public void minerCall(String miner, String outcome) {
    count(minerCalls, "miner=\"" + miner + "\",outcome=\"" + outcome + "\"", 1);
  }

  public void served(String task, long workUnits) {
    count(units, "task=\"" + task + "\"", workUnits);
  }

  /** The exposition text. */
  public String render() {
    StringBuilder out = new StringBuilder(1024);
    series(out, "assay_http_requests_total", "HTTP requests answered, by route and status",
        requests);
    series(out, "assay_miner_calls_total", "Calls to miners, by miner and outcome", minerCalls);
    series(out, "assay_work_units_total", "Work units served to users, by task", units);
    return out.toString();
  }

  private static void count(Map<String, LongAdder> family, String labels, long n) {
    family.computeIfAbsent(labels, l -> new LongAdder()).add(n);
  }

  private static void series(StringBuilder out, String name, String help,
      Map<String, LongAdder> family) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    family.forEach((labels, value) ->
        out.append(name).append('{').append(labels).append("} ").append(value.sum()).append('\n'));
  }
}
