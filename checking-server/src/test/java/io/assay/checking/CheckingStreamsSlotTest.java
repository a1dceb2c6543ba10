package io.assay.checking;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * On a Redis Cluster a script may only touch keys of one slot: every key of the check queue and
 * the scoring events hashes to the same one, so the scripts that queue, record and fail answers
 * run there.
 */
class CheckingStreamsSlotTest {

  @Test
  void everyKeyOfTheContract_hashesToOneSlot() throws IllegalAccessException {
    List<String> keys = new ArrayList<>();
    for (Field f : CheckingStreams.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
          && String.valueOf(f.get(null)).startsWith("assay:")) {
        keys.add((String) f.get(null));
      }
    }
    assertThat(keys).contains(CheckingStreams.QUEUE, CheckingStreams.EVENTS,
        CheckingStreams.CHECKED, CheckingStreams.DEAD, CheckingStreams.PENDING,
        CheckingStreams.LAST_VERDICT);

    assertThat(keys).extracting(SlotHash::getSlot).containsOnly(
        SlotHash.getSlot(CheckingStreams.EVENTS));
  }

  @Test
  void eachResultScript_namesKeysOfOneSlot() {
    Stream.of(ResultStore.RECORD_KEYS, ResultStore.FAIL_KEYS, ResultStore.DEAD_LETTER_KEYS)
        .forEach(keys -> assertThat(Stream.of(keys).map(SlotHash::getSlot).distinct())
            .as(String.join(", ", keys)).hasSize(1));
  }
}
