package io.assay.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.gateway.api.ApiVerticle;
import io.assay.gateway.api.OpenAiError;
import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.receipts.ReceiptAudit;
import io.assay.gateway.weights.WeightsExport;
import io.assay.gateway.routing.MinerDirectory;
import io.assay.gateway.routing.MinerNode;
import io.assay.gateway.routing.TaskCapacity;
import io.assay.gateway.scoring.WeightCalculator;
import io.assay.gateway.scoring.WeightReport;
import io.assay.gateway.usage.TrafficSeries;
import io.assay.gateway.weights.TaskWeights;
import io.assay.gateway.weights.WeightsService;
import io.assay.task.Json;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The operator API under {@code /admin} (admin key required, checked before these handlers):
 * miners and their per-task scores, current weights and their history, scores over time, task
 * weights (read, preview, change, and their changes), a forced recomputation, API keys and this
 * gateway's traffic by minute.
 */
public final class AdminRoutes {

  private final MinerDirectory directory;
  private final WeightsService weights;
  private final TaskWeights taskWeights;
  private final ApiKeys keys;
  private final ReceiptAudit receipts;
  private final java.util.function.Function<WeightReport, WeightsExport> export;
  private final TrafficSeries traffic;
  private final io.assay.gateway.leader.LeaderLease lease;

  /**
   * @param export signs a computation for the chain; null when {@code weights.netuid} is unset
   * @param traffic this gateway's user traffic by minute
   * @param lease which of the gateways sharing the store leads
   */
  public AdminRoutes(MinerDirectory directory, WeightsService weights, TaskWeights taskWeights,
      ApiKeys keys, ReceiptAudit receipts,
      java.util.function.Function<WeightReport, WeightsExport> export, TrafficSeries traffic,
      io.assay.gateway.leader.LeaderLease lease) {
    this.directory = directory;
    this.weights = weights;
    this.taskWeights = taskWeights;
    this.keys = keys;
    this.receipts = receipts;
    this.export = export;
    this.traffic = traffic;
    this.lease = lease;
  }

  /** Adds the routes to {@code router}; authentication and body parsing come before. */
  public void mount(Router router) {
    router.get("/admin/miners").handler(this::miners);
    router.get("/admin/weights").handler(this::weights);
    router.get("/admin/weights/history").handler(this::history);
    router.get("/admin/weights/export").handler(this::export);
    router.post("/admin/weights/compute").handler(this::compute);
    router.get("/admin/task-weights").handler(this::getTaskWeights);
    router.put("/admin/task-weights").handler(this::putTaskWeights);
    router.post("/admin/task-weights/preview").handler(this::previewTaskWeights);
    router.get("/admin/task-weights/changes").handler(this::taskWeightChanges);
    router.get("/admin/scores/history").handler(this::scoreHistory);
    router.get("/admin/traffic").handler(this::traffic);
    new KeyRoutes(keys).mount(router);
    router.get("/admin/receipt-roots").handler(this::receiptRoots);
    router.get("/admin/leader").handler(this::leader);
  }

  /**
   * Which gateway leads (plans the test windows, computes the weights) and whether this one
   * does: {@code leader} is null while no gateway holds the lease.
   */
  private void leader(RoutingContext ctx) {
    lease.current().onComplete(ar -> {
      if (ar.failed()) {
        OpenAiError.internal().send(ctx.response());
        return;
      }
      ObjectNode body = Json.MAPPER.createObjectNode();
      String current = ar.result();
      if (current == null) {
        body.putNull("leader");
      } else {
        int space = current.indexOf(' ');
        ObjectNode leader = body.putObject("leader");
        leader.put("holder", current.substring(space + 1));
        leader.put("fencing_token", Long.parseLong(current.substring(0, space)));
      }
      body.put("this_gateway", lease.holder());
      body.put("leads", lease.isLeader());
      send(ctx, 200, body);
    });
  }

  /**
   * The weights the latest computation's task scores give under proposed task weights, next to
   * its own; nothing is applied or recorded.
   */
  private void previewTaskWeights(RoutingContext ctx) {
    Map<String, Double> proposed = proposedWeights(ctx);
    if (proposed == null) {
      return;
    }
    SortedMap<String, Double> checked;
    try {
      checked = taskWeights.checked(proposed);
    } catch (TaskWeights.InvalidWeightsException e) {
      OpenAiError.invalidRequest(e.getMessage(), "weights", "invalid_value").send(ctx.response());
      return;
    }
    WeightReport latest = weights.latest();
    if (latest == null) {
      new OpenAiError(409, "No weights were computed yet; compute them first.",
          "invalid_request_error", null, "not_ready", 0).send(ctx.response());
      return;
    }
    WeightReport preview = WeightCalculator.reweigh(latest, checked);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("computed_at", latest.computedAt());
    body.set("task_weights", Json.MAPPER.valueToTree(preview.taskWeights()));
    body.set("weights", Json.MAPPER.valueToTree(preview.weights()));
    body.set("weights_u16", Json.MAPPER.valueToTree(preview.weightsU16()));
    body.put("burn", preview.burn());
    ObjectNode was = body.putObject("latest");
    was.set("task_weights", Json.MAPPER.valueToTree(latest.taskWeights()));
    was.set("weights", Json.MAPPER.valueToTree(latest.weights()));
    was.set("weights_u16", Json.MAPPER.valueToTree(latest.weightsU16()));
    was.put("burn", latest.burn());
    send(ctx, 200, body);
  }

