package io.assay.task.llm;

import static io.assay.task.llm.UpstreamFixtures.await;
import static io.assay.task.llm.UpstreamFixtures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.UpstreamConfig;
import io.assay.task.upstream.OpenAiHttp;
import io.assay.task.upstream.UpstreamException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenAiHttp#postJsonStream}'s event-stream decoding, seen through a server that writes the
 * stream in pieces cut at chosen bytes: inside multi-byte characters, between CR and LF, inside
 * {@code data:}. Each piece is its own HTTP chunk, which the JDK client hands over as its own
 * buffer, so the cuts reach the decoder as they were made.
 */
class SseDecodingTest {

  private static final String[] TERMINATORS = {"\n", "\r\n", "\r"};
  private static final String[] ATOMS = {
      "a", "Z", "7", " ", ":", "{", "}", "\"", "\\", "é", "ö", "世", "界", "😀", "🇫🇷", "\t", "data"};

  private SseTestServer server;
  private volatile byte[] stream;
  private volatile List<int[]> pieces = List.of();
  /** One client per size limit, as a backend keeps one: connections are reused across calls. */
  private final java.util.Map<Integer, OpenAiHttp> clients = new java.util.HashMap<>();

  @BeforeEach
  void start() throws IOException {
    server = new SseTestServer(response -> {
      byte[] bytes = stream;
      for (int[] piece : pieces) {
        response.piece(Arrays.copyOfRange(bytes, piece[0], piece[1]));
      }
    });
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    clients.values().forEach(OpenAiHttp::close);
    assertThat(server.scriptFailure()).isNull();
  }

  @Test
  void everyByteInItsOwnRead_multiByteCharactersAndCrlfComeOutWhole() {
    String text = "\uFEFF: hi\r\ndata: {\"token\":\"😀\"}\r\n\r\ndata:世界\rdata: é\r\r"
        + "event: message\nid: 3\ndata: [DONE]\n\ndata: after the end\n\n";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    List<int[]> single = new ArrayList<>();
    for (int i = 0; i < bytes.length; i++) {
      single.add(new int[] {i, i + 1});
    }

    assertThat(decode(bytes, single)).containsExactly("{\"token\":\"😀\"}", "世界\né");
  }

  @Test
  void randomStreams_cutAtRandomBytes_decodeToTheirEvents() {
    Random random = new Random(20_251_107L);
    for (int run = 0; run < 300; run++) {
      List<String> expected = new ArrayList<>();
      byte[] bytes = randomStream(random, expected);
      List<String> got = decode(bytes, randomCuts(random, bytes.length));
      assertThat(got).as("run %d of seed 20251107: %s", run,
          new String(bytes, StandardCharsets.UTF_8)).isEqualTo(expected);
    }
  }

  @Test
  void cleanEndWithoutBlankLine_deliversTheLastWholeLine_butNotAPartialOne() {
    byte[] whole = "data: one\n\ndata: two\n".getBytes(StandardCharsets.UTF_8);
    byte[] partial = "data: one\n\ndata: {\"cut".getBytes(StandardCharsets.UTF_8);

    assertThat(decode(whole, List.of(new int[] {0, whole.length}))).containsExactly("one", "two");
    assertThat(decode(partial, List.of(new int[] {0, partial.length}))).containsExactly("one");
  }

  @Test
  void errorsSentInTheStream_failTheCall() {
    for (String error : List.of(
        "data: {\"error\":{\"message\":\"boom\",\"code\":503}}\n\n",
        "event: error\ndata: {\"message\":\"boom\"}\n\n",
        "error: {\"code\":500,\"message\":\"boom\",\"type\":\"server_error\"}\n\n")) {
      byte[] bytes = ("data: fine\n\n" + error + "data: never\n\n").getBytes(StandardCharsets.UTF_8);
      pieces = List.of(new int[] {0, bytes.length});
      stream = bytes;
      List<String> got = Collections.synchronizedList(new ArrayList<>());

      Throwable failure = failureOf(http(1 << 20).postJsonStream("/chat/completions", new byte[0],
          got::add));

      assertThat(failure).as(error).isInstanceOf(UpstreamException.class)
          .hasMessageContaining("boom");
      assertThat(got).containsExactly("fine");
    }
  }

  @Test
  void aLineLongerThanTheLimit_failsTheCall() {
    byte[] bytes = ("data: " + "x".repeat(5000) + "\n\n").getBytes(StandardCharsets.UTF_8);
    pieces = List.of(new int[] {0, 1000}, new int[] {1000, bytes.length});
    stream = bytes;

    Throwable failure = failureOf(http(4096).postJsonStream("/completions", new byte[0],
        payload -> { }));

    assertThat(failure).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("longer than 4096 bytes");
  }

  private List<String> decode(byte[] bytes, List<int[]> cuts) {
    stream = bytes;
    pieces = cuts;
    List<String> got = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> call = http(1 << 20).postJsonStream("/chat/completions",
        "{}".getBytes(StandardCharsets.UTF_8), got::add);
    await(call);
    return got;
  }

  private OpenAiHttp http(int maxResponseBytes) {
    return clients.computeIfAbsent(maxResponseBytes, max -> OpenAiHttp.create(
        new UpstreamConfig(server.baseUrl(), "m", null, Duration.ofSeconds(5)), max));
  }

  /**
   * A stream of events with random payloads, line ends, comments and fields, ending with
   * {@code [DONE]} and something after it; {@code expected} receives the payloads to come out.
   */
  private static byte[] randomStream(Random random, List<String> expected) {
    StringBuilder s = new StringBuilder();
    int events = 1 + random.nextInt(6);
    for (int e = 0; e < events; e++) {
      if (random.nextInt(3) == 0) {
        s.append(": keep-alive ").append(payload(random)).append(end(random, s));
      }
      if (random.nextInt(4) == 0) {
        s.append("id: ").append(e).append(end(random, s));
      }
      int lines = random.nextInt(5) == 0 ? 2 : 1;
      List<String> data = new ArrayList<>();
      for (int l = 0; l < lines; l++) {
        String p = payload(random);
        data.add(p);
        boolean noSpace = !p.startsWith(" ") && random.nextBoolean();
        s.append(noSpace ? "data:" : "data: ").append(p).append(end(random, s));
      }
      s.append(end(random, s));
      expected.add(String.join("\n", data));
    }
    s.append("data: [DONE]").append(end(random, s)).append(end(random, s));
    s.append("data: dropped after done").append(end(random, s)).append(end(random, s));
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String payload(Random random) {
    StringBuilder p = new StringBuilder("{");
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      p.append(ATOMS[random.nextInt(ATOMS.length)]);
    }
    return p.toString();
  }

  /** A random line end; never LF right after CR, which would make the two one CRLF. */
  private static String end(Random random, StringBuilder s) {
    boolean afterCr = s.length() > 0 && s.charAt(s.length() - 1) == '\r';
    return afterCr ? TERMINATORS[1 + random.nextInt(2)]
        : TERMINATORS[random.nextInt(TERMINATORS.length)];
  }

  /** Pieces covering {@code [0, length)}, cut at random; sometimes at every byte. */
  private static List<int[]> randomCuts(Random random, int length) {
    List<int[]> out = new ArrayList<>();
    int step = random.nextInt(4) == 0 ? 1 : 0;
    int from = 0;
    while (from < length) {
      int size = step == 1 ? 1 : 1 + random.nextInt(Math.min(40, length - from));
      int to = Math.min(length, from + size);
      out.add(new int[] {from, to});
      from = to;
    }
    return out;
  }
}
