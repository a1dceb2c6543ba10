package io.assay.gateway.attestation;

/**
 * The body of a quote: an SGX enclave report or a TDX TD report. Both end in the 64 bytes of
 * report data the enclave or TD chose (for Assay: a hash binding the validator's nonce and the
 * session key) and both say whether they run in debug mode.
 */
public sealed interface Report permits EnclaveReport, TdReport {

  /** The 64 bytes of report data. */
  byte[] reportData();

  /** Whether the enclave or TD runs in debug mode, where its memory can be read from outside. */
  boolean debug();
}
