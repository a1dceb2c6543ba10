package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.config.ConfigFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Task weights edited in the configuration file apply while running; bad ones change nothing. */
class TaskWeightsFileIntegrationTest {

  private static String config(double llm, double embeddings) {
    return """
        gateway:
          port: 0
          data_dir: data
        tasks:
          - kind: llm
            model: reference-lm
            weight: %s
          - kind: embeddings
            model: all-MiniLM-L6-v2
            weight: %s
        """.formatted(llm, embeddings);
  }

  @Test
  void editedWeights_applyWhileRunning_andInvalidOnesAreRefused() throws Exception {
    Path dir = TestDevnets.tempDir("assay-weights-file");
    Path file = dir.resolve("assay.yaml");
    Files.writeString(file, config(0.5, 0.5));
    try (Gateway gateway = Gateway.builder(ConfigFiles.load(file, Map.of()))
        .configFile(file).start()) {
      assertThat(gateway.taskWeights().current()).containsEntry("llm/reference-lm", 0.5);

      write(file, config(0.2, 0.8));
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
          assertThat(gateway.taskWeights().current()).containsEntry("llm/reference-lm", 0.2)
              .containsEntry("embeddings/all-MiniLM-L6-v2", 0.8));

      write(file, config(0.7, 0.7));
      await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).untilAsserted(() ->
          assertThat(gateway.taskWeights().current()).containsEntry("llm/reference-lm", 0.2));
    }
  }

  /** Writes and moves the modification time on, so a same-second edit is still seen. */
  private static void write(Path file, String text) throws Exception {
    FileTime before = Files.getLastModifiedTime(file);
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 1000));
  }
}