  private void taskWeightChanges(RoutingContext ctx) {
    Integer limit = limit(ctx, "limit", 100, 10_000);
    if (limit == null) {
      return;
    }
    sendList(ctx, "changes", taskWeights.changes(limit));
  }

  private void scoreHistory(RoutingContext ctx) {
    Integer limit = limit(ctx, "limit", 100, 1_000);
    if (limit == null) {
      return;
    }
    sendList(ctx, "history", weights.scoreHistory(limit));
  }

  private void traffic(RoutingContext ctx) {
    Integer minutes = limit(ctx, "minutes", 60, TrafficSeries.MINUTES);
    if (minutes == null) {
      return;
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("minutes", Json.MAPPER.valueToTree(traffic.minutes(minutes)));
    send(ctx, 200, body);
  }

  /** A whole-number query parameter clamped to 1..max; null (with a 400 sent) if unreadable. */
  private static Integer limit(RoutingContext ctx, String name, int byDefault, int max) {
    String asked = ctx.request().getParam(name);
    if (asked == null) {
      return byDefault;
    }
    try {
      return Math.max(1, Math.min(max, Integer.parseInt(asked)));
    } catch (NumberFormatException e) {
      OpenAiError.invalidRequest(name + " must be a whole number", name, "invalid_value")
          .send(ctx.response());
      return null;
    }
  }

  /** The latest weights, signed for the chain ({@link WeightsExport}). */
  private void export(RoutingContext ctx) {
    WeightReport report = weights.latest();
    if (export == null) {
      new OpenAiError(409, "Set weights.netuid in the configuration to export weights.",
          "invalid_request_error", null, "not_configured", 0).send(ctx.response());
    } else if (report == null) {
      new OpenAiError(409, "No weights were computed yet.", "invalid_request_error", null,
          "not_ready", 0).send(ctx.response());
    } else {
      send(ctx, 200, Json.MAPPER.valueToTree(export.apply(report)));
    }
  }

  /** Each miner's receipt-root check of the newest checked period. */
  private void receiptRoots(RoutingContext ctx) {
    receipts.latest().onComplete(ar -> {
      if (ar.failed()) {
        OpenAiError.internal().send(ctx.response());
        return;
      }
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.set("checks", Json.MAPPER.valueToTree(ar.result()));
      send(ctx, 200, body);
    });
  }

  private void miners(RoutingContext ctx) {
    WeightReport report = weights.latest();
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode miners = body.putArray("miners");
    Map<String, MinerNode> byHotkey = new TreeMap<>();
    directory.all().forEach(n -> byHotkey.put(n.hotkey(), n));
    for (MinerNode node : byHotkey.values()) {
      ObjectNode m = miners.addObject();
      m.put("hotkey", node.hotkey());
      m.put("name", node.name());
      ObjectNode tasks = m.putObject("tasks");
      WeightReport.MinerReport scored = report == null ? null : report.miners().get(node.hotkey());
      for (String task : taskWeights.current().keySet()) {
        ObjectNode t = tasks.putObject(task);
        TaskCapacity live = node.capacities().get(task);
        WeightReport.TaskReport r = scored == null ? null : scored.tasks().get(task);
        // Live: the binding of the current period and what it was asked so far.
        t.put("declared", live == null ? 0 : live.declared());
        t.put("concurrency", live == null ? 0 : live.concurrency());
        t.put("asked", live == null ? 0 : live.asked());
        t.put("in_flight", live == null ? 0 : live.inFlight());
        // Scored: the last computation, its counts of the newest completed period.
        putNumber(t, "requests", r == null ? null : (Number) r.requests());
        putNumber(t, "consumed", r == null ? null : (Number) r.consumed());
        putNumber(t, "rate_limited", r == null ? null : (Number) r.rateLimited());
        putNumber(t, "failed", r == null ? null : (Number) r.failed());
        putNumber(t, "period_score", r == null ? null : r.periodScore());
        putNumber(t, "window_score", r == null ? null : r.windowScore());
        putNumber(t, "verified_volume", r == null ? null : (Number) r.verifiedVolume());
        putNumber(t, "quality", r == null ? null : r.quality());
        putNumber(t, "checked", r == null ? null : (Number) r.checked());
        putNumber(t, "bonus", r == null ? null : (Number) r.bonus());
        putNumber(t, "task_score", r == null ? null : (Number) r.taskScore());
      }
    }
    body.put("computed_at", report == null ? null : report.computedAt());
    body.put("scored_period", report == null ? null : report.lastPeriod());
    send(ctx, 200, body);
  }

  private void weights(RoutingContext ctx) {
    WeightReport report = weights.latest();
    ObjectNode body = Json.MAPPER.createObjectNode();
    if (report == null) {
      body.putNull("computed_at");
      body.putObject("weights");
      body.putObject("weights_u16");
    } else {
      body.put("computed_at", report.computedAt());
      body.set("weights", Json.MAPPER.valueToTree(report.weights()));
      body.set("weights_u16", Json.MAPPER.valueToTree(report.weightsU16()));
    }
    send(ctx, 200, body);
  }

  private void history(RoutingContext ctx) {
    Integer limit = limit(ctx, "limit", 100, 10_000);
    if (limit == null) {
      return;
    }
    sendList(ctx, "history", weights.history(limit));
  }

  /** Answers {@code {"<field>": [...]}} with what {@code read} found, or 500 if it failed. */
  private static void sendList(RoutingContext ctx, String field,
      io.vertx.core.Future<? extends java.util.List<?>> read) {
    read.onComplete(ar -> {
      if (ar.failed()) {
        OpenAiError.internal().send(ctx.response());
        return;
      }
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.set(field, Json.MAPPER.valueToTree(ar.result()));
      send(ctx, 200, body);
    });
  }

  private void compute(RoutingContext ctx) {
    weights.compute().onComplete(ar -> {
      if (ar.failed() && ar.cause() instanceof io.assay.gateway.leader.NotLeaderException e) {
        new OpenAiError(409, "Weights are not recorded here: " + e.getMessage()
            + ". Ask the gateway that leads (GET /admin/leader names it).",
            "invalid_request_error", null, "not_leader", 0).send(ctx.response());
        return;
      }
      if (ar.failed()) {
        new OpenAiError(409, "Weights cannot be computed yet: " + ar.cause().getMessage(),
            "invalid_request_error", null, "not_ready", 0).send(ctx.response());
        return;
      }
      weights(ctx);
    });
  }

  private void getTaskWeights(RoutingContext ctx) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("weights", Json.MAPPER.valueToTree(taskWeights.current()));
    send(ctx, 200, body);
  }

