package io.assay.checking;

import io.assay.doctor.Check;
import io.assay.doctor.Doctor;
import io.assay.doctor.Finding;
import io.assay.redis.RedisAddress;
import io.assay.redis.RedisConnections;
import java.time.Duration;

/**
 * The {@code doctor} check of a configured Redis (or Redis Cluster): connects and asks PING, as
 * the checking server and the gateway do before anything else. The line names hosts and ports
 * only, never a password in the URL.
 */
public final class RedisCheck {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private RedisCheck() {}

  /**
   * @param url the configured Redis ({@code redis://host:port} or {@code
   *     redis-cluster://host:port,...}), already validated
   * @param setting where it is configured, named in the fix
   */
  public static Check of(String url, String setting) {
    RedisAddress address = RedisAddress.parse(url);
    String fix = "start Redis at " + address.describe() + ", or set " + setting
        + " to one that runs";
    return Check.of("redis " + address.describe(), fix, () -> ping(address, fix));
  }

  private static Finding ping(RedisAddress address, String fix) {
    RedisConnections client = RedisConnections.create(address,
        new RedisConnections.Settings(16, TIMEOUT, true));
    try (RedisConnections.Connection<String, String> connection = client.connect()) {
      return Finding.ok("answers " + connection.commands().ping().get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Finding.failed("interrupted", fix);
    } catch (Exception e) {
      return Finding.failed("cannot use it (" + Doctor.oneLine(e) + ")", fix);
    } finally {
      client.close();
    }
  }
}
