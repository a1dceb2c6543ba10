package io.assay.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FirstByteDeadlinesTest {

  @Test
  void untilEnoughAnswersWereSeen_theMinerTimeoutApplies() {
    FirstByteDeadlines d = new FirstByteDeadlines(60_000);
    for (int i = 0; i < FirstByteDeadlines.WARM - 1; i++) {
      d.answered("llm/x", 100, 1_000);
    }
    assertThat(d.deadlineMillis("llm/x", 100)).isEqualTo(60_000);
    assertThat(d.deadlineMillis("other/task", 100)).isEqualTo(60_000);
  }

  @Test
  void theDeadline_growsWithTheEstimate_withinItsBounds() {
    FirstByteDeadlines d = new FirstByteDeadlines(60_000);
    for (int i = 0; i < 96; i++) { // the percentile is worked out again every 16 answers
      d.answered("llm/x", 100, 1_000 + i); // 10 to 10.95 ms per unit; p95 = 10.91
    }
    // 4 x 10.91 ms x 100 units + 500 ms
    assertThat(d.deadlineMillis("llm/x", 100)).isEqualTo(4_864);
    assertThat(d.deadlineMillis("llm/x", 1)).isEqualTo(FirstByteDeadlines.MIN_MILLIS);
    assertThat(d.deadlineMillis("llm/x", 1_000_000)).isEqualTo(60_000);
  }
}
