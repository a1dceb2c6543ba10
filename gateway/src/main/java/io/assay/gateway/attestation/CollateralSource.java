package io.assay.gateway.attestation;

import java.time.Instant;

/**
 * Where an attested task's collateral comes from: a bundle pinned in the configuration (the
 * offline mode, {@link #pinned}), or a PCCS or Intel's PCS ({@link PccsCollateral}). Either way
 * the verifier refuses a quote on collateral past its next update.
 */
public interface CollateralSource {

  /**
   * The collateral for quotes of a platform of {@code fmspc} (hex) in a {@code tee}, whose PCK
   * certificate was issued by {@code pckCa} ({@code "platform"} or {@code "processor"}), current
   * at {@code now} if any is to be had. May block on the network: call it from a worker.
   *
   * @throws AttestationException ({@link Check#COLLATERAL_DATES}) when none can be had
   */
  Collateral collateral(String fmspc, TeeType tee, String pckCa, Instant now);

  /** The same bundle for every quote, as configured; the verifier checks that it fits. */
  static CollateralSource pinned(Collateral bundle) {
    return (fmspc, tee, pckCa, now) -> bundle;
  }
}
