package io.assay.bench.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The streaming benchmark's client: opens N streamed chat completions at once against a target
 * (the {@link SseMock} directly, or the gateway in front of a reference miner forwarding to it)
 * and checks that every one completes: HTTP 200, exactly {@value SseMock#CHUNKS} chunks with
 * content whose text is the mock's, in order, no error event, and {@code [DONE]} at the end.
 *
 * <p>Per run it reports time to first chunk (the first {@code data:} event) at p50 and p99, total
 * time at p99 (request sent to {@code [DONE]}), failures by reason, CPU per stream of the gateway,
 * the miner and the mock (from {@code /proc}), and for gateway runs the gateway's heap (jstat
 * {@code -gc}: the most used seen, sampled every second, and what is used at the end).
 * Runs are interleaved: each round runs every N against the mock, then the gateway.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.assay.bench.gateway.StreamClient \
 *     --mock URL --gateway URL --key KEY --streams "10 200 2000" --rounds 3 \
 *     --gateway-pid P --miner-pid P --mock-pid P --out results.json
 * </pre>
 */
public final class StreamClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long STREAM_TIMEOUT_MS = 180_000;
  private static final long CLK_TCK = 100;

  private final Vertx vertx = Vertx.vertx();
  private final String key;
  private final byte[] body;
  private final Map<String, Long> pids = new LinkedHashMap<>();
  /**
   * One client per target, kept across runs: streams reuse the connections earlier runs opened,
   * as an SDK's pool does, so that time to first chunk is the target's, not the client's
   * connection set-up (which took 0.5 s for 2000 fresh connections on this client).
   */
  private final Map<String, HttpClient> clients = new java.util.HashMap<>();
  /** Event-loop contexts the streams are opened on, in turn: one per core. */
  private final List<io.vertx.core.Context> contexts = new ArrayList<>();
  private long opened;
  private static final int MAX_STREAMS = 100_000;

  private StreamClient(String key) throws IOException {
    this.key = key;
    for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
      contexts.add(vertx.getOrCreateContext());  // from a non-Vert.x thread: a new one each time
    }
    // max_tokens leaves room for the 64 tokens; logprobs as the non-streamed benchmark asks.
    this.body = ("{\"model\":\"reference-lm\",\"stream\":true,\"max_tokens\":80,"
        + "\"logprobs\":true,\"top_logprobs\":5,\"messages\":[{\"role\":\"user\",\"content\":"
        + "\"Count slowly from zero to sixty-three, please.\"}]}").getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i], args[i + 1]);
    }
    StreamClient client = new StreamClient(o.getOrDefault("--key", "none"));
    for (String p : List.of("gateway", "miner", "mock")) {
      String v = o.get("--" + p + "-pid");
      if (v != null) {
        client.pids.put(p, Long.parseLong(v));
      }
    }
    int[] streams = Arrays.stream(o.getOrDefault("--streams", "10 200 2000").trim().split("\\s+"))
        .mapToInt(Integer::parseInt).toArray();
    int rounds = Integer.parseInt(o.getOrDefault("--rounds", "3"));
    Map<String, String> targets = new LinkedHashMap<>();
    targets.put("mock", o.get("--mock"));
    targets.put("assay", o.get("--gateway"));
    ArrayNode runs = JSON.createArrayNode();
    try {
      // Warm-up (round 0, left out of the medians): JIT on every part, three times the
      // largest run's streams at up to 200 at once.
      // The last warm-up run opens the largest number of streams, so that every later run
      // finds its connections open (see run()).
      int most = Arrays.stream(streams).max().orElse(1);
      for (int warm : new int[] {Math.min(200, most), Math.min(200, most), most}) {
        for (Map.Entry<String, String> t : targets.entrySet()) {
          ObjectNode run = client.run(t.getKey(), t.getValue(), warm, 0);
          runs.add(run);
          System.err.println("  " + run);
        }
      }
      for (int round = 1; round <= rounds; round++) {
        for (int n : streams) {
          for (Map.Entry<String, String> t : targets.entrySet()) {
            ObjectNode run = client.run(t.getKey(), t.getValue(), n, round);
            runs.add(run);
            System.err.println("  " + run);
          }
        }
      }
    } finally {
      client.vertx.close();
    }
    ObjectNode out = JSON.createObjectNode();
    out.set("runs", runs);
    if (o.containsKey("--out")) {
      Files.writeString(Path.of(o.get("--out")), JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsString(out));
    }
    System.out.print(table(runs, rounds));
    System.exit(0);
  }

  /** One stream's outcome; times in nanoseconds from when its request was sent. */
  private static final class Stream {
    final long sent = System.nanoTime();
    long connected = -1;
    long first = -1;
    long end = -1;
    int contentChunks;
    final StringBuilder text = new StringBuilder();
    final StringBuilder pending = new StringBuilder();
    boolean done;
    String failure;
  }

  /**
   * Opens {@code n} streams at once against {@code url}; completes when all have ended. A
   * gateway run first waits (up to 75 s) until one stream is accepted: a failure in the
   * previous run makes the gateway back off from the miner for 10 s or more, answering 503,
   * which would otherwise be charged to this run. The wait is reported.
   */
  private ObjectNode run(String target, String url, int n, int round) throws Exception {
    double waited = target.equals("assay") ? probe(url) : 0;
    HttpClient http = clients.computeIfAbsent(target, t -> vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setIdleTimeout(0).setConnectTimeout(10_000),
        new PoolOptions().setHttp1MaxSize(MAX_STREAMS).setMaxWaitQueueSize(-1)));
    Map<String, Long> cpuBefore = cpu();
    long busyBefore = machineBusy();
    HeapSampler heap = target.equals("assay") && pids.containsKey("gateway")
        ? new HeapSampler(pids.get("gateway")) : null;
    long t0 = System.nanoTime();
    List<Stream> streams = new ArrayList<>();
    List<Future<Void>> ends = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Stream s = new Stream();
      streams.add(s);
      ends.add(open(http, url, s));
    }
    Future.join(ends).toCompletionStage().toCompletableFuture()
        .get(STREAM_TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Long> cpuAfter = cpu();
    long busy = machineBusy() - busyBefore;

    String expected = SseMock.expectedText();
    Map<String, Integer> failures = new TreeMap<>();
    List<Long> ttfc = new ArrayList<>();
    List<Long> total = new ArrayList<>();
    List<Long> connect = new ArrayList<>();
    for (Stream s : streams) {
      String why = s.failure;
      if (why == null && !s.done) {
        why = "no [DONE]";
      } else if (why == null && s.contentChunks != SseMock.CHUNKS) {
        why = "chunks with content: " + s.contentChunks;
      } else if (why == null && !s.text.toString().equals(expected)) {
        why = "text out of order or altered";
      }
      if (why != null) {
        failures.merge(why, 1, Integer::sum);
      } else {
        ttfc.add(s.first - s.sent);
        connect.add(s.connected - s.sent);
        total.add(s.end - s.sent);
      }
    }
    ObjectNode r = JSON.createObjectNode();
    r.put("target", target);
    r.put("streams", n);
    r.put("round", round);
    r.put("completed", ttfc.size());
    r.put("failed", n - ttfc.size());
    r.set("failures", JSON.valueToTree(failures));
    r.put("ttfc_p50_ms", percentile(ttfc, 50));
    r.put("ttfc_p99_ms", percentile(ttfc, 99));
    // Of the time to first chunk, how long the client took to get a connection and send it.
    r.put("connect_p50_ms", percentile(connect, 50));
    r.put("connect_p99_ms", percentile(connect, 99));
    r.put("total_p50_ms", percentile(total, 50));
    r.put("total_p99_ms", percentile(total, 99));
    r.put("wall_s", Math.round(seconds * 100) / 100.0);
    r.put("waited_for_gateway_s", waited);
    ObjectNode cpu = r.putObject("cpu_ms_per_stream");
    for (String p : cpuAfter.keySet()) {
      cpu.put(p, Math.round((cpuAfter.get(p) - cpuBefore.getOrDefault(p, 0L)) * 1000.0 / CLK_TCK
          / n * 100) / 100.0);
    }
    long ours = 0;
    for (String p : cpuAfter.keySet()) {
      ours += cpuAfter.get(p) - cpuBefore.getOrDefault(p, 0L);
    }
    // CPU the rest of the machine used meanwhile (another tenant's build or benchmark).
    r.put("other_cores", Math.round((busy - ours) * 100.0 / CLK_TCK / seconds) / 100.0);
    if (heap != null) {
      heap.stop();
      r.put("gateway_heap_max_used_mb", heap.maxUsedMb);
      r.put("gateway_heap_end_used_mb", HeapSampler.usedMb(pids.get("gateway")));
      r.put("gateway_heap_committed_mb", heap.committedMb);
    }
    r.put("load", Files.readString(Path.of("/proc/loadavg")).substring(0, 14).trim());
    return r;
  }

  /** Seconds until one stream through {@code url} completes (at most 75). */
  private double probe(String url) throws Exception {
    long t0 = System.nanoTime();
    long last = t0;
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    try {
      while (System.nanoTime() - t0 < 75_000_000_000L) {
        last = System.nanoTime();
        Stream s = new Stream();
        open(http, url, s).toCompletionStage().toCompletableFuture().get(STREAM_TIMEOUT_MS + 10_000,
            TimeUnit.MILLISECONDS);
        if (s.failure == null && s.done) {
          break;
        }
        Thread.sleep(1000);
      }
    } finally {
      http.close();
    }
    return Math.round((last - t0) / 1e7) / 100.0;  // before the attempt that succeeded
  }

  /**
   * Sends one streamed request; the future completes (never fails) when the stream ended.
   *
   * <p>The request is made on one of the client's event-loop contexts ({@link #contexts}), so
   * that the response's handlers are attached on that event loop before it reads any more of the
   * response: from another thread, the callback could run after a short answer (a 503) had
   * already ended, and the stream would never be seen to end.
   */
  private Future<Void> open(HttpClient http, String url, Stream s) {
    Promise<Void> ended = Promise.promise();
    io.vertx.core.Context context = contexts.get((int) (opened++ % contexts.size()));
    context.runOnContext(go -> {
      long timer = vertx.setTimer(STREAM_TIMEOUT_MS, id -> {
        if (s.end < 0) {
          s.failure = "timeout";
          ended.tryComplete();
        }
      });
      ended.future().onComplete(v -> vertx.cancelTimer(timer));
      http.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
              .putHeader("Content-Type", "application/json")
              .putHeader("Authorization", "Bearer " + key))
          .compose(req -> {
            s.connected = System.nanoTime();
            return req.send(Buffer.buffer(body));
          })
          .onComplete(ar -> {
            if (ar.failed()) {
              s.failure = "request failed: " + ar.cause().getClass().getSimpleName();
              ended.tryComplete();
              return;
            }
            HttpClientResponse resp = ar.result();
            if (resp.statusCode() != 200) {
              s.failure = "HTTP " + resp.statusCode();
            }
            try {
              resp.handler(buf -> read(s, buf.toString(StandardCharsets.UTF_8)));
              resp.exceptionHandler(e -> {
                if (s.failure == null) {
                  s.failure = "connection: " + e.getClass().getSimpleName();
                }
                ended.tryComplete();
              });
              resp.endHandler(v -> {
                s.end = System.nanoTime();
                ended.tryComplete();
              });
            } catch (IllegalStateException alreadyEnded) {
              if (s.failure == null) {
                s.failure = "response ended before it was read";
              }
              ended.tryComplete();
            }
          });
    });
    return ended.future();
  }


  /**
   * Reads server-sent events as they arrive: one {@code data:} line per event here. The delta's
   * content is found by searching rather than by parsing the JSON: at 2000 streams the client
   * reads 130,000 events a second on the same two cores as what it measures, and a full parse of
   * each would make it the bottleneck. The mock's tokens hold no quote or escape.
   */
  private static void read(Stream s, String data) {
    s.pending.append(data);
    int cut;
    while ((cut = s.pending.indexOf("\n\n")) >= 0) {
      String event = s.pending.substring(0, cut);
      s.pending.delete(0, cut + 2);
      for (String line : event.split("\n")) {
        if (!line.startsWith("data:")) {
          continue;  // a comment (keep-alive) or another field
        }
        if (s.first < 0) {
          s.first = System.nanoTime();
        }
        String payload = line.substring(5).trim();
        if (payload.equals("[DONE]")) {
          s.done = true;
        } else if (payload.startsWith("{\"error\"")) {
          s.failure = "error event: " + payload.substring(0, Math.min(120, payload.length()));
        } else if (!payload.startsWith("{") || !payload.endsWith("}")) {
          s.failure = "malformed chunk";
        } else {
          String content = deltaContent(payload);
          if (!content.isEmpty()) {
            s.contentChunks++;
            s.text.append(content);
          }
        }
      }
    }
  }

  /** {@code choices[0].delta.content} of a chunk, or "" when it has none. */
  static String deltaContent(String chunk) {
    int delta = chunk.indexOf("\"delta\":{");
    if (delta < 0) {
      return "";
    }
    int close = chunk.indexOf('}', delta);
    int at = chunk.indexOf("\"content\":\"", delta);
    if (at < 0 || at > close) {
      return "";
    }
    int from = at + "\"content\":\"".length();
    return chunk.substring(from, chunk.indexOf('"', from));
  }

  private static double percentile(List<Long> nanos, double p) {
    if (nanos.isEmpty()) {
      return Double.NaN;
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return Math.round(sorted[Math.max(0, i)] / 1e4) / 100.0;
  }

  /** Busy clock ticks of the whole machine (all but idle and iowait), from /proc/stat. */
  private static long machineBusy() throws IOException {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i < f.length; i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(f[i]);
      }
    }
    return busy;
  }

  /** utime + stime in clock ticks of every known process. */
  private Map<String, Long> cpu() throws IOException {
    Map<String, Long> out = new LinkedHashMap<>();
    Map<String, Long> all = new LinkedHashMap<>(pids);
    all.put("client", ProcessHandle.current().pid());
    for (Map.Entry<String, Long> p : all.entrySet()) {
      String stat = Files.readString(Path.of("/proc/" + p.getValue() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      out.put(p.getKey(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
    }
    return out;
  }

  /**
   * Samples a JVM's heap every second with {@code jstat -gc}, which reads the JVM's shared
   * performance counters rather than attaching to it (as jcmd does), so sampling costs the
   * gateway no CPU. Used = survivors + eden + old; committed = their capacities.
   */
  private static final class HeapSampler {
    volatile long maxUsedMb;
    volatile long committedMb;
    private final Thread thread;
    private volatile boolean running = true;

    HeapSampler(long pid) {
      thread = new Thread(() -> {
        while (running) {
          long[] heap = heap(pid);
          maxUsedMb = Math.max(maxUsedMb, heap[1]);
          committedMb = Math.max(committedMb, heap[0]);
          try {
            Thread.sleep(1000);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join();
    }

    static long usedMb(long pid) {
      return heap(pid)[1];
    }

    /** {committed, used} in MB, or zeros when jstat cannot read the JVM. */
    static long[] heap(long pid) {
      try {
        Process p = new ProcessBuilder("jstat", "-gc", Long.toString(pid))
            .redirectErrorStream(true).start();
        String[] lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .trim().split("\n");
        p.waitFor();
        if (lines.length >= 2) {
          List<String> names = Arrays.asList(lines[0].trim().split("\\s+"));
          String[] values = lines[1].trim().split("\\s+");
          double used = 0;
          double committed = 0;
          for (String c : List.of("S0", "S1", "E", "O")) {
            used += Double.parseDouble(values[names.indexOf(c + "U")]);
            committed += Double.parseDouble(values[names.indexOf(c + "C")]);
          }
          return new long[] {Math.round(committed / 1024), Math.round(used / 1024)};
        }
      } catch (IOException | RuntimeException e) {
        // jstat missing, the JVM gone or an unexpected format: report zeros
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new long[] {0, 0};
    }
  }

  /** The markdown table of medians over rounds, then every run. */
  private static String table(ArrayNode runs, int rounds) {
    StringBuilder b = new StringBuilder();
    b.append("| target | streams | completed / opened (all rounds) | TTFC p50 ms | TTFC p99 ms "
        + "| total p99 ms | CPU ms/stream gateway | miner | mock | client "
        + "| gateway heap max used MB | at end MB | other tenants' cores |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    Map<String, List<JsonNode>> groups = new LinkedHashMap<>();
    for (JsonNode r : runs) {
      if (r.get("round").asInt() == 0) {
        continue;
      }
      groups.computeIfAbsent(r.get("target").asText() + "/" + r.get("streams").asInt(),
          k -> new ArrayList<>()).add(r);
    }
    for (List<JsonNode> g : groups.values()) {
      JsonNode first = g.get(0);
      int completed = g.stream().mapToInt(r -> r.get("completed").asInt()).sum();
      int opened = g.stream().mapToInt(r -> r.get("streams").asInt()).sum();
      b.append("| ").append(first.get("target").asText()).append(" | ")
          .append(first.get("streams").asInt()).append(" | ").append(completed).append(" / ")
          .append(opened).append(" | ").append(median(g, "ttfc_p50_ms")).append(" | ")
          .append(median(g, "ttfc_p99_ms")).append(" | ").append(median(g, "total_p99_ms"))
          .append(" | ").append(median(g, "cpu_ms_per_stream", "gateway")).append(" | ")
          .append(median(g, "cpu_ms_per_stream", "miner")).append(" | ")
          .append(median(g, "cpu_ms_per_stream", "mock")).append(" | ")
          .append(median(g, "cpu_ms_per_stream", "client")).append(" | ")
          .append(median(g, "gateway_heap_max_used_mb")).append(" | ")
          .append(median(g, "gateway_heap_end_used_mb")).append(" | ")
          .append(median(g, "other_cores")).append(" |\n");
    }
    b.append("\nMedians over ").append(rounds).append(" rounds. Failed streams by reason, and"
        + " waits for the gateway to accept streams again (round 0 is the warm-up):\n\n");
    for (JsonNode r : runs) {
      if (r.get("failed").asInt() > 0 || r.path("waited_for_gateway_s").asDouble() > 1) {
        b.append("- round ").append(r.get("round").asInt()).append(' ')
            .append(r.get("target").asText()).append(' ').append(r.get("streams").asInt())
            .append(" streams: ").append(r.get("failures")).append(", waited ")
            .append(r.path("waited_for_gateway_s").asDouble()).append(" s before it\n");
      }
    }
    return b.toString();
  }

  private static String median(List<JsonNode> runs, String... path) {
    double[] v = runs.stream().map(r -> {
      JsonNode n = r;
      for (String p : path) {
        n = n.path(p);
      }
      return n;
    }).filter(n -> n.isNumber() && !Double.isNaN(n.asDouble()))
        .mapToDouble(JsonNode::asDouble).sorted().toArray();
    if (v.length == 0) {
      return "-";
    }
    double m = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return String.format(java.util.Locale.ROOT, m >= 100 ? "%.0f" : "%.2f", m);
  }
}
