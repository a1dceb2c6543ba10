package io.assay.task.llm;

import static io.assay.task.llm.UpstreamFixtures.CHAT_STREAM;
import static io.assay.task.llm.UpstreamFixtures.COMPLETION_STREAM;
import static io.assay.task.llm.UpstreamFixtures.HELLO;
import static io.assay.task.llm.UpstreamFixtures.PUBLIC_MODEL;
import static io.assay.task.llm.UpstreamFixtures.chatChunk;
import static io.assay.task.llm.UpstreamFixtures.chatRoleChunk;
import static io.assay.task.llm.UpstreamFixtures.textChunk;
import static io.assay.task.llm.UpstreamFixtures.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.InvalidAnswerException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Re-rendering upstream chunks: however a server packages its stream, ours comes out the same. */
class UpstreamStreamTest {

  private static final String SOURCE = "upstream POST http://gpu-1:8000/v1/chat/completions";

  private final List<String> sent = new ArrayList<>();
  private final UpstreamStream chat = new UpstreamStream(CHAT_STREAM,
      chunk -> sent.add(new String(chunk, StandardCharsets.UTF_8)), SOURCE);

  @Test
  void llamaCppAndOllamaPackaging_comeOutByteForByteAsVllms() {
    List<String> vllm = render(chatRoleChunk(), chatChunk(HELLO.subList(0, 1), null),
        chatChunk(HELLO.subList(1, 2), null), chatChunk(HELLO.subList(2, 3), "stop"),
        usageChunk(true, 12, 3));
    // llama.cpp: no role-only chunk, the role rides on the first token; finish in an empty delta.
    String firstWithRole = chatChunk(HELLO.subList(0, 1), null)
        .replace("\"delta\":{", "\"delta\":{\"role\":\"assistant\",");
    String emptyFinish = chatChunk("", List.of(), "stop")
        .replace("\"content\":\"\"", "").replace("\"logprobs\":{\"content\":[]}",
            "\"logprobs\":null");
    List<String> llamaCpp = render(firstWithRole, chatChunk(HELLO.subList(1, 2), null),
        chatChunk(HELLO.subList(2, 3), null), emptyFinish, usageChunk(true, 12, 3));
    // Ollama: an empty keep-alive chunk in the middle, usage sent on the finish chunk itself.
    String finishWithUsage = chatChunk(HELLO.subList(2, 3), "stop")
        .replace("\"usage\":null", "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3}");
    List<String> ollama = render(chatRoleChunk(), chatChunk(HELLO.subList(0, 1), null),
        chatChunk("", List.of(), null), chatChunk(HELLO.subList(1, 2), null), finishWithUsage);

    assertThat(llamaCpp).isEqualTo(vllm);
    assertThat(ollama).isEqualTo(vllm);
  }

  @Test
  void severalTokensInOneUpstreamChunk_stayOneChunk() {
    chat.accept(chatRoleChunk());
    chat.accept(chatChunk(HELLO, "length"));
    LlmAnswer answer = chat.finish();

    assertThat(sent).hasSize(4); // role, the three tokens, finish, usage
    assertThat(UpstreamFixtures.tokensOf(UpstreamFixtures.tree(sent.get(1)))).isEqualTo(HELLO);
    assertThat(answer).isEqualTo(
        new LlmAnswer(true, PUBLIC_MODEL, "Héllo wörld!", HELLO, "length", 0));
  }

  @Test
  void withoutUsage_promptTokensAreZero() {
    UpstreamStream text = new UpstreamStream(COMPLETION_STREAM, chunk -> { }, SOURCE);
    text.accept(textChunk(HELLO, 0, "stop"));

    assertThat(text.finish().promptTokens()).isZero();
  }

  @Test
  void tokensAfterTheFinish_areInvalid() {
    chat.accept(chatChunk(HELLO.subList(0, 1), "stop"));

    assertThatThrownBy(() -> chat.accept(chatChunk(HELLO.subList(1, 2), null)))
        .isInstanceOf(InvalidAnswerException.class)
        .hasMessageStartingWith(SOURCE)
        .hasMessageContaining("follows the chunk with the finish_reason");
  }

  @Test
  void aNullLegacyLogprob_isInvalid() {
    UpstreamStream text = new UpstreamStream(COMPLETION_STREAM, chunk -> { }, SOURCE);
    String chunk = textChunk(HELLO.subList(0, 1), 0, null)
        .replace("\"token_logprobs\":[-0.31250000000000006]", "\"token_logprobs\":[null]");

    assertThatThrownBy(() -> text.accept(chunk)).isInstanceOf(InvalidAnswerException.class)
        .hasMessageContaining("has no logprob");
  }

  @Test
  void aChunkThatIsNotJson_isInvalid_andNothingIsSent() {
    assertThatThrownBy(() -> chat.accept("{\"choices\":[")).isInstanceOf(
        InvalidAnswerException.class).hasMessageContaining("not valid JSON");
    assertThat(sent).isEmpty();
  }

  @Test
  void anEmptyStream_isInvalid() {
    assertThatThrownBy(chat::finish).isInstanceOf(InvalidAnswerException.class)
        .hasMessageContaining("without a finish_reason (it sent no chunk at all)");
  }

  private static List<String> render(String... upstreamChunks) {
    List<String> out = new ArrayList<>();
    UpstreamStream stream = new UpstreamStream(CHAT_STREAM,
        chunk -> out.add(new String(chunk, StandardCharsets.UTF_8)), SOURCE);
    for (String c : upstreamChunks) {
      stream.accept(c);
    }
    stream.finish();
    return out;
  }
}