  private void putTaskWeights(RoutingContext ctx) {
    Map<String, Double> proposed = proposedWeights(ctx);
    if (proposed == null) {
      return;
    }
    ApiKey admin = ctx.get(ApiVerticle.API_KEY);
    Future<TaskWeights.Change> change;
    try {
      change = taskWeights.change(proposed, "api:" + (admin == null ? "admin" : admin.name()));
    } catch (TaskWeights.InvalidWeightsException e) {
      OpenAiError.invalidRequest(e.getMessage(), "weights", "invalid_value").send(ctx.response());
      return;
    }
    change.onComplete(ar -> {
      if (ar.failed()) {
        OpenAiError.internal().send(ctx.response());
        return;
      }
      send(ctx, 200, Json.MAPPER.valueToTree(ar.result()));
    });
  }

  /** The body's {@code {"weights": {"<task>": w}}}; null (with a 400 sent) if malformed. */
  private static Map<String, Double> proposedWeights(RoutingContext ctx) {
    Map<String, Double> proposed;
    try {
      JsonNode root = Json.MAPPER.readTree(bytes(ctx));
      JsonNode w = root == null ? null : root.get("weights");
      if (w == null || !w.isObject()) {
        throw new IOException("expected {\"weights\": {\"<task>\": <number>, ...}}");
      }
      proposed = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) w::fields) {
        if (!e.getValue().isNumber()) {
          throw new IOException("the weight of task '" + e.getKey() + "' is not a number");
        }
        proposed.put(e.getKey(), e.getValue().asDouble());
      }
    } catch (IOException e) {
      OpenAiError.invalidRequest(e.getMessage(), "weights", "invalid_value").send(ctx.response());
      return null;
    }
    return proposed;
  }

  static byte[] bytes(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    return b == null ? new byte[0] : b.getBytes();
  }

  private static void putNumber(ObjectNode node, String field, Number value) {
    if (value == null) {
      node.putNull(field);
    } else if (value instanceof Double d) {
      node.put(field, d);
    } else {
      node.put(field, value.longValue());
    }
  }

  static void send(RoutingContext ctx, int status, JsonNode body) {
    try {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(Buffer.buffer(Json.MAPPER.writeValueAsBytes(body)));
    } catch (IOException e) {
      OpenAiError.internal().send(ctx.response());
    }
  }
}
