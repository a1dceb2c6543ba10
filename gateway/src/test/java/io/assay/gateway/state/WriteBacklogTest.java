package io.assay.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The backlog's own rules, without Redis: a replay that Redis refuses is tried again later, so
 * writes do not wait for good when the reconnection event came too early (before the connection
 * took commands) or while an earlier replay was still failing.
 */
class WriteBacklogTest {

  @Test
  void refusedReplay_isTriedAgain_withoutAnotherReconnectionEvent() throws Exception {
    AtomicBoolean up = new AtomicBoolean();
    List<Runnable> retries = new ArrayList<>();
    List<String> sent = new ArrayList<>();
    WriteBacklog backlog = new WriteBacklog(new WriteBacklog.Sender() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> CompletableFuture<T> send(
          java.util.function.Function<io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands<String,
              String>, ? extends java.util.concurrent.CompletionStage<T>> commands) {
        return up.get()
            ? (CompletableFuture<T>) commands.apply(null).toCompletableFuture()
            : CompletableFuture.failedFuture(new RedisException("Connection is not connected"));
      }
    }, retries::add);

    List<CompletableFuture<String>> writes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String name = "w" + i;
      writes.add(backlog.write(cmd -> {
        sent.add(name);
        return CompletableFuture.completedFuture(name);
      }));
    }
    assertThat(backlog.size()).isEqualTo(3);
    backlog.replay(); // the reconnection event, come before the connection takes commands
    assertThat(writes).noneMatch(CompletableFuture::isDone);
    assertThat(retries).as("one retry waits, however many writes were refused").hasSize(1);

    up.set(true);
    retries.remove(0).run(); // the retry's time has come; no reconnection event follows
    for (int i = 0; i < 3; i++) {
      assertThat(writes.get(i).get(1, TimeUnit.SECONDS)).isEqualTo("w" + i);
    }
    assertThat(sent).containsExactly("w0", "w1", "w2");
    assertThat(backlog.size()).isZero();
    assertThat(retries).isEmpty();
  }

  @Test
  void writesRedisDidNotRun_areKept_andThoseItMayHaveRun_areNot() {
    assertThat(WriteBacklog.refusedUnsent(
        new RedisException("Currently not connected. Commands are rejected."))).isTrue();
    assertThat(WriteBacklog.refusedUnsent(new java.util.concurrent.CompletionException(
        new RedisCommandExecutionException("CLUSTERDOWN The cluster is down")))).isTrue();
    assertThat(WriteBacklog.refusedUnsent(new RedisCommandExecutionException(
        "TRYAGAIN Multiple keys request during rehashing of slot"))).isTrue();
    assertThat(WriteBacklog.refusedUnsent(
        new RedisCommandExecutionException("LOADING Redis is loading the dataset in memory")))
        .isTrue();

    // Sent before the connection broke: Redis may have applied it.
    assertThat(WriteBacklog.refusedUnsent(new RedisException("Connection disconnected")))
        .isFalse();
    assertThat(WriteBacklog.refusedUnsent(new RedisCommandTimeoutException("timed out")))
        .isFalse();
    assertThat(WriteBacklog.refusedUnsent(
        new RedisCommandExecutionException("ERR wrong number of arguments"))).isFalse();
  }
}
