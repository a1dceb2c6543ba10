package io.assay.miner.sim;

import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import java.nio.charset.StandardCharsets;

/** A request and an answer of one short text: the simulated backends' tests wrap such tasks. */
final class TextTask {

  private TextTask() {}

  record Request(String text) implements TaskRequest {
    @Override
    public String path() {
      return "/v1/test";
    }

    @Override
    public String model() {
      return "test-1";
    }
  }

  record Answer(String text) implements TaskAnswer {
    @Override
    public byte[] toMinerBody() {
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }
}
