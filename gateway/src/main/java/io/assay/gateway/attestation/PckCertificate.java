package io.assay.gateway.attestation;

import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * A PCK certificate with its SGX extensions (OID 1.2.840.113741.1.13.1) read: which platform
 * (FMSPC, PCE-ID) at which TCB (the 16 SGX TCB component SVNs and the PCE SVN). These pick the
 * collateral and the TCB level; they are trusted only once the certificate's chain is.
 *
 * @param sgxTcbComponents the 16 component SVNs (0 to 255 each)
 */
public record PckCertificate(X509Certificate certificate, byte[] ppid, int[] sgxTcbComponents,
    int pceSvn, byte[] cpuSvn, byte[] pceId, byte[] fmspc) {

  static final String SGX_EXTENSIONS = "1.2.840.113741.1.13.1";

  private static final String PPID = SGX_EXTENSIONS + ".1";
  private static final String TCB = SGX_EXTENSIONS + ".2";
  private static final String PCE_ID = SGX_EXTENSIONS + ".3";
  private static final String FMSPC = SGX_EXTENSIONS + ".4";
  private static final String PCESVN = TCB + ".17";
  private static final String CPUSVN = TCB + ".18";

  /** @throws AttestationException ({@link Check#QUOTE_FORMAT}) when an extension is missing */
  static PckCertificate of(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue(SGX_EXTENSIONS);
    if (extension == null) {
      throw refused("the PCK certificate has no SGX extensions (" + SGX_EXTENSIONS + ")");
    }
    try {
      byte[] ppid = null;
      byte[] pceId = null;
      byte[] fmspc = null;
      byte[] cpuSvn = null;
      int pceSvn = -1;
      int[] components = new int[16];
      int seen = 0;
      ASN1Sequence fields = ASN1Sequence.getInstance(
          ASN1OctetString.getInstance(extension).getOctets());
      for (ASN1Encodable field : fields) {
        ASN1Sequence pair = ASN1Sequence.getInstance(field);
        String oid = ASN1ObjectIdentifier.getInstance(pair.getObjectAt(0)).getId();
        ASN1Encodable value = pair.getObjectAt(1);
        switch (oid) {
          case PPID -> ppid = octets(value);
          case PCE_ID -> pceId = octets(value);
          case FMSPC -> fmspc = octets(value);
          case TCB -> {
            for (ASN1Encodable tcbField : ASN1Sequence.getInstance(value)) {
              ASN1Sequence tcbPair = ASN1Sequence.getInstance(tcbField);
              String tcbOid = ASN1ObjectIdentifier.getInstance(tcbPair.getObjectAt(0)).getId();
              ASN1Encodable tcbValue = tcbPair.getObjectAt(1);
              if (tcbOid.equals(PCESVN)) {
                pceSvn = ASN1Integer.getInstance(tcbValue).intValueExact();
              } else if (tcbOid.equals(CPUSVN)) {
                cpuSvn = octets(tcbValue);
              } else if (tcbOid.startsWith(TCB + ".")) {
                int index = Integer.parseInt(tcbOid.substring(TCB.length() + 1)) - 1;
                if (index >= 0 && index < 16) {
                  components[index] = ASN1Integer.getInstance(tcbValue).intValueExact();
                  seen |= 1 << index;
                }
              }
            }
          }
          default -> { } // SGX type, platform instance, configuration: not needed here
        }
      }
      if (ppid == null || pceId == null || fmspc == null || cpuSvn == null || pceSvn < 0
          || seen != 0xffff || fmspc.length != 6 || pceId.length != 2) {
        throw refused("the PCK certificate's SGX extensions lack the PPID, PCE-ID, FMSPC or"
            + " a TCB component");
      }
      return new PckCertificate(certificate, ppid, components, pceSvn, cpuSvn, pceId, fmspc);
    } catch (IllegalArgumentException | ArithmeticException | ClassCastException e) {
      throw new AttestationException(Check.QUOTE_FORMAT, "the PCK certificate's SGX extensions"
          + " are malformed: " + e.getMessage(), e);
    }
  }

  private static byte[] octets(ASN1Encodable value) {
    return ASN1OctetString.getInstance(value).getOctets();
  }

  private static AttestationException refused(String why) {
    return new AttestationException(Check.QUOTE_FORMAT, why);
  }
}
