package io.assay.gateway.usage;

import io.assay.metrics.CounterFamily;

/** Counters exposed at {@code /metrics} in Prometheus' text format. Thread-safe and cheap. */
public final class GatewayMetrics {

  private final CounterFamily requests = new CounterFamily("assay_http_requests_total",
      "HTTP requests answered, by route and status");
  private final CounterFamily minerCalls = new CounterFamily("assay_miner_calls_total",
      "Calls to miners, by miner and outcome");
  private final CounterFamily units = new CounterFamily("assay_work_units_total",
      "Work units served to users, by task");

  public void request(String route, int status) {
    requests.add(1, "route", route, "status", Integer.toString(status));
  }

  public void minerCall(String miner, String outcome) {
    minerCalls.add(1, "miner", miner, "outcome", outcome);
  }

  public void served(String task, long workUnits) {
    units.add(workUnits, "task", task);
  }

  /** The exposition text. */
  public String render() {
    StringBuilder out = new StringBuilder(1024);
    requests.render(out);
    minerCalls.render(out);
    units.render(out);
    return out.toString();
  }
}
