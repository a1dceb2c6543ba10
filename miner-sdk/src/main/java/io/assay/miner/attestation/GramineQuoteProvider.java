package io.assay.miner.attestation;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.assay.protocol.AttestationBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Quotes from inside a Gramine SGX enclave, through Gramine's attestation pseudo-files.
 *
 * <p>Gramine (with {@code sgx.remote_attestation = "dcap"} in the manifest) exposes
 * {@code /dev/attestation}: writing 64 bytes to {@code user_report_data} sets the report data
 * of the enclave's next report, and reading {@code quote} has the platform's quoting enclave
 * turn that report into a DCAP quote (version 3, PCK chain inside). Outside an enclave the
 * files do not exist, which {@link #available()} reports and {@link #quote} turns into a
 * clear {@link AttestationException}.
 *
 * <p>The pair of files is process-wide state (the report data written is the one the next
 * read quotes), so one write-then-read runs at a time; quotes are per session, not per
 * request, so the lock costs nothing that matters.
 */
public final class GramineQuoteProvider implements QuoteProvider {

  /** Where Gramine mounts its attestation pseudo-files. */
  public static final Path DEFAULT_BASE = Path.of("/dev/attestation");

  private final Path base;
  private final Object lock = new Object();

  /** A provider reading Gramine's pseudo-files under {@code base} (a test passes a temp dir). */
  public GramineQuoteProvider(Path base) {
    this.base = base;
  }

  /** A provider at {@link #DEFAULT_BASE}. */
  public static GramineQuoteProvider atDevAttestation() {
    return new GramineQuoteProvider(DEFAULT_BASE);
  }

  /** Whether this process runs in a Gramine enclave that can quote: the quote file exists. */
  public boolean available() {
    return Files.exists(base.resolve("quote"));
  }

  @Override
  public String tee() {
    return "sgx";
  }

  @Override
  public byte[] quote(byte[] reportData) {
    AttestationBinding.requireLength("report data", reportData, ReportData.SIZE);
    if (!available()) {
      throw new AttestationException(
          "not running in a Gramine SGX enclave: "
              + base.resolve("quote")
              + " does not exist (run the miner under gramine-sgx with"
              + " sgx.remote_attestation = \"dcap\", see miner-sdk/ATTESTATION.md)");
    }
    requireDcap();
    synchronized (lock) {
      try {
        Files.write(base.resolve("user_report_data"), reportData, StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new AttestationException(
            "could not write the report data to " + base.resolve("user_report_data"), e);
      }
      byte[] quote;
      try {
        quote = Files.readAllBytes(base.resolve("quote"));
      } catch (IOException e) {
        throw new AttestationException(
            "the quoting enclave refused a quote (reading "
                + base.resolve("quote")
                + "); is the DCAP quote provider library (libsgx-dcap-default-qpl) configured?",
            e);
      }
      if (quote.length == 0) {
        throw new AttestationException("reading " + base.resolve("quote") + " gave no quote");
      }
      return quote;
    }
  }

  /** Gramine may be configured for EPID, whose quotes our validators do not accept. */
  private void requireDcap() {
    Path typeFile = base.resolve("attestation_type");
    String type;
    try {
      type = new String(Files.readAllBytes(typeFile), US_ASCII).trim();
    } catch (NoSuchFileException e) {
      return; // older Gramine releases have no such file; the quote itself will tell
    } catch (IOException e) {
      throw new AttestationException("could not read " + typeFile, e);
    }
    if (!type.equals("dcap")) {
      throw new AttestationException(
          "Gramine's attestation type is \""
              + type
              + "\", not \"dcap\": set sgx.remote_attestation = \"dcap\" in the manifest");
    }
  }
}
