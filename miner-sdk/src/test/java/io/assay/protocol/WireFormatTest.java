package io.assay.protocol;

import static io.assay.protocol.ProtocolFixture.MINER;
import static io.assay.protocol.ProtocolFixture.VALIDATOR;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Base64;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * Pins the wire format to the documented canonical strings, recomputed here independently
 * (JDK X25519 and HMAC, hand-written HKDF), so another implementation can follow the Javadoc.
 */
class WireFormatTest {

  private final ProtocolFixture fixture = new ProtocolFixture();

  @Test
  void helloSignature_coversTheDocumentedString() {
    SessionHello hello = fixture.initiator.start(MINER.hotkey()).hello();
    String canonical = "assay/session-hello/v1\n" + hello.validator() + "\n" + hello.miner()
        + "\n" + hello.ephemeralKey() + "\n" + hello.nonce() + "\n" + hello.timestamp();

    assertThat(Identity.verify(VALIDATOR.hotkey(), canonical.getBytes(UTF_8),
        Base64.getUrlDecoder().decode(hello.signature()))).isTrue();
  }

  @Test
  void acceptSignature_coversTheDocumentedString() {
    SessionHello hello = fixture.initiator.start(MINER.hotkey()).hello();
    SessionAccept accept = fixture.responder.accept(hello);
    String canonical = "assay/session-accept/v1\n" + accept.validator() + "\n" + accept.miner()
        + "\n" + hello.ephemeralKey() + "\n" + hello.nonce() + "\n" + accept.ephemeralKey()
        + "\n" + accept.sessionId() + "\n" + accept.expiresAt();

    assertThat(Identity.verify(MINER.hotkey(), canonical.getBytes(UTF_8),
        Base64.getUrlDecoder().decode(accept.signature()))).isTrue();
  }

  @Test
  void sessionKey_isHkdfOfTheX25519SecretWithTheDocumentedSaltAndInfo() throws Exception {
    X25519PrivateKeyParameters validatorEphemeral = SessionKeys.newEphemeral();
    X25519PrivateKeyParameters minerEphemeral = SessionKeys.newEphemeral();
    String sessionId = Codec.randomToken();

    byte[] key = SessionKeys.derive(validatorEphemeral,
        minerEphemeral.generatePublicKey().getEncoded(), sessionId, VALIDATOR.hotkey(),
        MINER.hotkey());

    byte[] shared = jdkX25519(minerEphemeral.getEncoded(),
        validatorEphemeral.generatePublicKey().getEncoded());
    byte[] prk = hmac(sessionId.getBytes(UTF_8), shared);
    byte[] info = ("assay/session-key/v1\n" + VALIDATOR.hotkey() + "\n" + MINER.hotkey())
        .getBytes(UTF_8);
    byte[] okm = hmac(prk, concat(info, new byte[] {1}));
    assertThat(key).isEqualTo(okm);
  }

  @Test
  void requestMacDigestAndReceipt_coverTheDocumentedStrings() throws Exception {
    Session session = fixture.openSession();
    byte[] body = "{\"x\":1}".getBytes(UTF_8);
    byte[] answer = "{\"y\":2}".getBytes(UTF_8);
    SignedRequest request = session.sign("post", "/v1/proofs?a=b", body);
    String canonical = "assay/request/v1\nPOST\n/v1/proofs?a=b\n"
        + request.headers().get(ProtocolHeaders.NONCE) + "\n"
        + request.headers().get(ProtocolHeaders.TIMESTAMP) + "\n" + Codec.hex(sha256(body));
    byte[] key = session.keyForTesting();

    assertThat(request.headers().get(ProtocolHeaders.MAC))
        .isEqualTo(b64(hmac(key, canonical.getBytes(UTF_8))));
    assertThat(request.digest()).isEqualTo(sha256(canonical.getBytes(UTF_8)));

    String receipt = fixture.verify("POST", "/v1/proofs?a=b", request, body).receipt(answer);
    String receiptCanonical = "assay/receipt/v1\n" + Codec.hex(request.digest()) + "\n"
        + Codec.hex(sha256(answer));
    assertThat(receipt).isEqualTo(b64(hmac(key, receiptCanonical.getBytes(UTF_8))));
  }

  @Test
  void receiptRootSignature_coversTheDocumentedString() {
    ReceiptLog log = new ReceiptLog(2);
    log.add(3, Codec.b64(Codec.random(32)));
    SignedReceiptRoot root = log.root(3, MINER, VALIDATOR.hotkey());
    String canonical = "assay/receipt-root/v1\n" + root.miner() + "\n" + root.validator()
        + "\n3\n1\n" + root.root();

    assertThat(Identity.verify(MINER.hotkey(), canonical.getBytes(UTF_8),
        Base64.getUrlDecoder().decode(root.signature()))).isTrue();
  }

  private static byte[] jdkX25519(byte[] privateScalar, byte[] peerPublic) throws Exception {
    KeyFactory factory = KeyFactory.getInstance("XDH");
    byte[] littleEndian = peerPublic.clone();
    littleEndian[31] &= 0x7f;
    for (int i = 0; i < 16; i++) {
      byte t = littleEndian[i];
      littleEndian[i] = littleEndian[31 - i];
      littleEndian[31 - i] = t;
    }
    KeyAgreement agreement = KeyAgreement.getInstance("XDH");
    agreement.init(factory.generatePrivate(
        new XECPrivateKeySpec(NamedParameterSpec.X25519, privateScalar)));
    agreement.doPhase(factory.generatePublic(
        new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, littleEndian))), true);
    return agreement.generateSecret();
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
