package io.assay.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import io.assay.task.Json;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 key pair: who a validator or miner is. Signs session handshakes and receipt
 * roots; never used per request (see {@link Session} for that).
 *
 * <p>The key file is JSON, {@code {"hotkey":"...","secret_key":"<base64 of the 32-byte
 * seed>","created_at":"<ISO-8601>"}}, readable by its owner only (mode 600 where the file
 * system has POSIX permissions). A key file is never overwritten: losing a hotkey loses the
 * reputation earned under it, so a corrupt file stops the program with a message naming it.
 *
 * <p>Immutable and thread-safe; {@link #toString()} does not reveal the secret.
 */
public final class Identity {

  private static final int SEED_BYTES = Ed25519PrivateKeyParameters.KEY_SIZE;
  private static final int SIGNATURE_BYTES = Ed25519PrivateKeyParameters.SIGNATURE_SIZE;

  private final Ed25519PrivateKeyParameters privateKey;
  private final Hotkey hotkey;

  private Identity(Ed25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.hotkey = Hotkey.of(privateKey.generatePublicKey().getEncoded());
  }

  /** A new random identity. */
  public static Identity generate() {
    return new Identity(new Ed25519PrivateKeyParameters(Codec.secureRandom()));
  }

  /** The identity of a 32-byte Ed25519 seed (the RFC 8032 private key). */
  static Identity fromSeed(byte[] seed) {
    if (seed == null || seed.length != SEED_BYTES) {
      throw new IllegalArgumentException("an Ed25519 seed has 32 bytes");
    }
    return new Identity(new Ed25519PrivateKeyParameters(seed, 0));
  }

  /**
   * Reads a key file.
   *
   * @throws NoSuchFileException if it does not exist
   * @throws IOException if it cannot be read or is corrupt; the message names the file
   */
  public static Identity load(Path file) throws IOException {
    byte[] content = Files.readAllBytes(file);
    KeyFile keyFile;
    try {
      keyFile = Json.MAPPER.readValue(content, KeyFile.class);
    } catch (JacksonException e) {
      throw corrupt(file, "it is not a JSON key file (" + e.getOriginalMessage() + ")");
    }
    if (keyFile == null || keyFile.secretKey() == null) {
      throw corrupt(file, "it has no secret_key");
    }
    byte[] seed;
    try {
      seed = Base64.getDecoder().decode(keyFile.secretKey());
    } catch (IllegalArgumentException e) {
      throw corrupt(file, "secret_key is not base64");
    }
    if (seed.length != SEED_BYTES) {
      throw corrupt(file, "secret_key has " + seed.length + " bytes, expected 32");
    }
    Identity identity = fromSeed(seed);
    if (keyFile.hotkey() != null && !keyFile.hotkey().equals(identity.hotkey.value())) {
      throw corrupt(file, "hotkey " + keyFile.hotkey()
          + " does not match its secret_key, which belongs to " + identity.hotkey);
    }
    return identity;
  }

  /**
   * Loads the key file, or creates it (and its parent directories) with a new identity if
   * it does not exist. An existing file is never replaced, even if corrupt.
   *
   * @throws IOException if the file is corrupt or cannot be read or written
   */
  public static Identity loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return load(file);
    }
    Identity identity = generate();
    try {
      identity.save(file);
      return identity;
    } catch (FileAlreadyExistsException raced) {
      return load(file);
    }
  }

  /**
   * Writes this identity to a new key file, owner-readable only, creating parent directories.
   * The file appears complete or not at all.
   *
   * @throws FileAlreadyExistsException if the file exists: key files are never overwritten
   */
  public void save(Path file) throws IOException {
    Path target = file.toAbsolutePath();
    boolean posix = target.getFileSystem().supportedFileAttributeViews().contains("posix");
    Path dir = target.getParent();
    if (posix) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
    if (Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString(), null,
          "key files are never overwritten");
    }
    FileAttribute<?>[] attributes = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    Path temp = Files.createTempFile(dir, ".identity-", ".tmp", attributes);
    try {
      byte[] seed = privateKey.getEncoded();
      KeyFile keyFile = new KeyFile(hotkey.value(), Base64.getEncoder().encodeToString(seed),
          Instant.now().toString());
      Files.write(temp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(keyFile));
      publish(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Moves the finished file into place without ever replacing an existing one. */
  private static void publish(Path temp, Path target) throws IOException {
    try {
      Files.createLink(target, temp);
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(target.toString(), null,
          "key files are never overwritten");
    } catch (UnsupportedOperationException | IOException noHardLinks) {
      Files.move(temp, target);
    }
  }

  /** This identity's public key, printable. */
  public Hotkey hotkey() {
    return hotkey;
  }

  /** The 64-byte Ed25519 signature of {@code message}. */
  public byte[] sign(byte[] message) {
    Objects.requireNonNull(message, "message");
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, privateKey);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  /**
   * Whether {@code signature} is {@code signer}'s Ed25519 signature of {@code message}.
   * False for any malformed input (null, wrong length, a key that is not a curve point);
   * never throws.
   */
  public static boolean verify(Hotkey signer, byte[] message, byte[] signature) {
    if (signer == null || message == null || signature == null
        || signature.length != SIGNATURE_BYTES) {
      return false;
    }
    try {
      Ed25519Signer verifier = new Ed25519Signer();
      verifier.init(false, new Ed25519PublicKeyParameters(signer.publicKey(), 0));
      verifier.update(message, 0, message.length);
      return verifier.verifySignature(signature);
    } catch (RuntimeException invalidKey) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "Identity[" + hotkey + "]";
  }

  private static IOException corrupt(Path file, String why) {
    return new IOException("Identity key file " + file.toAbsolutePath() + " is corrupt: " + why
        + ". It is left untouched; restore it from a backup or move it away to create a new"
        + " identity.");
  }

  private record KeyFile(
      @JsonProperty("hotkey") String hotkey,
      @JsonProperty("secret_key") String secretKey,
      @JsonProperty("created_at") String createdAt) {}
}
