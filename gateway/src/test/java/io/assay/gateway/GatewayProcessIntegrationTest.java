package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.devnet.Devnet;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.PrivateRedis;
import io.assay.gateway.state.Redis;
import io.assay.task.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 5, with the gateway as its own process (a devnet started from the test's class
 * path) under load: killed outright (SIGKILL), it loses no usage of an answer it delivered beyond
 * the requests in flight at that moment, and its redis-server, left running, is stopped by the
 * next start on the data directory instead of a second server sharing its append-only file;
 * stopped with SIGTERM, it answers what it had accepted and is gone within 5 s.
 */
class GatewayProcessIntegrationTest {

  private static final int CLIENTS = 8;

  @Test
  void usageRecorded_matchesAnswersDelivered_withinTheRequestsInFlight() throws Exception {
    Path dir = TestDevnets.tempDir("assay-kill9");
    Process gateway = startDevnet(dir);
    try {
      Devnet.Info info = awaitInfo(dir, gateway);
      Load load = Load.until(info, 300);
      gateway.destroyForcibly(); // SIGKILL
      assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
      load.join();

      ProcessHandle orphan = PrivateRedis.serverOn(dir.resolve("redis")).orElseThrow();
      // The next start on the directory: the orphaned server is stopped, its file read back.
      try (PrivateRedis redis = PrivateRedis.start(dir.resolve("redis"));
          Redis client = Redis.connect(redis.url())) {
        String requests = client.commands()
            .hget(Keys.usage(ApiKeys.hash(info.apiKey())), "requests").get(10, TimeUnit.SECONDS);
        long recorded = requests == null ? 0 : Long.parseLong(requests);
        System.out.printf("kill -9: %d answers delivered, %d recorded, %d clients in flight%n",
            load.delivered.get(), recorded, CLIENTS);
        assertThat(recorded).isBetween((long) load.delivered.get() - CLIENTS,
            (long) load.delivered.get() + CLIENTS);
      }
      assertThat(exited(orphan)).as("the redis-server the killed gateway left").isTrue();
      assertThat(PrivateRedis.serverOn(dir.resolve("redis"))).as("redis-servers left on the"
          + " directory").isEmpty();
    } finally {
      gateway.destroyForcibly();
    }
  }

  @Test
  void sigterm_answersWhatWasAccepted_andStopsWithin5s() throws Exception {
    Path dir = TestDevnets.tempDir("assay-sigterm");
    Process gateway = startDevnet(dir);
    try {
      Load load = Load.until(awaitInfo(dir, gateway), 100);
      long start = System.nanoTime();
      gateway.destroy(); // SIGTERM
      assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      load.join();
      System.out.printf("SIGTERM: stopped in %d ms; %d answers, %d errors after their request"
          + " was accepted%n", took.toMillis(), load.delivered.get(), load.failedAnswers.get());
      assertThat(took).isLessThan(Duration.ofSeconds(5));
      assertThat(load.failedAnswers.get()).as("requests answered with an error: %s",
          load.failures).isZero();
    } finally {
      gateway.destroyForcibly();
    }
  }

  /**
   * Whether {@code process} has ended: gone, or a zombie (an orphan whose new parent, in a
   * container often none that reaps, has not collected it).
   */
  private static boolean exited(ProcessHandle process) {
    if (!process.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.io.IOException e) {
      return true; // gone between the two looks
    }
  }

  private static Process startDevnet(Path dir) throws java.io.IOException {
    return new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "io.assay.gateway.GatewayMain", "devnet", "--port", "0", "--data-dir", dir.toString(),
        "--miners", "2")
        .redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile()).start();
  }

  private static Devnet.Info awaitInfo(Path dir, Process gateway) throws Exception {
    Path infoFile = dir.resolve("devnet.json");
    await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(infoFile)
        || !gateway.isAlive());
    assertThat(gateway.isAlive()).as(Files.readString(dir.resolve("gateway.log"))).isTrue();
    return Json.MAPPER.readValue(infoFile.toFile(), Devnet.Info.class);
  }

  /** {@link #CLIENTS} threads sending chat requests one after another until told to stop. */
  private static final class Load {
    final AtomicInteger delivered = new AtomicInteger();
    /** Answers that came back with a status other than 200: the gateway failed them. */
    final AtomicInteger failedAnswers = new AtomicInteger();
    /** Their status and body, for the failure message. */
    final java.util.List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> clients = new ArrayList<>();

    private Load(Devnet.Info info) {
      for (int i = 0; i < CLIENTS; i++) {
        Thread t = new Thread(() -> load(info, this), "client-" + i);
        t.start();
        clients.add(t);
      }
    }

    /**
     * Load that has had {@code answers} answered, told to stop at the next failure: the test's
     * signal comes next.
     */
    static Load until(Devnet.Info info, int answers) {
      Load load = new Load(info);
      await().atMost(Duration.ofMinutes(2)).until(() -> load.delivered.get() >= answers);
      load.stopping.set(true);
      return load;
    }

    void join() throws InterruptedException {
      for (Thread t : clients) {
        t.join(60_000);
      }
    }
  }

  /** Sends chat requests one after another until the gateway is gone, counting answers. */
  private static void load(Devnet.Info info, Load load) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(info.baseUrl() + "/chat/completions"))
        .header("Authorization", "Bearer " + info.apiKey())
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"reference-lm\",\"max_tokens\":4,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build();
    while (true) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          load.delivered.incrementAndGet();
        } else {
          load.failedAnswers.incrementAndGet();
          load.failures.add(response.statusCode() + " " + response.body());
        }
      } catch (Exception e) {
        if (load.stopping.get()) {
          return; // refused or cut: the gateway is going or gone
        }
      }
    }
  }
}
