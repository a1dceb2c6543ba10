package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.devnet.Devnet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 6 on a devnet ({@code devnet --attest llm --attested-miners 1}): the devnet's
 * test authority attests its first miner, whose enclave alone serves the attested llm task
 * through the official OpenAI client; the other miner, in no TEE, gets none of it and still
 * serves the tasks that need no TEE.
 */
class DevnetAttestationIntegrationTest {

  @Test
  void anAttestedTask_onADevnet_isServedOnlyByItsMinerInTheTestEnclave() throws Exception {
    GatewayConfig config = ConfigFiles.load(null, Map.of("ASSAY_SYNTHETIC_ENABLED", "false"))
        .withPort(0).withTasksOf(Set.of("llm", "embeddings"));
    try (Devnet devnet = Devnet.start(config, TestDevnets.tempDir("assay-devnet-attested"), 2,
        new Devnet.Enclaves(Set.of("llm"), 1))) {
      OpenAIClient client = TestDevnets.openAiClient(devnet);
      for (int i = 0; i < 6; i++) {
        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse()
            .create(ChatCompletionCreateParams.builder().model("reference-lm")
                .addUserMessage("a private question " + i).maxCompletionTokens(8).build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().values("X-Assay-Miner")).containsExactly("miner-1");
      }
      Set<String> embedders = new HashSet<>();
      for (int i = 0; i < 12; i++) {
        embedders.addAll(client.embeddings().withRawResponse()
            .create(com.openai.models.embeddings.EmbeddingCreateParams.builder()
                .model("all-MiniLM-L6-v2").input("open text " + i).build())
            .headers().values("X-Assay-Miner"));
      }
      assertThat(embedders).contains("miner-2"); // in no TEE, still serving the rest
    }
  }
}
