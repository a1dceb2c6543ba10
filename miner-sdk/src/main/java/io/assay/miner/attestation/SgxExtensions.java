package io.assay.miner.attestation;

import org.bouncycastle.asn1.ASN1Boolean;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;

/**
 * The SGX extension of a PCK certificate (Intel's "PCK Certificate and CRL Profile"): one
 * non-critical extension, OID {@code 1.2.840.113741.1.13.1}, whose value is a sequence of
 * (OID, value) pairs:
 *
 * <pre>
 * .1   PPID                 OCTET STRING (16)
 * .2   TCB                  SEQUENCE of (OID, value):
 *        .2.1 - .2.16         SGX TCB component SVNs, INTEGER
 *        .2.17                PCESVN, INTEGER
 *        .2.18                CPUSVN, OCTET STRING (16)
 * .3   PCE-ID               OCTET STRING (2)
 * .4   FMSPC                OCTET STRING (6)
 * .5   SGX type             ENUMERATED (0 standard, 1 scalable, 2 scalable with integrity)
 * .6   platform instance id OCTET STRING (16)           Platform CA certificates only
 * .7   configuration        SEQUENCE of (OID, BOOLEAN): Platform CA certificates only
 *        .7.1 dynamic platform, .7.2 cached keys, .7.3 SMT enabled
 * </pre>
 *
 * Verifiers read FMSPC, PCE-ID, PCESVN and CPUSVN from here to pick the TCB level.
 */
final class SgxExtensions {

  static final ASN1ObjectIdentifier OID = new ASN1ObjectIdentifier("1.2.840.113741.1.13.1");

  /** SGX type of a multi-socket Xeon platform, as the Platform CA issues for. */
  private static final int SGX_TYPE_SCALABLE = 1;

  private SgxExtensions() {}

  static DERSequence of(TestPlatform platform) {
    ASN1EncodableVector tcb = new ASN1EncodableVector();
    for (int component = 0; component < 16; component++) {
      int svn = platform.cpuSvn()[component] & 0xFF;
      tcb.add(pair(OID.branch("2." + (component + 1)), integer(svn)));
    }
    tcb.add(pair(OID.branch("2.17"), integer(platform.pceSvn())));
    tcb.add(pair(OID.branch("2.18"), new DEROctetString(platform.cpuSvn())));

    ASN1EncodableVector configuration = new ASN1EncodableVector();
    configuration.add(pair(OID.branch("7.1"), ASN1Boolean.TRUE));
    configuration.add(pair(OID.branch("7.2"), ASN1Boolean.FALSE));
    configuration.add(pair(OID.branch("7.3"), ASN1Boolean.FALSE));

    ASN1EncodableVector extension = new ASN1EncodableVector();
    extension.add(pair(OID.branch("1"), new DEROctetString(platform.ppid())));
    extension.add(pair(OID.branch("2"), new DERSequence(tcb)));
    extension.add(pair(OID.branch("3"), new DEROctetString(platform.pceId())));
    extension.add(pair(OID.branch("4"), new DEROctetString(platform.fmspc())));
    extension.add(pair(OID.branch("5"), new ASN1Enumerated(SGX_TYPE_SCALABLE)));
    extension.add(pair(OID.branch("6"), new DEROctetString(platform.platformInstanceId())));
    extension.add(pair(OID.branch("7"), new DERSequence(configuration)));
    return new DERSequence(extension);
  }

  private static DERSequence pair(ASN1ObjectIdentifier oid, ASN1Encodable value) {
    return new DERSequence(new ASN1Encodable[] {oid, value});
  }

  private static ASN1Integer integer(int value) {
    return new ASN1Integer(value);
  }
}
