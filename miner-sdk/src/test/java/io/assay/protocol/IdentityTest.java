package io.assay.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.Json;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTest {

  @TempDir Path dir;

  @Test
  void signature_verifiesForItsSignerAndMessageOnly() {
    Identity signer = Identity.generate();
    byte[] message = "hello".getBytes(UTF_8);
    byte[] signature = signer.sign(message);

    assertThat(signature).hasSize(64);
    assertThat(Identity.verify(signer.hotkey(), message, signature)).isTrue();
    assertThat(Identity.verify(Identity.generate().hotkey(), message, signature)).isFalse();
    assertThat(Identity.verify(signer.hotkey(), "hellO".getBytes(UTF_8), signature)).isFalse();
  }

  @Test
  void verify_returnsFalseOnMalformedInputInsteadOfThrowing() {
    Identity signer = Identity.generate();
    byte[] message = {1, 2, 3};
    byte[] signature = signer.sign(message);

    assertThat(Identity.verify(null, message, signature)).isFalse();
    assertThat(Identity.verify(signer.hotkey(), null, signature)).isFalse();
    assertThat(Identity.verify(signer.hotkey(), message, null)).isFalse();
    assertThat(Identity.verify(signer.hotkey(), message, new byte[63])).isFalse();
    assertThat(Identity.verify(signer.hotkey(), message, new byte[64])).isFalse();
    byte[] notAPoint = new byte[32];
    java.util.Arrays.fill(notAPoint, (byte) 0xff);
    assertThat(Identity.verify(Hotkey.of(notAPoint), message, signature)).isFalse();
  }

  @Test
  void rfc8032TestVector1_givesTheKnownPublicKeyAndSignature() {
    byte[] seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    Identity identity = Identity.fromSeed(seed);

    assertThat(identity.hotkey().publicKey())
        .isEqualTo(hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
    assertThat(identity.sign(new byte[0])).isEqualTo(hex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"));
  }

  @Test
  void loadOrCreate_createsAKeyFileThatLoadsBackToTheSameIdentity() throws IOException {
    Path file = dir.resolve("keys/nested/miner.json");

    Identity created = Identity.loadOrCreate(file);
    Identity loaded = Identity.load(file);
    Identity again = Identity.loadOrCreate(file);

    assertThat(loaded.hotkey()).isEqualTo(created.hotkey());
    assertThat(again.hotkey()).isEqualTo(created.hotkey());
    byte[] message = {42};
    assertThat(Identity.verify(created.hotkey(), message, loaded.sign(message))).isTrue();
  }

  @Test
  void keyFile_hasHotkeySecretKeyAndCreatedAt() throws IOException {
    Path file = dir.resolve("id.json");
    Identity identity = Identity.loadOrCreate(file);

    JsonNode json = Json.MAPPER.readTree(file.toFile());

    assertThat(json.get("hotkey").asText()).isEqualTo(identity.hotkey().value());
    assertThat(Base64.getDecoder().decode(json.get("secret_key").asText())).hasSize(32);
    assertThat(json.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void keyFile_isReadableByItsOwnerOnly() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
    Path file = dir.resolve("id.json");

    Identity.loadOrCreate(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var leftovers = Files.list(dir)) {
      assertThat(leftovers).containsExactly(file);
    }
  }

  @Test
  void corruptKeyFile_isRefusedNamingTheFileAndLeftUntouched() throws IOException {
    Path file = dir.resolve("id.json");
    Files.writeString(file, "{\"hotkey\": \"abc\", \"secret_key\": tru");

    assertThatThrownBy(() -> Identity.loadOrCreate(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("corrupt");
    assertThat(Files.readString(file)).isEqualTo("{\"hotkey\": \"abc\", \"secret_key\": tru");
  }

  @Test
  void keyFileWithAShortSecret_isRefused() throws IOException {
    Path file = dir.resolve("id.json");
    Files.writeString(file, "{\"secret_key\":\"" + Base64.getEncoder().encodeToString(new byte[31])
        + "\"}");

    assertThatThrownBy(() -> Identity.load(file))
        .isInstanceOf(IOException.class).hasMessageContaining("31 bytes, expected 32");
  }

  @Test
  void keyFileWhoseHotkeyDoesNotMatchItsSecret_isRefused() throws IOException {
    Path file = dir.resolve("id.json");
    Identity.generate().save(file);
    String other = Identity.generate().hotkey().value();
    JsonNode json = Json.MAPPER.readTree(file.toFile());
    Files.writeString(file, "{\"hotkey\":\"" + other + "\",\"secret_key\":\""
        + json.get("secret_key").asText() + "\"}");

    assertThatThrownBy(() -> Identity.load(file))
        .isInstanceOf(IOException.class).hasMessageContaining("does not match");
  }

  @Test
  void save_neverOverwritesAnExistingFile() throws IOException {
    Path file = dir.resolve("id.json");
    Identity first = Identity.loadOrCreate(file);

    assertThatThrownBy(() -> Identity.generate().save(file))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Identity.load(file).hotkey()).isEqualTo(first.hotkey());
  }

  @Test
  void load_ofAMissingFile_throwsNoSuchFile() {
    assertThatThrownBy(() -> Identity.load(dir.resolve("absent.json")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void toString_doesNotRevealTheSecret() throws IOException {
    Path file = dir.resolve("id.json");
    Identity identity = Identity.loadOrCreate(file);
    String secret = Json.MAPPER.readTree(file.toFile()).get("secret_key").asText();

    assertThat(identity.toString()).contains(identity.hotkey().value()).doesNotContain(secret);
  }

  static byte[] hex(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
