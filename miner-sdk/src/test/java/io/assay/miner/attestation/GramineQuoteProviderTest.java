package io.assay.miner.attestation;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No enclave here: a temp directory stands in for Gramine's {@code /dev/attestation}, so
 * these tests check the file protocol, not a real quote.
 */
class GramineQuoteProviderTest {

  @TempDir Path attestation;

  @Test
  void outsideAnEnclave_isUnavailable_andQuotingSaysWhy() {
    GramineQuoteProvider provider = new GramineQuoteProvider(attestation);

    assertThat(provider.available()).isFalse();
    assertThatThrownBy(() -> provider.quote(new byte[64]))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining("not running in a Gramine SGX enclave")
        .hasMessageContaining(attestation.resolve("quote").toString())
        .hasMessageContaining("sgx.remote_attestation = \"dcap\"");
  }

  @Test
  void quote_writesTheReportDataThenReadsTheQuote() throws IOException {
    Files.write(attestation.resolve("attestation_type"), "dcap".getBytes(US_ASCII));
    Files.write(attestation.resolve("user_report_data"), new byte[64]);
    Files.write(attestation.resolve("quote"), new byte[] {3, 0, 2, 0});
    GramineQuoteProvider provider = new GramineQuoteProvider(attestation);
    byte[] reportData = new byte[64];
    reportData[0] = 42;
    reportData[63] = 7;

    assertThat(provider.available()).isTrue();
    assertThat(provider.tee()).isEqualTo("sgx");
    assertThat(provider.quote(reportData)).containsExactly(3, 0, 2, 0);
    assertThat(Files.readAllBytes(attestation.resolve("user_report_data"))).isEqualTo(reportData);
  }

  @Test
  void quote_refusesAnEpidEnclave() throws IOException {
    Files.write(attestation.resolve("attestation_type"), "epid\n".getBytes(US_ASCII));
    Files.write(attestation.resolve("user_report_data"), new byte[64]);
    Files.write(attestation.resolve("quote"), new byte[] {1});

    assertThatThrownBy(() -> new GramineQuoteProvider(attestation).quote(new byte[64]))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining("\"epid\", not \"dcap\"");
  }

  @Test
  void quote_refusesReportDataThatIsNot64Bytes() throws IOException {
    Files.write(attestation.resolve("quote"), new byte[] {1});

    assertThatThrownBy(() -> new GramineQuoteProvider(attestation).quote(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("report data must be 64 bytes, got 32");
  }
}
