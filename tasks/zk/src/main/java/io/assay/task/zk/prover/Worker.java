package io.assay.task.zk.prover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code prover-worker.js} process: writes requests, matches replies by id on a reader
 * thread, logs stderr on another. Once the process's stdout ends it is {@link #dead} and every
 * unanswered request fails with a {@link ProverException} naming the exit code. Thread-safe.
 */
final class Worker {

  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  final Process process;
  private final BufferedWriter stdin;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  volatile boolean dead;
  volatile long inFlightId;

  private record Pending(String circuit, CompletableFuture<JsonNode> reply) {}

  Worker(Process process) {
    this.process = process;
    this.stdin = new BufferedWriter(
        new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    Thread out = new Thread(this::readReplies, "assay-zk-prover-out-" + process.pid());
    Thread err = new Thread(this::readLog, "assay-zk-prover-err-" + process.pid());
    out.setDaemon(true);
    err.setDaemon(true);
    out.start();
    err.start();
  }

  /** Sends one request; the future completes with the worker's reply object or fails. */
  CompletableFuture<JsonNode> send(long id, String circuit, JsonNode input) {
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, new Pending(circuit, reply));
    if (dead) { // the reader may have swept before the put
      failAll();
      return reply;
    }
    ObjectNode request = Json.MAPPER.createObjectNode();
    request.put("id", id);
    request.put("circuit", circuit);
    request.set("input", input);
    try {
      synchronized (stdin) {
        stdin.write(Json.MAPPER.writeValueAsString(request));
        stdin.newLine();
        stdin.flush();
      }
      inFlightId = id;
    } catch (IOException e) {
      pending.remove(id);
      reply.completeExceptionally(new ProverException("could not send proof request to the zk"
          + " prover worker (pid " + process.pid() + "): " + e.getMessage(), e));
    }
    return reply;
  }

  /** Kills the process; unanswered requests fail once its output ends. */
  void destroy() {
    dead = true;
    process.destroyForcibly();
  }

  /** Closes stdin so the worker exits after its current request; kills it after {@code grace}. */
  void shutdown(Duration grace) {
    dead = true;
    try {
      synchronized (stdin) {
        stdin.close();
      }
    } catch (IOException e) {
      log.debug("zk prover: closing worker stdin: {}", e.toString());
    }
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void readReplies() {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        handle(line);
      }
    } catch (IOException e) {
      log.debug("zk prover: worker stdout closed: {}", e.toString());
    }
    dead = true;
    failAll();
  }

  private void handle(String line) {
    JsonNode reply;
    try {
      reply = Json.MAPPER.readTree(line);
    } catch (IOException e) {
      log.warn("zk prover worker {} wrote a line that is not JSON: {}", process.pid(), line);
      return;
    }
    JsonNode id = reply.get("id");
    Pending p = id != null && id.canConvertToLong() ? pending.remove(id.asLong()) : null;
    if (p == null) {
      log.warn("zk prover worker {} answered no pending request: {}", process.pid(),
          line.length() > 300 ? line.substring(0, 300) + "..." : line);
      return;
    }
    inFlightId = 0;
    JsonNode error = reply.get("error");
    if (error != null && !error.isNull()) {
      p.reply.completeExceptionally(new ProverException(
          "zk prover could not prove on " + p.circuit + ": " + error.asText()));
    } else {
      p.reply.complete(reply);
    }
  }

  private void failAll() {
    if (pending.isEmpty()) {
      return;
    }
    String exit;
    try {
      exit = process.waitFor(5, TimeUnit.SECONDS) ? "exited with code " + process.exitValue()
          : "stopped answering";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exit = "stopped answering";
    }
    for (Map.Entry<Long, Pending> e : pending.entrySet()) {
      if (pending.remove(e.getKey(), e.getValue())) {
        e.getValue().reply.completeExceptionally(new ProverException("zk prover worker (pid "
            + process.pid() + ") " + exit + " while proving request " + e.getKey() + " on "
            + e.getValue().circuit + "; the next request starts a new worker"));
      }
    }
  }

  private void readLog() {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        log.info("zk prover worker {}: {}", process.pid(), line);
      }
    } catch (IOException e) {
      log.debug("zk prover: worker stderr closed: {}", e.toString());
    }
  }
}
