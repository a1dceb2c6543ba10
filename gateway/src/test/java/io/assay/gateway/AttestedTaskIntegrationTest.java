package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.assay.gateway.attestation.AttestationPolicy;
import io.assay.gateway.attestation.Collateral;
import io.assay.gateway.attestation.CollateralSource;
import io.assay.gateway.attestation.QuoteVerifier;
import io.assay.gateway.attestation.TaskAttestation;
import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.config.GatewayConfig.MinerEntry;
import io.assay.miner.Miner;
import io.assay.miner.TaskOffer;
import io.assay.miner.Workers;
import io.assay.miner.attestation.TestAttestationAuthority;
import io.assay.miner.attestation.TestQuoteProvider;
import io.assay.protocol.AttestedBodies;
import io.assay.protocol.Identity;
import io.assay.task.Backend;
import io.assay.task.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 end to end: an llm task that must run in a TEE, a miner attested by the test
 * authority and one in no TEE. The official OpenAI client's chats all go to the attested miner,
 * their prompts sealed on the wire (what a proxy in front of the miner sees is ciphertext); the
 * other miner gets none of them.
 */
class AttestedTaskIntegrationTest {

  private static final String PROMPT = "a secret about the harvest moon";

  @Test
  void anAttestedTask_goesOnlyToTheAttestedMiner_withItsPromptSealed() throws Exception {
    TestAttestationAuthority authority = TestAttestationAuthority.create();
    TestQuoteProvider enclave = TestQuoteProvider.create(authority);
    TaskAttestation attestation = new TaskAttestation(
        new QuoteVerifier(authority.rootCertificate()),
        CollateralSource.pinned(Collateral.fromQvlJson(enclave.collateral().toJson())),
        AttestationPolicy.PERMISSIVE);
    GatewayConfig config = ConfigFiles.load(null, Map.of("ASSAY_SYNTHETIC_ENABLED", "false",
            "ASSAY_CHECKING_EMBEDDED", "false"))
        .withPort(0).withDataDir(TestDevnets.tempDir("assay-attested"))
        .withTasksOf(Set.of("llm")).withTasks("llm", t -> t.withAttestation(attestation));
    Identity validator = Identity.loadOrCreate(config.identityFile());
    TaskSpec spec = new TaskSpec("llm", "reference-lm", 1_000_000, 256);
    ExecutorService workers = Workers.inference();
    Backend reference = LlmTestGateway.KIND.referenceBackend(spec, workers).orElseThrow();
    List<Miner> miners = new ArrayList<>();
    List<HostileMinerProxy> proxies = new ArrayList<>();
    Gateway gateway = null;
    try {
      for (String name : List.of("enclave", "plain")) {
        Miner.Builder builder = Miner.builder().name(name).identity(Identity.generate())
            .acceptValidators(validator.hotkey()::equals).periodLength(config.period())
            .offer(new TaskOffer(LlmTestGateway.KIND, spec, reference, spec.maxCapacity(), 4));
        if (name.equals("enclave")) {
          builder.quoteProvider(enclave);
        }
        Miner miner = builder.build();
        miner.start().toCompletableFuture().join();
        miners.add(miner);
      }
      List<MinerEntry> entries = new ArrayList<>();
      for (Miner miner : miners) {
        entries.add(new MinerEntry(miner.name(), HostileMinerProxy.inFront(miner, proxies),
            miner.hotkey().value()));
      }
      gateway = Gateway.builder(config).miners(entries).start();
      Gateway started = gateway;
      String key = gateway.call(() -> started.keys().create("test", ApiKey.Role.USER, 0), "key");
      OpenAIClient client = OpenAIOkHttpClient.builder()
          .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").apiKey(key).maxRetries(0)
          .build();

      for (int i = 0; i < 6; i++) {
        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse()
            .create(ChatCompletionCreateParams.builder().model("reference-lm")
                .addUserMessage(PROMPT + " " + i).maxCompletionTokens(8).build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().values("X-Assay-Miner")).containsExactly("enclave");
        assertThat(response.parse().choices()).hasSize(1);
      }
      List<HostileMinerProxy.Seen> atEnclave = proxies.get(0).seen();
      assertThat(atEnclave).filteredOn(s -> s.path().equals("/v1/chat/completions"))
          .hasSize(6)
          .allSatisfy(s -> {
            assertThat(s.headers()).containsEntry(AttestedBodies.HEADER.toLowerCase(),
                AttestedBodies.CIPHER);
            assertThat(s.body()).doesNotContain("harvest").doesNotContain("reference-lm");
          });
      assertThat(proxies.get(1).seen()).noneMatch(s -> s.path().equals("/v1/chat/completions"));
    } finally {
      if (gateway != null) {
        gateway.close();
      }
      miners.forEach(Miner::close);
      proxies.forEach(HostileMinerProxy::close);
      workers.shutdownNow();
    }
  }
}
