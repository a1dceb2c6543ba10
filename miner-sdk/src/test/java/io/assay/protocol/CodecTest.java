package io.assay.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CodecTest {

  @Test
  void base64url_isUnpaddedAndStrict() {
    byte[] bytes = Codec.random(16);
    String text = Codec.b64(bytes);

    assertThat(text).hasSize(22).doesNotContain("=");
    assertThat(Codec.unb64(text, 16)).isEqualTo(bytes);
    assertThat(Codec.unb64(text + "==", 16)).isNull();
    assertThat(Codec.unb64(text, 32)).isNull();
    assertThat(Codec.unb64(text.substring(0, 21) + "+", 16)).isNull();
    assertThat(Codec.unb64(null, 16)).isNull();
  }

  @Test
  void base64url_refusesNonCanonicalTrailingBits() {
    String zeros = Codec.b64(new byte[16]);

    assertThat(zeros).isEqualTo("AAAAAAAAAAAAAAAAAAAAAA");
    assertThat(Codec.unb64("AAAAAAAAAAAAAAAAAAAAAB", 16)).isNull();
    assertThat(Codec.unb64("AAAAAAAAAAAAAAAAAAAAAQ", 16)).isNotNull();
  }

  @Test
  void hex_isLowercase() {
    assertThat(Codec.hex(new byte[] {0x00, (byte) 0xab, 0x7f})).isEqualTo("00ab7f");
  }
}
