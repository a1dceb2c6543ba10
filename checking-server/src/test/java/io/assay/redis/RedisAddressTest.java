package io.assay.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.config.ConfigException;
import org.junit.jupiter.api.Test;

class RedisAddressTest {

  @Test
  void aRedisUrl_namesOneServer() {
    RedisAddress one = RedisAddress.parse("redis://127.0.0.1:6380/2");

    assertThat(one.cluster()).isFalse();
    assertThat(one.nodes()).singleElement().satisfies(n -> {
      assertThat(n.getPort()).isEqualTo(6380);
      assertThat(n.getDatabase()).isEqualTo(2);
    });
    assertThat(one.describe()).isEqualTo("127.0.0.1:6380");
  }

  @Test
  void aClusterUrl_namesEverySeed_withTheCredentialsAndTlsOfAll() {
    RedisAddress cluster = RedisAddress.parse(
        "rediss-cluster://ops:s3cret@10.0.0.1:7000,10.0.0.2:7001, 10.0.0.3");

    assertThat(cluster.cluster()).isTrue();
    assertThat(cluster.nodes()).extracting(n -> n.getHost() + ":" + n.getPort())
        .containsExactly("10.0.0.1:7000", "10.0.0.2:7001", "10.0.0.3:6379");
    assertThat(cluster.nodes()).allSatisfy(n -> {
      assertThat(n.isSsl()).isTrue();
      io.lettuce.core.RedisCredentials credentials =
          n.getCredentialsProvider().resolveCredentials().block();
      assertThat(credentials.getUsername()).isEqualTo("ops");
      assertThat(new String(credentials.getPassword())).isEqualTo("s3cret");
    });
    assertThat(cluster.describe()).isEqualTo("cluster 10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:6379")
        .doesNotContain("s3cret");
  }

  @Test
  void badUrls_areRefused_namingTheKey_withoutThePassword() {
    for (String bad : new String[] {"localhost:6379", "http://h:1", "redis-cluster://",
        "redis-cluster://h:1,,h:2", "redis-cluster://:pw@h:1/3", "redis://"}) {
      assertThatThrownBy(() -> RedisAddress.parseConfigured(bad)).as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("redis.url").hasMessageContaining("ASSAY_REDIS_URL")
          .hasMessageContaining("redis-cluster://host1:port1,host2:port2")
          .hasMessageNotContaining("pw@");
    }
  }
}
