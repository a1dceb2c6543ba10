package io.assay.bench.gateway;

import io.assay.gateway.state.PrivateRedis;
import io.assay.gateway.state.Redis;
import io.assay.gateway.usage.UsageRecorder;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What recording one request's usage costs the gateway's process and Redis, written two ways:
 * as the nine commands the gateway used to send, and as one script ({@link UsageRecorder#RECORD})
 * sent by its text ({@code EVAL}) or, as the gateway sends it, by its SHA-1 ({@code EVALSHA}). Not JMH: the cost that matters is CPU in two processes, so
 * each variant is run on a Vert.x event loop (one write per event-loop task, as one request
 * makes it), 64 writes in flight, and the CPU of this JVM and of the redis-server is read before
 * and after. The variants alternate round by round, so load from other work falls on both.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.assay.bench.gateway.RedisWriteCost [ROUNDS] [WRITES]
 * </pre>
 */
public final class RedisWriteCost {

  private static final String TASK = "llm/reference-lm";

  private RedisWriteCost() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int writes = args.length > 1 ? Integer.parseInt(args[1]) : 40_000;
    Path dir = Files.createTempDirectory("assay-redis-cost");
    Vertx vertx = Vertx.vertx();
    try (PrivateRedis server = PrivateRedis.start(dir); Redis redis = Redis.connect(server.url())) {
      long redisPid = Long.parseLong(
          Files.readString(dir.resolve("redis-server.pid")).trim().split("\\s+")[0]);
      Context context = vertx.getOrCreateContext();
      List<Variant> variants = List.of(
          new Variant("nine commands", RedisWriteCost::nineCommands),
          new Variant("one script (EVAL)", cmd -> cmd.eval(UsageRecorder.RECORD.text(),
              ScriptOutputType.INTEGER, SCRIPT_KEYS, SCRIPT_ARGS)),
          new Variant("one script (EVALSHA)", cmd -> UsageRecorder.RECORD.run(redis, cmd,
              ScriptOutputType.INTEGER, SCRIPT_KEYS, SCRIPT_ARGS)));
      run(context, redis, variants, 1, writes, redisPid); // warm-up, not printed
      System.out.printf("%-20s %8s %14s %14s%n", "variant", "round", "JVM us/write",
          "Redis us/write");
      for (int r = 1; r <= rounds; r++) {
        for (int i = 0; i < variants.size(); i++) {
          Variant v = variants.get((i + r) % variants.size());
          double[] cost = measure(context, redis, v, writes, redisPid);
          v.jvm.add(cost[0]);
          v.redis.add(cost[1]);
          System.out.printf("%-20s %8d %14.1f %14.1f%n", v.name, r, cost[0], cost[1]);
        }
      }
      System.out.println();
      for (Variant v : variants) {
        System.out.printf("%-20s median: JVM %.1f us/write, Redis %.1f us/write%n", v.name,
            median(v.jvm), median(v.redis));
      }
    } finally {
      vertx.close().await();
    }
  }

  private record Variant(String name,
      Function<RedisClusterAsyncCommands<String, String>, CompletionStage<?>> write,
      List<Double> jvm, List<Double> redis) {
    Variant(String name, Function<RedisClusterAsyncCommands<String, String>, CompletionStage<?>> write) {
      this(name, write, new ArrayList<>(), new ArrayList<>());
    }
  }

  private static void run(Context context, Redis redis, List<Variant> variants, int rounds,
      int writes, long redisPid) throws Exception {
    for (int r = 0; r < rounds; r++) {
      for (Variant v : variants) {
        measure(context, redis, v, writes, redisPid);
      }
    }
  }

  /** JVM and Redis CPU microseconds per write of {@code v}. */
  private static double[] measure(Context context, Redis redis, Variant v, int writes,
      long redisPid) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean();
    long jvm0 = os.getProcessCpuTime();
    long redis0 = redisCpuNanos(redisPid);
    int inFlight = 64;
    for (int done = 0; done < writes; done += inFlight) {
      List<CompletableFuture<Object>> batch = new ArrayList<>(inFlight);
      for (int i = 0; i < inFlight; i++) {
        CompletableFuture<Object> one = new CompletableFuture<>();
        batch.add(one);
        context.runOnContext(x -> redis.durableWrites(
            cmd -> v.write.apply(cmd).thenApply(r -> (Object) r)).whenComplete((ok, e) -> {
          if (e != null) {
            one.completeExceptionally(e);
          } else {
            one.complete(ok);
          }
        }));
      }
      CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get();
    }
    long jvm = os.getProcessCpuTime() - jvm0;
    long red = redisCpuNanos(redisPid) - redis0;
    return new double[] {jvm / 1e3 / writes, red / 1e3 / writes};
  }

  /** The usage writes of one chat completion, as nine commands. */
  private static CompletionStage<?> nineCommands(RedisClusterAsyncCommands<String, String> cmd) {
    String usage = SCRIPT_KEYS[0];
    String day = SCRIPT_KEYS[1];
    cmd.hincrby(usage, "requests", 1);
    cmd.hincrby(usage, "prompt_tokens", 31);
    cmd.hincrby(usage, "completion_tokens", 7);
    cmd.hincrby(usage, TASK + "|requests", 1);
    cmd.hincrby(day, TASK + "|requests", 1);
    cmd.hincrby(day, TASK + "|units", 7);
    cmd.expire(day, 400L * 24 * 3600);
    return cmd.hincrby(usage, TASK + "|units", 7);
  }

  /** The same writes as the gateway's one script: its keys and arguments. */
  private static final String[] SCRIPT_KEYS = UsageRecorder.recordKeys("bench", "2026-12-07");
  private static final String[] SCRIPT_ARGS = {TASK, "7", "0", Long.toString(400L * 24 * 3600),
      "prompt_tokens", "31", "completion_tokens", "7"};

  private static long redisCpuNanos(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
