package io.assay.task.llm;

import static io.assay.task.llm.UpstreamFixtures.CHAT_STREAM;
import static io.assay.task.llm.UpstreamFixtures.HELLO;
import static io.assay.task.llm.UpstreamFixtures.UPSTREAM_MODEL;
import static io.assay.task.llm.UpstreamFixtures.await;
import static io.assay.task.llm.UpstreamFixtures.chatChunk;
import static io.assay.task.llm.UpstreamFixtures.chatRoleChunk;
import static io.assay.task.llm.UpstreamFixtures.failureOf;
import static io.assay.task.llm.UpstreamFixtures.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.ChunkSink;
import io.assay.task.TaskAnswer;
import io.assay.task.UpstreamConfig;
import io.assay.task.upstream.UpstreamException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What happens on the wire while a stream is under way: chunks pass on as they arrive, and a
 * dropped connection, the deadline, a failing sink or a caller's cancel all end the call and
 * close its connection. A scripted loopback server paces the upstream, so nothing here sleeps.
 */
class UpstreamConnectionTest {

  private final List<byte[]> sink = Collections.synchronizedList(new ArrayList<>());
  private SseTestServer server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
      assertThat(server.scriptFailure()).isNull();
    }
  }

  @Test
  void aChunkReachesTheSinkBeforeTheUpstreamHasSentTheNext() throws Exception {
    CompletableFuture<Void> firstContentSeen = new CompletableFuture<>();
    CompletableFuture<Boolean> seenBeforeRest = new CompletableFuture<>();
    server = new SseTestServer(response -> {
      response.piece("data: " + chatRoleChunk() + "\n\n");
      response.piece("data: " + chatChunk(HELLO.subList(0, 1), null) + "\n\n");
      seenBeforeRest.complete(waitFor(firstContentSeen));
      response.piece("data: " + chatChunk(HELLO.subList(1, 3), "stop") + "\n\n");
      response.piece("data: " + usageChunk(true, 12, 3) + "\n\ndata: [DONE]\n\n");
    });
    ChunkSink watching = chunk -> {
      sink.add(chunk);
      if (sink.size() == 2) {
        firstContentSeen.complete(null);
      }
    };

    LlmAnswer answer = (LlmAnswer) await(backend(Duration.ofSeconds(5))
        .stream(CHAT_STREAM, watching));

    assertThat(seenBeforeRest.get(1, TimeUnit.SECONDS)).isTrue();
    assertThat(answer.text()).isEqualTo("Héllo wörld!");
    assertThat(UpstreamFixtures.tree(server.lastRequestBody()).path("model").asText())
        .isEqualTo(UPSTREAM_MODEL);
  }

  @Test
  void connectionDroppedMidStream_failsWithUpstreamException() throws Exception {
    server = new SseTestServer(response -> {
      response.piece("data: " + chatRoleChunk() + "\n\n");
      response.piece("data: " + chatChunk(HELLO.subList(0, 1), null) + "\n\ndata: {\"id\":");
      response.cut();
    });

    Throwable failure = failureOf(backend(Duration.ofSeconds(5)).stream(CHAT_STREAM, sink::add));

    assertThat(failure).isInstanceOf(UpstreamException.class);
    assertThat(((UpstreamException) failure).timedOut()).isFalse();
    assertThat(sink).hasSize(2);
  }

  @Test
  void deadlineCoversTheWholeStream_keepAlivesDoNotExtendIt_andTheConnectionIsClosed()
      throws Exception {
    CompletableFuture<Boolean> clientGone = new CompletableFuture<>();
    server = new SseTestServer(response -> {
      response.piece("data: " + chatRoleChunk() + "\n\n");
      clientGone.complete(response.writeUntilClientGone(20_000));
    });

    Throwable failure = failureOf(backend(Duration.ofMillis(300)).stream(CHAT_STREAM, sink::add));

    assertThat(failure).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("did not answer within 300 ms");
    assertThat(((UpstreamException) failure).timedOut()).isTrue();
    assertThat(clientGone.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void failingSink_abortsTheCall_withTheSinksException() throws Exception {
    CompletableFuture<Boolean> clientGone = new CompletableFuture<>();
    server = new SseTestServer(response -> {
      response.piece("data: " + chatRoleChunk() + "\n\n");
      response.piece("data: " + chatChunk(HELLO.subList(0, 1), null) + "\n\n");
      clientGone.complete(response.writeUntilClientGone(20_000));
    });
    IllegalStateException downstreamGone = new IllegalStateException("the miner went away");
    ChunkSink failing = chunk -> {
      if (sink.add(chunk) && sink.size() == 2) {
        throw downstreamGone;
      }
    };

    Throwable failure = failureOf(backend(Duration.ofSeconds(5)).stream(CHAT_STREAM, failing));

    assertThat(failure).isSameAs(downstreamGone);
    assertThat(clientGone.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void cancellingTheStage_closesTheConnection() throws Exception {
    CompletableFuture<Boolean> clientGone = new CompletableFuture<>();
    CompletableFuture<Void> started = new CompletableFuture<>();
    server = new SseTestServer(response -> {
      response.piece("data: " + chatRoleChunk() + "\n\n");
      clientGone.complete(response.writeUntilClientGone(20_000));
    });
    CompletionStage<TaskAnswer> stage = backend(Duration.ofSeconds(30))
        .stream(CHAT_STREAM, chunk -> {
          sink.add(chunk);
          started.complete(null);
        });
    started.get(10, TimeUnit.SECONDS);

    stage.toCompletableFuture().cancel(true);

    assertThat(clientGone.get(10, TimeUnit.SECONDS)).isTrue();
  }

  private LlmUpstreamBackend backend(Duration timeout) {
    return new LlmUpstreamBackend(new UpstreamConfig(server.baseUrl(), UPSTREAM_MODEL, null,
        timeout));
  }

  private static boolean waitFor(CompletableFuture<Void> signal) {
    try {
      signal.get(5, TimeUnit.SECONDS);
      return true;
    } catch (Exception notInTime) {
      return false;
    }
  }
}
