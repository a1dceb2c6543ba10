package io.assay.miner.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ReportDataTest {

  private static final byte[] NONCE = range(0, 32);
  private static final byte[] X25519_KEY = range(32, 64);
  private static final String HOTKEY = "GEfpDxdYvvrT9XL2Uw1U5b4tvWAKBuqfXhC4GnaTtADj";

  @Test
  void bind_isSha512OfDomainNonceKeyAndHotkey_pinnedVector() {
    // python3: hashlib.sha512(b"assay-attest-v1" + bytes(range(32)) + bytes(range(32, 64))
    //                         + b"GEfpDxdYvvrT9XL2Uw1U5b4tvWAKBuqfXhC4GnaTtADj").hexdigest()
    assertThat(HexFormat.of().formatHex(ReportData.bind(NONCE, X25519_KEY, HOTKEY)))
        .isEqualTo(
            "fc42dbc59fecdf6e3d54fd25c13fa3673f6e02a86b018aee7bc04a60894d9f93"
                + "7e7df01769a65b1b628541368c2637e1a4537f73e26c20eddfff95409fb7f384");
  }

  @Test
  void bind_fillsTheReportDataFieldExactly() {
    assertThat(ReportData.bind(NONCE, X25519_KEY, HOTKEY)).hasSize(ReportData.SIZE);
  }

  @Test
  void bind_changesWithEveryPart() {
    byte[] reference = ReportData.bind(NONCE, X25519_KEY, HOTKEY);
    byte[] otherNonce = NONCE.clone();
    otherNonce[31] ^= 1;
    byte[] otherKey = X25519_KEY.clone();
    otherKey[0] ^= 1;

    assertThat(ReportData.bind(otherNonce, X25519_KEY, HOTKEY)).isNotEqualTo(reference);
    assertThat(ReportData.bind(NONCE, otherKey, HOTKEY)).isNotEqualTo(reference);
    assertThat(ReportData.bind(NONCE, X25519_KEY, HOTKEY + "x")).isNotEqualTo(reference);
  }

  @Test
  void bind_refusesWrongLengthsAndAMissingHotkey() {
    assertThatThrownBy(() -> ReportData.bind(new byte[31], X25519_KEY, HOTKEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nonce must be 32 bytes, got 31");
    assertThatThrownBy(() -> ReportData.bind(NONCE, new byte[33], HOTKEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("X25519 public key must be 32 bytes, got 33");
    assertThatThrownBy(() -> ReportData.bind(null, X25519_KEY, HOTKEY))
        .hasMessage("nonce must be 32 bytes, got none");
    assertThatThrownBy(() -> ReportData.bind(NONCE, X25519_KEY, ""))
        .hasMessage("the miner hotkey is missing");
  }

  private static byte[] range(int from, int to) {
    byte[] bytes = new byte[to - from];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (from + i);
    }
    return bytes;
  }
}
