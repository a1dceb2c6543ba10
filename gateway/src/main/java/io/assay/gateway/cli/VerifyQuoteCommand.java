package io.assay.gateway.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.cli.CommandLines;
import io.assay.gateway.attestation.AttestationException;
import io.assay.gateway.attestation.AttestationPolicy;
import io.assay.gateway.attestation.Collateral;
import io.assay.gateway.attestation.QuoteVerifier;
import io.assay.gateway.attestation.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code verify-quote}: one DCAP quote against its collateral, offline, pinned to the Intel SGX
 * Root CA; prints the verdict as one JSON object. The policy file's keys are those of {@link
 * AttestationPolicy} (tee, mrenclave, mrsigner, mrtd, rtmr, accepted_tcb_statuses,
 * accepted_advisories, allow_debug).
 */
@Command(name = "verify-quote", description = {"Verifies an SGX (v3) or TDX (v4, v5) DCAP"
    + " quote against its collateral (the QVL JSON form), offline, with the Intel SGX Root CA"
    + " pinned. Prints {\"valid\",\"tee\",\"tcb_status\",\"advisories\",\"mrenclave\"|\"mrtd\","
    + "\"report_data\",\"reason\"}.",
    "Without --policy any measurement and TCB status is accepted and reported (Revoked never),"
        + " and debug enclaves are refused.",
    "Exit 0 when valid, 1 when not, 2 for a bad argument."})
final class VerifyQuoteCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec
  private CommandSpec spec;

  @Option(names = "--quote", paramLabel = "FILE", required = true,
      description = "the quote, binary")
  private Path quote;

  @Option(names = "--collateral", paramLabel = "FILE", required = true,
      description = "its collateral: issuer chains, CRLs, TCB info and QE identity (QVL JSON)")
  private Path collateral;

  @Option(names = "--now", paramLabel = "ISO",
      description = "verify as of this time, e.g. 2026-03-01T00:00:00Z (default: now)")
  private String now;

  @Option(names = "--report-data", paramLabel = "HEX",
      description = "the report data expected, up to 64 bytes (shorter is padded with zeros)")
  private String reportData;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "a JSON or YAML policy: tee, mrenclave, mrsigner, mrtd, rtmr,"
          + " accepted_tcb_statuses, accepted_advisories, allow_debug")
  private Path policy;

  @Override
  public Integer call() throws JsonProcessingException {
    byte[] quoteBytes = read("--quote", quote);
    Collateral parsed;
    try {
      parsed = Collateral.fromQvlJson(new String(read("--collateral", collateral),
          StandardCharsets.UTF_8));
    } catch (AttestationException e) {
      throw CommandLines.usageError(spec, "--collateral " + collateral + ": " + e.getMessage());
    }
    AttestationPolicy rules = AttestationPolicy.PERMISSIVE;
    if (policy != null) {
      try {
        rules = AttestationPolicy.parse(new String(read("--policy", policy),
            StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw CommandLines.usageError(spec, "--policy " + policy + ": " + e.getMessage());
      }
    }
    Verdict verdict = QuoteVerifier.pinnedToIntel().verify(quoteBytes, parsed, time(),
        expectedReportData(), rules);
    System.out.println(JSON.writeValueAsString(json(verdict)));
    return verdict.valid() ? 0 : 1;
  }

  private Instant time() {
    if (now == null) {
      return Instant.now();
    }
    try {
      return Instant.parse(now);
    } catch (DateTimeParseException notAnInstant) {
      try {
        return LocalDate.parse(now).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e) {
        throw CommandLines.usageError(spec, "--now expects an ISO-8601 time such as"
            + " 2026-03-01T00:00:00Z (or a date, 2026-03-01), not '" + now + "'");
      }
    }
  }

  private byte[] expectedReportData() {
    if (reportData == null) {
      return null;
    }
    try {
      String hex = reportData.startsWith("0x") ? reportData.substring(2) : reportData;
      byte[] bytes = HexFormat.of().parseHex(hex);
      if (bytes.length > 64) {
        throw new IllegalArgumentException();
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      throw CommandLines.usageError(spec, "--report-data expects up to 64 bytes of hex, not '"
          + reportData + "'");
    }
  }

  private byte[] read(String option, Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw CommandLines.usageError(spec, option + " " + file + " cannot be read ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  private static Map<String, Object> json(Verdict verdict) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("valid", verdict.valid());
    out.put("tee", verdict.tee());
    out.put("tcb_status", verdict.tcbStatus());
    out.put("advisories", verdict.advisories());
    if (verdict.tee() != null) {
      out.put(verdict.tee().equals("sgx") ? "mrenclave" : "mrtd", verdict.measurement());
    }
    out.put("report_data", verdict.reportData());
    out.put("reason", verdict.reason());
    return out;
  }
}
