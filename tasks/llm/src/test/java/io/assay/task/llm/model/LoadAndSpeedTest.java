package io.assay.task.llm.model;

import static io.assay.task.llm.model.LmFixtures.LM;
import static io.assay.task.llm.model.LmFixtures.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs load time, speed and sample answers; asserts only that work was done. */
class LoadAndSpeedTest {

  private static final Logger log = LoggerFactory.getLogger(LoadAndSpeedTest.class);

  @Test
  void logsLoadTimeSpeedAndExamples() {
    long start = System.nanoTime();
    ReferenceLm fresh = ReferenceLm.build();
    double loadMs = (System.nanoTime() - start) / 1e6;
    log.info("reference-lm load {} ms ({})", String.format("%.0f", loadMs), fresh.describe());

    int[] prompt = chat("Tell me about music.");
    for (int round = 0; round < 2; round++) { // the first round warms up the JIT
      for (SamplingParams p : List.of(
          new SamplingParams(1, 1, 200, List.of(), 0L, 0),
          new SamplingParams(0.7, 0.9, 200, List.of(), 0L, 5))) {
        long tokens = 0;
        long t0 = System.nanoTime();
        for (long seed = 0; seed < 200; seed++) {
          SamplingParams seeded = new SamplingParams(p.temperature(), p.topP(), p.maxTokens(),
              p.stop(), seed, p.topLogprobs());
          tokens += LM.generate(prompt, seeded, null).tokens().size();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (round == 1) {
          log.info("reference-lm generation: {} tokens/s single thread (temperature {}, top_p {},"
              + " top_logprobs {})", String.format("%.0f", tokens / seconds), p.temperature(),
              p.topP(), p.topLogprobs());
        }
        assertThat(tokens).isPositive();
      }
    }
    for (String q : List.of("Tell me about cooking.", "How do I start investing?",
        "Why did the Roman Empire fall?")) {
      log.info("chat [{}] greedy:{}", q, LM.generate(chat(q), SamplingParams.greedy(60), null)
          .text());
      log.info("chat [{}] seed 1:{}", q, LM.generate(chat(q), SamplingParams.sampled(0.8, 60, 1),
          null).text());
    }
    log.info("completion [The best way to learn Python is] seed 1:{}",
        LM.generate(LM.completionPrompt("The best way to learn Python is"),
            SamplingParams.sampled(0.8, 40, 1), null).text());
  }
}
