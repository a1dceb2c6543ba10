package io.assay.miner.attestation;

import io.assay.protocol.AttestationBinding;

/**
 * Produces Intel DCAP quotes for an attested task: the evidence that this miner's code runs
 * inside an SGX enclave (or a TDX trust domain) on a genuine, up-to-date platform.
 *
 * <p>A quote carries 64 bytes of report data chosen by the enclave; the miner fills them with
 * {@link ReportData#bind}, so a quote proves that the enclave holds the session key of this
 * handshake, answers this validator's fresh nonce, and serves under this hotkey. A quote
 * alone proves nothing about freshness or the session: only that binding does.
 *
 * <p>Implementations: {@link GramineQuoteProvider} inside a Gramine enclave (production), and
 * {@link TestQuoteProvider}, signing with a {@link TestAttestationAuthority} (tests and
 * devnets only; no real validator trusts its root).
 *
 * <p>Implementations are thread-safe. {@link #quote} blocks (a real quoting enclave takes
 * milliseconds to tens of milliseconds), so call it from a worker, never from an event loop.
 */
public interface QuoteProvider extends AttestationBinding.Quoter {

  /** The TEE this provider attests: {@code "sgx"} or {@code "tdx"}. */
  String tee();

  /**
   * A DCAP quote whose report data are exactly {@code reportData}.
   *
   * @param reportData 64 bytes, normally from {@link ReportData#bind}
   * @return the raw quote bytes, in Intel's format (version 3 for SGX, 4 for TDX), with the
   *     PCK certificate chain inside (certification data type 5)
   * @throws IllegalArgumentException if {@code reportData} is not 64 bytes
   * @throws AttestationException if no quote can be produced; the message says why
   */
  @Override
  byte[] quote(byte[] reportData);
}
