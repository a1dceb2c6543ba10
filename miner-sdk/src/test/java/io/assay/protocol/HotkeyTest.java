package io.assay.protocol;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.Json;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HotkeyTest {

  @Test
  void thirtyTwoZeroBytes_encodeAsThirtyTwoOnes() {
    assertThat(Hotkey.of(new byte[32]).value()).isEqualTo("11111111111111111111111111111111");
  }

  @Test
  void base58_matchesKnownVectors() {
    assertThat(Base58.encode("Hello World!".getBytes(US_ASCII))).isEqualTo("2NEpo7TZRRrLZSi2U");
    assertThat(Base58.encode(new byte[] {0, 0, 0x28, 0x7f, (byte) 0xb4, (byte) 0xcd}))
        .isEqualTo("11233QC4");
    assertThat(Base58.decode("11233QC4"))
        .containsExactly(0, 0, 0x28, 0x7f, (byte) 0xb4, (byte) 0xcd);
    assertThat(Base58.encode(new byte[0])).isEmpty();
  }

  @Test
  void allOnesKey_roundTripsAtFortyFourCharacters() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0xff);
    Hotkey hotkey = Hotkey.of(key);

    assertThat(hotkey.value()).hasSize(44);
    assertThat(Hotkey.parse(hotkey.value()).publicKey()).isEqualTo(key);
  }

  @Test
  void generatedIdentity_hotkeyRoundTrips() {
    Hotkey hotkey = Identity.generate().hotkey();

    assertThat(Hotkey.parse(hotkey.toString())).isEqualTo(hotkey);
    assertThat(Hotkey.of(hotkey.publicKey())).isEqualTo(hotkey);
  }

  @Test
  void parse_rejectsGarbageWithAClearMessage() {
    assertThatThrownBy(() -> Hotkey.parse(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing");
    assertThatThrownBy(() -> Hotkey.parse(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a hotkey");
    assertThatThrownBy(() -> Hotkey.parse("0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'0' at position 0 is not a base58 character");
    assertThatThrownBy(() -> Hotkey.parse("abc"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 32");
    assertThatThrownBy(() -> Hotkey.parse("1".repeat(33)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("33 bytes");
    assertThatThrownBy(() -> Hotkey.parse("z".repeat(45)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 45");
    assertThatThrownBy(() -> Hotkey.parse("z".repeat(44)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 32");
  }

  @Test
  void of_rejectsKeysThatAreNot32Bytes() {
    assertThatThrownBy(() -> Hotkey.of(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("31");
  }

  @Test
  void json_isAPlainString() throws Exception {
    Hotkey hotkey = Identity.generate().hotkey();

    String json = Json.MAPPER.writeValueAsString(hotkey);

    assertThat(json).isEqualTo("\"" + hotkey.value() + "\"");
    assertThat(Json.MAPPER.readValue(json, Hotkey.class)).isEqualTo(hotkey);
  }
}
