package io.assay.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.auth.RateLimiter.Admission;
import io.assay.gateway.auth.RateLimiter.Limit;
import io.assay.gateway.period.ManualClock;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.gateway.state.RestartableRedis;
import io.assay.gateway.state.StateException;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RateLimiter} against a real redis-server of its own, so that every command it receives
 * is the limiter's: what a request costs in round trips, and what happens while Redis is away.
 */
class RateLimiterIntegrationTest {

  /** 20 s into a minute: 40 s to the next one. */
  private final ManualClock clock = new ManualClock(1_000L * 60_000 + 20_000);
  private RestartableRedis server;
  private Redis redis;
  private RateLimiter limiter;

  @BeforeEach
  void start() throws Exception {
    server = RestartableRedis.start(Files.createTempDirectory("assay-limiter"));
    redis = Redis.connect(server.url());
    limiter = new RateLimiter(redis, clock);
  }

  @AfterEach
  void stop() {
    redis.close();
    server.close();
  }

  @Test
  void aKeyWithNoLimitAndNoBudget_costsNoRoundTrip() throws Exception {
    ApiKey free = new ApiKey("free", "free", ApiKey.Role.USER, 0, 0, null);
    long before = commandsProcessed();

    for (int i = 0; i < 1_000; i++) {
      Future<Admission> admitted = limiter.admit(free);
      assertThat(admitted.isComplete()).as("decided without waiting").isTrue();
      assertThat(admitted.result().admitted()).isTrue();
      limiter.spent(free, 10);
    }

    assertThat(commandsProcessed() - before).as("commands since the first INFO: itself only")
        .isEqualTo(1);
  }

  @Test
  void aLimitedKey_costsOneCommandPerRequest_andIsRefusedPastItsLimitWithoutACount()
      throws Exception {
    ApiKey limited = new ApiKey("limited", "limited", ApiKey.Role.USER, 10, 0, null);
    assertThat(admit(limited).admitted()).isTrue(); // loads the script
    long scripts = calls("evalsha");
    long before = commandsProcessed();

    for (int i = 1; i < 10; i++) {
      assertThat(admit(limited).admitted()).isTrue();
    }
    assertThat(calls("evalsha") - scripts).as("one script a request").isEqualTo(9);
    assertThat(commandsProcessed() - before).as("INFO twice; per request, the script and the"
        + " two commands it runs").isEqualTo(2 + 9 * 3);
    for (int i = 0; i < 5; i++) {
      assertThat(admit(limited)).isEqualTo(new Admission(Limit.REQUESTS_PER_MINUTE, 40));
    }
    assertThat(count(limited, "requests")).isEqualTo("10");

    clock.advance(60_000);
    assertThat(admit(limited).admitted()).as("a new minute").isTrue();
  }

  @Test
  void unitsAndBalance_areReadInTheSameRoundTrip() throws Exception {
    ApiKey key = new ApiKey("both", "both", ApiKey.Role.USER, 0, 100, 50L);
    redis.commands().set(Keys.credit("both"), "50").get(5, TimeUnit.SECONDS);
    limiter.spent(key, 99);
    await().atMost(Duration.ofSeconds(5)).until(() -> "99".equals(count(key, "units")));
    assertThat(admit(key).admitted()).as("99 units of 100").isTrue();

    limiter.spent(key, 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> "100".equals(count(key, "units")));
    assertThat(admit(key)).isEqualTo(new Admission(Limit.UNITS_PER_MINUTE, 40));

    redis.commands().set(Keys.credit("both"), "0").get(5, TimeUnit.SECONDS);
    assertThat(admit(key)).as("the balance is checked first")
        .isEqualTo(new Admission(Limit.CREDIT, 0));
  }

  @Test
  void redisAway_failsAdmissionAtOnce_keepsUnitsServed_andRecovers() throws Exception {
    ApiKey limited = new ApiKey("away", "away", ApiKey.Role.USER, 3, 1_000, null);
    assertThat(admit(limited).admitted()).isTrue();

    server.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> !redis.isOpen());
    long started = System.nanoTime();
    assertThatThrownBy(() -> admit(limited)).hasCauseInstanceOf(StateException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    limiter.spent(limited, 7); // served before Redis went: counted when it is back

    server.restart();
    await().atMost(Duration.ofSeconds(45)).ignoreExceptions()
        .until(() -> admit(limited).admitted());
    await().atMost(Duration.ofSeconds(10)).until(() -> "7".equals(count(limited, "units")));
    assertThat(count(limited, "requests")).isEqualTo("2");
    assertThat(admit(limited).admitted()).isTrue();
    assertThat(admit(limited).refused()).isEqualTo(Limit.REQUESTS_PER_MINUTE);
  }

  private Admission admit(ApiKey key) throws Exception {
    try {
      return limiter.admit(key).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("admission failed", e.getCause());
    }
  }

  private String count(ApiKey key, String field) throws Exception {
    return redis.commands().hget(Keys.limitWindow(key.hash(), clock.millis() / 60_000), field)
        .get(5, TimeUnit.SECONDS);
  }

  /** Calls of {@code command} Redis has run since it started. */
  private long calls(String command) throws Exception {
    String info = redis.commands().info("commandstats").get(5, TimeUnit.SECONDS);
    return info.lines().filter(l -> l.startsWith("cmdstat_" + command + ":calls="))
        .mapToLong(l -> Long.parseLong(l.replaceAll(".*:calls=(\\d+),.*", "$1")))
        .findFirst().orElse(0);
  }

  /** Commands Redis has run since it started, this INFO not yet among them. */
  private long commandsProcessed() throws Exception {
    String info = redis.commands().info("stats").get(5, TimeUnit.SECONDS);
    return info.lines().filter(l -> l.startsWith("total_commands_processed:"))
        .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim()))
        .findFirst().orElseThrow();
  }
}
