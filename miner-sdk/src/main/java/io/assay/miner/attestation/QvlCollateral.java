package io.assay.miner.attestation;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.assay.task.Json;

/**
 * DCAP collateral in the QVL JSON form (the {@code --collateral} file of dcap-qvl's
 * {@code verify-quote}, Intel's {@code sgx_ql_qve_collateral_t} flattened): everything a
 * verifier needs beside the quote and a trusted root.
 *
 * @param pckCrlIssuerChain PEM, PCK Platform CA then root: the chain of {@code pckCrl}
 * @param rootCaCrl the root CA's CRL, DER as lower-case hex
 * @param pckCrl the PCK Platform CA's CRL, DER as lower-case hex
 * @param tcbInfoIssuerChain PEM, TCB Signing then root
 * @param tcbInfo the TCB info JSON, exactly the text that was signed
 * @param tcbInfoSignature ECDSA P-256 over {@code tcbInfo}'s UTF-8 bytes, raw r||s as hex
 * @param qeIdentityIssuerChain PEM, TCB Signing then root
 * @param qeIdentity the QE identity JSON, exactly the text that was signed
 * @param qeIdentitySignature ECDSA P-256 over {@code qeIdentity}'s UTF-8 bytes, raw r||s as hex
 */
@JsonPropertyOrder({
  "pck_crl_issuer_chain",
  "root_ca_crl",
  "pck_crl",
  "tcb_info_issuer_chain",
  "tcb_info",
  "tcb_info_signature",
  "qe_identity_issuer_chain",
  "qe_identity",
  "qe_identity_signature"
})
public record QvlCollateral(
    @JsonProperty("pck_crl_issuer_chain") String pckCrlIssuerChain,
    @JsonProperty("root_ca_crl") String rootCaCrl,
    @JsonProperty("pck_crl") String pckCrl,
    @JsonProperty("tcb_info_issuer_chain") String tcbInfoIssuerChain,
    @JsonProperty("tcb_info") String tcbInfo,
    @JsonProperty("tcb_info_signature") String tcbInfoSignature,
    @JsonProperty("qe_identity_issuer_chain") String qeIdentityIssuerChain,
    @JsonProperty("qe_identity") String qeIdentity,
    @JsonProperty("qe_identity_signature") String qeIdentitySignature) {

  /** The bundle as one JSON object, field names and order as in dcap-qvl's samples. */
  public String toJson() {
    try {
      return Json.MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a record of strings always serialises", e);
    }
  }

  /** Reads a bundle written by {@link #toJson()} or by dcap-qvl. */
  public static QvlCollateral fromJson(String json) {
    try {
      return Json.MAPPER.readValue(json, QvlCollateral.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not QVL collateral JSON: " + e.getOriginalMessage(), e);
    }
  }
}
