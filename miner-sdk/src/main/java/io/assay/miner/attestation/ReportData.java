package io.assay.miner.attestation;

import io.assay.protocol.AttestationBinding;



/**
 * The 64 report-data bytes of an attested session's quote:
 *
 * <pre>SHA-512("assay-attest-v1" || nonce || x25519PublicKey || hotkey)</pre>
 *
 * with the domain string and the hotkey as UTF-8 bytes, the validator's 32-byte nonce and
 * the miner's 32-byte ephemeral X25519 public key raw.
 *
 * <p>Why each part: the nonce makes a quote fresh (an old quote cannot be replayed into a new
 * session); the X25519 key ties the quote to the key the session is derived from, so the
 * party that proved it runs in an enclave is the only one able to read the encrypted
 * requests; the hotkey ties it to the miner being scored, so one enclave's quote cannot be
 * lent to another miner; the domain string keeps these bytes from meaning anything in
 * another protocol. SHA-512 fills the report data field exactly, and every part before the
 * hotkey has a fixed length, so the concatenation is unambiguous.
 */
public final class ReportData {

  /** Size of an SGX/TDX report data field. */
  public static final int SIZE = 64;

  /** Domain separation string, hashed first. */
  public static final String DOMAIN = "assay-attest-v1";

  /** Length of the validator's nonce. */
  public static final int NONCE_BYTES = 32;

  /** Length of a raw X25519 public key. */
  public static final int X25519_KEY_BYTES = 32;

  private ReportData() {}

  /**
   * The report data binding a quote to one session.
   *
   * @param nonce the validator's fresh 32-byte nonce from {@code POST /session}
   * @param x25519PublicKey the miner's ephemeral X25519 public key, 32 raw bytes
   * @param hotkey the miner's hotkey in its printable form
   * @return 64 bytes
   * @throws IllegalArgumentException on a wrong length or an empty hotkey
   */
  public static byte[] bind(byte[] nonce, byte[] x25519PublicKey, String hotkey) {
    return AttestationBinding.reportData(nonce, x25519PublicKey, hotkey);
  }
}
