package io.assay.gateway.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import io.assay.miner.attestation.TestAttestationAuthority;
import io.assay.miner.attestation.TestQuoteProvider;
import io.assay.protocol.AttestationBinding;
import io.assay.protocol.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tasks[].attestation}: its files read at start, and every bad one named by its key. */
class TaskAttestationConfigTest {

  @TempDir
  Path dir;

  private static TaskAttestation read(String yaml, Path baseDir) {
    return TaskAttestation.read(ConfigNode.parse(yaml, Map.of()).section("attestation"),
        baseDir);
  }

  @Test
  void aTestRootCollateralAndPolicy_judgeTheTestAuthoritysQuotes() throws Exception {
    TestAttestationAuthority authority = TestAttestationAuthority.create();
    TestQuoteProvider enclave = TestQuoteProvider.create(authority);
    Files.write(dir.resolve("root.der"), authority.rootCertificate().getEncoded());
    Files.writeString(dir.resolve("collateral.json"), enclave.collateral().toJson());
    Files.writeString(dir.resolve("policy.yaml"), "accepted_tcb_statuses: [UpToDate]\n");
    TaskAttestation attestation = read("""
        attestation:
          root: root.der
          collateral: collateral.json
          policy: policy.yaml
        """, dir);
    byte[] reportData = AttestationBinding.reportData(new byte[32], new byte[32],
        Identity.generate().hotkey());
    assertThat(attestation.judge(enclave.quote(reportData), reportData, Instant.now()).valid())
        .isTrue();
  }

  @Test
  void missingOrUnusableFiles_andUnknownKeys_areRefusedNamingTheKey() throws Exception {
    Files.writeString(dir.resolve("bad.json"), "{\"tcb_info\": 1}");
    assertThatThrownBy(() -> read("attestation: {root: intel}", dir))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'collateral'")
        .hasMessageContaining("'pccs_url'").hasMessageContaining("neither");
    assertThatThrownBy(() -> read("attestation: {collateral: a.json, pccs_url: 'https://x'}",
        dir)).isInstanceOf(ConfigException.class).hasMessageContaining("both");
    assertThatThrownBy(() -> read("attestation: {pccs_url: 'ftp://pccs'}", dir))
        .isInstanceOf(ConfigException.class).hasMessageContaining("attestation.pccs_url");
    assertThatThrownBy(() -> read("attestation: {collateral: nowhere.json}", dir))
        .isInstanceOf(ConfigException.class).hasMessageContaining("attestation.collateral")
        .hasMessageContaining("nowhere.json");
    assertThatThrownBy(() -> read("attestation: {collateral: bad.json}", dir))
        .isInstanceOf(ConfigException.class).hasMessageContaining("attestation.collateral");
    assertThatThrownBy(() -> read("attestation: {collateral: bad.json, root: bad.json}", dir))
        .isInstanceOf(ConfigException.class).hasMessageContaining("attestation.root");
    Files.writeString(dir.resolve("collateral.json"), TestQuoteProvider.create(
        TestAttestationAuthority.create()).collateral().toJson());
    Files.writeString(dir.resolve("policy.yaml"), "allow_everything: true\n");
    assertThatThrownBy(() -> read("attestation: {collateral: collateral.json,"
        + " policy: policy.yaml}", dir))
        .isInstanceOf(ConfigException.class).hasMessageContaining("attestation.policy")
        .hasMessageContaining("allow_everything");
    assertThatThrownBy(() -> read("attestation: {collateral: collateral.json, tee: sgx}", dir))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tee");
  }
}
