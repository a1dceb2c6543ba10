package io.assay.checking;

import io.assay.doctor.Check;
import io.assay.doctor.Doctor;
import io.assay.doctor.Finding;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;

/**
 * The {@code doctor} check of a configured Redis: connects and asks PING, as the checking
 * server and the gateway do before anything else. The line names the host and port only, never
 * a password in the URL.
 */
public final class RedisCheck {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private RedisCheck() {}

  /**
   * @param url the configured Redis ({@code redis://host:port})
   * @param setting where it is configured, named in the fix
   */
  public static Check of(String url, String setting) {
    RedisURI uri = RedisURI.create(url);
    String fix = "start Redis at " + uri.getHost() + ":" + uri.getPort() + ", or set " + setting
        + " to one that runs";
    return Check.of("redis " + uri.getHost() + ":" + uri.getPort(), fix, () -> ping(uri, fix));
  }

  private static Finding ping(RedisURI uri, String fix) {
    RedisClient client = RedisClient.create(uri);
    client.setOptions(ClientOptions.builder()
        .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
        .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
        .build());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      return Finding.ok("answers " + connection.sync().ping());
    } catch (RuntimeException e) {
      return Finding.failed("cannot use it (" + Doctor.oneLine(e) + ")", fix);
    } finally {
      client.shutdown();
    }
  }
}
