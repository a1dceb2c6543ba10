package io.assay.gateway.attestation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a quote is verified against, besides the pinned root: the CRLs, Intel's TCB info and QE
 * identity as signed JSON, and the certificate chains that signed them. Read it from the QVL
 * JSON form ({@link #fromQvlJson}); nothing in it is trusted until {@link QuoteVerifier} has
 * checked it.
 */
public record Collateral(List<X509Certificate> pckCrlIssuerChain, X509CRL rootCaCrl,
    X509CRL pckCrl, List<X509Certificate> tcbInfoIssuerChain, SignedJson tcbInfoJson,
    TcbInfo tcbInfo, List<X509Certificate> qeIdentityIssuerChain, SignedJson qeIdentityJson,
    QeIdentity qeIdentity) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads the collateral form of Phala's dcap-qvl: one JSON object whose issuer chains are PEM,
   * CRLs hex DER, TCB info and QE identity the signed JSON text, and signatures hex r || s:
   *
   * <pre>
   * {"pck_crl_issuer_chain", "root_ca_crl", "pck_crl", "tcb_info_issuer_chain", "tcb_info",
   *  "tcb_info_signature", "qe_identity_issuer_chain", "qe_identity", "qe_identity_signature"}
   * </pre>
   *
   * @throws AttestationException ({@link Check#COLLATERAL_FORMAT}) naming the bad field
   */
  public static Collateral fromQvlJson(String json) {
    JsonFields fields;
    try {
      fields = new JsonFields(JSON.readTree(json), "collateral");
    } catch (JsonProcessingException e) {
      throw new AttestationException(Check.COLLATERAL_FORMAT, "the collateral is not JSON: "
          + e.getOriginalMessage());
    }
    return of(
        Certificates.pemChain(fields.text("pck_crl_issuer_chain"), Check.COLLATERAL_FORMAT,
            "pck_crl_issuer_chain"),
        Certificates.crl(fields.hex("root_ca_crl", -1), "root_ca_crl"),
        Certificates.crl(fields.hex("pck_crl", -1), "pck_crl"),
        Certificates.pemChain(fields.text("tcb_info_issuer_chain"), Check.COLLATERAL_FORMAT,
            "tcb_info_issuer_chain"),
        new SignedJson(fields.text("tcb_info"), fields.hex("tcb_info_signature", 64)),
        Certificates.pemChain(fields.text("qe_identity_issuer_chain"), Check.COLLATERAL_FORMAT,
            "qe_identity_issuer_chain"),
        new SignedJson(fields.text("qe_identity"), fields.hex("qe_identity_signature", 64)));
  }

  /** Collateral of its parts, the TCB info and QE identity read from their signed text. */
  public static Collateral of(List<X509Certificate> pckCrlIssuerChain, X509CRL rootCaCrl,
      X509CRL pckCrl, List<X509Certificate> tcbInfoIssuerChain, SignedJson tcbInfo,
      List<X509Certificate> qeIdentityIssuerChain, SignedJson qeIdentity) {
    return new Collateral(List.copyOf(pckCrlIssuerChain), rootCaCrl, pckCrl,
        List.copyOf(tcbInfoIssuerChain), tcbInfo, TcbInfo.parse(tree(tcbInfo, "tcb_info")),
        List.copyOf(qeIdentityIssuerChain), qeIdentity,
        QeIdentity.parse(tree(qeIdentity, "qe_identity")));
  }

  /** This collateral with another TCB info (and so another FMSPC or TEE, perhaps). */
  public Collateral withTcbInfo(SignedJson other) {
    return of(pckCrlIssuerChain, rootCaCrl, pckCrl, tcbInfoIssuerChain, other,
        qeIdentityIssuerChain, qeIdentityJson);
  }

  /** The two CRLs, for certificate path checks. */
  List<X509CRL> crls() {
    return List.of(rootCaCrl, pckCrl);
  }

  private static JsonNode tree(SignedJson signed, String what) {
    try {
      return JSON.readTree(signed.body());
    } catch (JsonProcessingException e) {
      throw new AttestationException(Check.COLLATERAL_FORMAT, what + " is not JSON: "
          + e.getOriginalMessage());
    }
  }
}
