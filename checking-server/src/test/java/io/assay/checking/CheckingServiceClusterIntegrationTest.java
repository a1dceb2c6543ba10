package io.assay.checking;

/**
 * Every checking-service test again, on a real Redis Cluster of three masters: the queue is a
 * Stream read through a consumer group, and each result is written by a script over several
 * keys, all of which work on a cluster because those keys share the hash tag of {@link
 * CheckingStreams}.
 */
class CheckingServiceClusterIntegrationTest extends CheckingServiceIntegrationTest {

  @Override
  TestRedis startRedis() {
    return TestRedis.cluster();
  }
}
