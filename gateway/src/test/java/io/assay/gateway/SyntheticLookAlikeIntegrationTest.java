package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.HostileMinerProxy.Seen;
import io.assay.task.Json;
import io.assay.task.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 7: nothing in how the gateway sends a request tells a miner whether a user or
 * the validator asked. Requests are watched at the miner's door (a pass-through proxy): users'
 * requests, marked in their prompts, and the synthetic tests of the same task and kind (whole
 * chat completions) arrive on the same path and session with the same headers, header formats
 * and body fields.
 */
class SyntheticLookAlikeIntegrationTest {

  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);

  @Test
  void organicAndSyntheticRequests_lookAlikeAtTheMiner() throws Exception {
    List<HostileMinerProxy> proxies = new ArrayList<>();
    try (LlmTestGateway test = LlmTestGateway.start("assay-lookalike", Map.of(),
        Duration.ofSeconds(6), SPEC, 16, reference -> Map.of("watched", reference),
        miner -> HostileMinerProxy.inFront(miner, proxies))) {
      HostileMinerProxy door = proxies.get(0);
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
        assertThat(test.chat(MARK, 4, false).statusCode()).isEqualTo(200);
        assertThat(synthetic(door.seen())).hasSizeGreaterThanOrEqualTo(5);
        assertThat(organic(door.seen())).hasSizeGreaterThanOrEqualTo(5);
      });
      List<Seen> users = organic(door.seen());
      List<Seen> tests = synthetic(door.seen());

      assertThat(paths(tests)).isEqualTo(paths(users));
      assertThat(headerNames(tests)).isEqualTo(headerNames(users));
      for (String header : headerNames(users)) {
        assertThat(shapes(tests, header)).as(header).isEqualTo(shapes(users, header));
      }
      assertThat(values(tests, "assay-session")).as("one session for both")
          .containsAnyElementsOf(values(users, "assay-session"));
      assertThat(bodyFields(tests)).isEqualTo(bodyFields(users));
    }
  }

  private static final String MARK = "organic-marker";

  private static List<Seen> organic(List<Seen> seen) {
    return seen.stream().filter(s -> s.body().contains(MARK)).toList();
  }

  /** The synthetic requests of the kind the users sent: whole chat completions. */
  private static List<Seen> synthetic(List<Seen> seen) {
    return seen.stream().filter(s -> !s.body().contains(MARK)
        && s.path().equals("/v1/chat/completions") && !streamed(s)).toList();
  }

  private static boolean streamed(Seen s) {
    try {
      return Json.MAPPER.readTree(s.body()).path("stream").asBoolean(false);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static Set<String> paths(List<Seen> seen) {
    return new TreeSet<>(seen.stream().map(Seen::path).toList());
  }

  private static Set<String> headerNames(List<Seen> seen) {
    Set<String> names = new TreeSet<>();
    seen.forEach(s -> names.addAll(s.headers().keySet()));
    return names;
  }

  /** A header's values with letters and digits masked: their format, not their content. */
  private static Set<String> shapes(List<Seen> seen, String header) {
    Set<String> shapes = new TreeSet<>();
    for (Seen s : seen) {
      String v = s.headers().getOrDefault(header, "(absent)");
      shapes.add(header.equals("content-length") ? "digits"
          : v.replaceAll("[A-Za-z0-9_-]", "x").replaceAll("x+", "x"));
    }
    return shapes;
  }

  private static Set<String> values(List<Seen> seen, String header) {
    return new TreeSet<>(seen.stream().map(s -> s.headers().get(header)).toList());
  }

  /** The union of top-level field names of the bodies. */
  private static Set<String> bodyFields(List<Seen> seen) throws Exception {
    Set<String> fields = new TreeSet<>();
    for (Seen s : seen) {
      Json.MAPPER.readTree(s.body()).fieldNames().forEachRemaining(fields::add);
    }
    return fields;
  }
}
