package io.assay.task.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.InvalidAnswerException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader of whole answers agrees with the tree reader that defines them: the same
 * answer, or the same refusal with the same message, for answers as miners and servers write
 * them and for malformed ones.
 */
class CompletionReaderTest {

  @Test
  void answersAsWritten_readTheSame_chatAndCompletions_withAndWithoutAlternatives() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 500; i++) {
      LlmAnswer answer = randomAnswer(random);
      int top = random.nextInt(3) == 0 ? LlmJson.LOGPROBS_ALL : random.nextInt(4);
      byte[] body = LlmJson.completion(answer, "cmpl-" + i, 1_700_000_000L, "m", top);
      assertSameReading(answer.chat(), body);
      if (answer.chat()) {
        // Chat answers never need the tree; completions' parallel lists always do.
        LlmAnswer read = CompletionReader.readUsual(true, body);
        assertThat(read).as("read without the tree").isNotNull();
        assertThat(read.text()).isEqualTo(answer.text());
        assertThat(read.tokens()).hasSize(answer.tokens().size());
      }
    }
  }

  @Test
  void oddAndMalformedAnswers_areReadOrRefusedAsTheTreeReaderDoes() {
    String tokens = """
        "logprobs":{"content":[{"token":"Hi","logprob":-0.1,"top_logprobs":[{"token":"Hi",\
        "logprob":-0.1},{"token":"Yo","logprob":-2}]},{"token":"!","logprob":-1,"bytes":[33]}]}""";
    List<String> bodies = List.of(
        "", "[]", "null", "{", "{\"choices\":[]}", "{\"choices\":{}}", "{\"choices\":[1]}",
        "{\"choices\":[{\"message\":{\"content\":\"Hi!\"}," + tokens + "}]}",
        "{\"choices\":[{\"message\":{\"content\":\"Hi!\"}," + tokens
            + ",\"finish_reason\":\"stop\"}],\"model\":\"m\",\"usage\":{\"prompt_tokens\":7}}",
        "{\"choices\":[{\"message\":{\"content\":\"Hi!\"}," + tokens
            + ",\"finish_reason\":\"eos\"}]}",
        "{\"choices\":[{\"message\":{\"content\":\"Hi?\"}," + tokens
            + ",\"finish_reason\":\"stop\"}]}",
        "{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":\"stop\"}]}",
        "{\"choices\":[{\"message\":{\"content\":\"\"},\"logprobs\":null,"
            + "\"finish_reason\":\"length\"},{\"text\":\"second\"}],\"usage\":null}",
        "{\"choices\":[{\"message\":{\"content\":\"\"},\"logprobs\":{\"content\":null,"
            + "\"refusal\":null},\"finish_reason\":\"stop\"}]}",
        "{\"choices\":[{\"message\":{\"content\":\"a\"},\"logprobs\":{\"content\":[{\"token\":"
            + "\"a\",\"logprob\":\"-1\"}]},\"finish_reason\":\"stop\"}]}",
        "{\"choices\":[{\"message\":{\"content\":\"a\"},\"logprobs\":{\"content\":[{\"token\":"
            + "\"a\"}]},\"finish_reason\":\"stop\"}]}",
        "{\"choices\":[{\"message\":{\"content\":12},\"finish_reason\":\"stop\"}]}",
        "{\"choices\":[{\"text\":\"ab\",\"logprobs\":{\"tokens\":[\"a\",\"b\"],"
            + "\"token_logprobs\":[-1,null],\"top_logprobs\":[{\"a\":-1,\"c\":-0.5},null]},"
            + "\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":\"3\"}}",
        "{\"choices\":[{\"text\":\"ab\",\"logprobs\":{\"tokens\":[\"a\"],"
            + "\"token_logprobs\":[-1,-2]},\"finish_reason\":\"stop\"}]}",
        "{\"choices\":[{\"message\":{\"content\":\"Hi!\"}," + tokens
            + ",\"finish_reason\":\"stop\"}]} trailing");
    for (String body : bodies) {
      assertSameReading(true, body.getBytes(StandardCharsets.UTF_8));
      assertSameReading(false, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void assertSameReading(boolean chat, byte[] body) {
    Object fast = outcome(() -> CompletionReader.read(chat, body));
    Object tree = outcome(() -> LlmJson.readCompletionTree(chat, body));
    assertThat(fast).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(tree);
  }

  /** The answer read, or the refusal's message. */
  private static Object outcome(java.util.function.Supplier<LlmAnswer> read) {
    try {
      return read.get();
    } catch (InvalidAnswerException e) {
      return "refused: " + e.getMessage();
    }
  }

  private static LlmAnswer randomAnswer(SplittableRandom random) {
    List<LlmAnswer.TokenLogprob> tokens = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int n = random.nextInt(40);
    for (int i = 0; i < n; i++) {
      String token = random.nextInt(10) == 0 ? "\"\\é\n" : " w" + random.nextInt(1000);
      List<LlmAnswer.Alternative> top = new ArrayList<>();
      for (int k = random.nextInt(5); k > 0; k--) {
        top.add(new LlmAnswer.Alternative("a" + k, -random.nextDouble() * 20));
      }
      tokens.add(new LlmAnswer.TokenLogprob(token, -random.nextDouble() * 10, List.copyOf(top)));
      text.append(token);
    }
    return new LlmAnswer(random.nextBoolean(), "m", text.toString(), tokens,
        random.nextBoolean() ? "stop" : "length", random.nextInt(500));
  }
}
