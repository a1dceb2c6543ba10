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
 * that chains to {@code root}, judged by the collateral of its platform (a pinned bundle in
 * dcap-qvl's JSON form, the offline mode, or fetched from a PCCS or Intel's PCS) and {@code
 * policy}. Read and checked at start.
 *
 * @param verifier the verifier pinned to the task's root (Intel's unless the configuration names
 *     another, as a devnet's test authority)
 * @param collateral where the collateral quotes are judged by comes from
 * @param policy measurements, statuses and advisories accepted
 */
public record TaskAttestation(QuoteVerifier verifier, CollateralSource collateral,
    AttestationPolicy policy) {

  /**
   * Judges a session's quote, which must carry {@code reportData}, at {@code now}, by the
   * collateral of the quote's platform (its PCK certificate's FMSPC, its TEE and the CA that
   * issued it). May block fetching collateral: call it from a worker.
   */
  public Verdict judge(byte[] quote, byte[] reportData, Instant now) {
    return verifier.verify(quote, collateral, now, reportData, policy);
  }

  /**
   * Reads {@code tasks[].attestation}: where collateral comes from, either {@code collateral}
   * (a bundle file: offline) or {@code pccs_url} (with {@code root_crl_url}, default the PCCS
   * path, and {@code refresh_ahead}, default 1h); {@code root} ({@code intel}, the default, or a
   * DER or PEM certificate file); and {@code policy} (a policy file, as {@code verify-quote
   * --policy} takes; default: any measurement, no debug enclave). Files are relative to {@code
   * baseDir}.
   *
   * @throws ConfigException naming the key when a file is missing or unusable, or when both or
   *     neither collateral source is given
   */
  public static TaskAttestation read(ConfigNode a, Path baseDir) {
    String rootName = a.string("root", "intel");
    X509Certificate root = rootName.equals("intel") ? QuoteVerifier.intelRoot()
        : certificate(a, baseDir, rootName);
    if (a.has("collateral") == a.has("pccs_url")) {
      throw new ConfigException("config key '" + a.path() + "': give either 'collateral' (a"
          + " pinned bundle) or 'pccs_url' (a PCCS or Intel's PCS), not " + (a.has("collateral")
          ? "both" : "neither"));
    }
    CollateralSource collateral;
    if (a.has("pccs_url")) {
      collateral = new PccsCollateral(uri(a, "pccs_url", a.requiredString("pccs_url")),
          a.has("root_crl_url") ? uri(a, "root_crl_url", a.requiredString("root_crl_url"))
              : null,
          a.duration("refresh_ahead", java.time.Duration.ofHours(1)),
          java.time.Duration.ofSeconds(10));
    } else {
      try {
        collateral = CollateralSource.pinned(Collateral.fromQvlJson(text(a, baseDir,
            "collateral", a.requiredString("collateral"))));
      } catch (AttestationException e) {
        throw new ConfigException("config key '" + a.path() + ".collateral': "
            + e.getMessage());
      }
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

  private static java.net.URI uri(ConfigNode a, String key, String value) {
    try {
      java.net.URI uri = new java.net.URI(value);
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
        throw new java.net.URISyntaxException(value, "not an http(s) URL");
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException("config key '" + a.path() + "." + key + "': '" + value
          + "' is not an http(s) URL");
    }
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
