package io.assay.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.checking.CheckQueue;
import io.assay.gateway.usage.UsageRecorder;
import io.lettuce.core.cluster.SlotHash;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * On a Redis Cluster a script or multi-key command may only touch keys of one slot: the keys the
 * gateway's scripts and multi-key commands name together hash to one, and API keys spread over
 * the slots.
 */
class KeysSlotTest {

  private static final String HASH =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  @Test
  void theUsageScript_namesKeysOfOneSlot() {
    assertThat(slots(UsageRecorder.recordKeys(HASH, "2026-12-07"))).hasSize(1);
  }

  @Test
  void theCheckQueueScript_namesKeysOfOneSlot() {
    assertThat(slots(CheckQueue.QUEUE_KEYS.toArray(String[]::new))).hasSize(1);
  }

  @Test
  void everyKeyOfOneApiKey_isInTheSlotOfItsHash() {
    // A revocation deletes the record and the balance in one DEL; the admission script reads
    // the limit window beside the balance.
    assertThat(slots(Keys.apiKey(HASH), Keys.usage(HASH), Keys.usageDay(HASH, "2026-12-07"),
        Keys.credit(HASH), Keys.limitWindow(HASH, 29_000_000)))
        .containsExactly(SlotHash.getSlot(HASH));
  }

  @Test
  void theLeaderKeys_shareOneSlot_andThePublishedFiles_another() {
    // One script takes the lease and the token; another renews the lease with the roster.
    assertThat(slots(Keys.leaderLease(), Keys.leaderToken(), Keys.gateways())).hasSize(1);
    assertThat(slots(Keys.file("f1"), Keys.file("f2"), Keys.filesOrder(), Keys.fileSizes(),
        Keys.filesBytes(), Keys.filesPublished())).hasSize(1);
  }

  @Test
  void apiKeys_spreadOverTheSlots() {
    List<Integer> slots = IntStream.range(0, 100).mapToObj(i -> Keys.usage("hash-" + i))
        .map(SlotHash::getSlot).distinct().toList();
    assertThat(slots).hasSizeGreaterThan(90);
  }

  private static List<Integer> slots(String... keys) {
    return Stream.of(keys).map(SlotHash::getSlot).distinct().toList();
  }
}
