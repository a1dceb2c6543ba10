package io.assay.gateway.attestation;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * What an attested task ({@code tasks[].attestation}) asks of a miner's session before any of
 * its work is sent: a DCAP quote binding the session ({@link io.assay.protocol.AttestationBinding})
 * that chains to {@code root}, judged by {@code collateral} (a pinned bundle in dcap-qvl's JSON
 * form: the offline mode) and {@code policy}. Read and checked at start.
 *
 * @param verifier the verifier pinned to the task's root (Intel's unless the configuration names
 *     another, as a devnet's test authority)
 * @param collateral the collateral quotes are judged by
 * @param policy measurements, statuses and advisories accepted
 */
public record TaskAttestation(QuoteVerifier verifier, Collateral collateral,
    AttestationPolicy policy) {

  /** Judges a session's quote, which must carry {@code reportData}, at {@code now}. */
  public Verdict judge(byte[] quote, byte[] reportData, Instant now) {
    return verifier.verify(quote, collateral, now, reportData, policy);
  }

  /**
   * Reads {@code tasks[].attestation}: {@code collateral} (a file, required), {@code root}
   * ({@code intel}, the default, or a DER or PEM certificate file) and {@code policy} (a policy
   * file, as {@code verify-quote --policy} takes; default: any measurement, no debug enclave),
   * files relative to {@code baseDir}.
   *
   * @throws ConfigException naming the key when a file is missing or unusable
   */
  public static TaskAttestation read(ConfigNode a, Path baseDir) {
    String rootName = a.string("root", "intel");
    X509Certificate root = rootName.equals("intel") ? QuoteVerifier.intelRoot()
        : certificate(a, baseDir, rootName);
    Collateral collateral;
    try {
      collateral = Collateral.fromQvlJson(text(a, baseDir, "collateral",
          a.requiredString("collateral")));
    } catch (AttestationException e) {
      throw new ConfigException("config key '" + a.path() + ".collateral': " + e.getMessage());
    }
    AttestationPolicy policy = AttestationPolicy.PERMISSIVE;
    if (a.has("policy")) {
      try {
        policy = AttestationPolicy.parse(text(a, baseDir, "policy", a.requiredString("policy")));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key '" + a.path() + ".policy': " + e.getMessage());
      }
    }
    a.rejectUnknownKeys();
    return new TaskAttestation(new QuoteVerifier(root), collateral, policy);
  }

  private static X509Certificate certificate(ConfigNode a, Path baseDir, String file) {
    try {
      byte[] bytes = Files.readAllBytes(baseDir.resolve(file).normalize());
      String text = new String(bytes, StandardCharsets.US_ASCII);
      return text.contains("-----BEGIN CERTIFICATE-----")
          ? Certificates.pemChain(text, Check.PCK_CHAIN, "root").get(0)
          : Certificates.certificate(bytes, "root");
    } catch (IOException | AttestationException | IllegalArgumentException e) {
      throw new ConfigException("config key '" + a.path() + ".root': cannot read a certificate"
          + " from " + file + ": " + e.getMessage());
    }
  }

  private static String text(ConfigNode a, Path baseDir, String key, String file) {
    try {
      return Files.readString(baseDir.resolve(file).normalize());
    } catch (IOException e) {
      throw new ConfigException("config key '" + a.path() + "." + key + "': cannot read "
          + file + ": " + e.getMessage());
    }
  }
}
