package io.assay.miner.attestation;

import io.assay.protocol.AttestationBinding;
import java.util.HexFormat;

/**
 * A pretend SGX platform for the {@link TestAttestationAuthority}: what its PCK certificate
 * says about it, and what the matching TCB info must list.
 *
 * @param ppid platform provisioning id, 16 bytes
 * @param cpuSvn the CPU security version, 16 bytes; its bytes are also the 16 TCB component
 *     SVNs of the PCK certificate, as on Intel's platforms
 * @param pceSvn the provisioning certification enclave's security version
 * @param pceId 2 bytes
 * @param fmspc family-model-stepping-platform-customSKU, 6 bytes: which TCB info applies
 * @param platformInstanceId 16 bytes, present in certificates issued by the Platform CA
 */
public record TestPlatform(
    byte[] ppid, byte[] cpuSvn, int pceSvn, byte[] pceId, byte[] fmspc, byte[] platformInstanceId) {

  private static final HexFormat HEX = HexFormat.of();

  public TestPlatform {
    AttestationBinding.requireLength("PPID", ppid, 16);
    AttestationBinding.requireLength("CPUSVN", cpuSvn, 16);
    EnclaveReportBody.requireU16("PCESVN", pceSvn);
    AttestationBinding.requireLength("PCE-ID", pceId, 2);
    AttestationBinding.requireLength("FMSPC", fmspc, 6);
    AttestationBinding.requireLength("platform instance id", platformInstanceId, 16);
    ppid = ppid.clone();
    cpuSvn = cpuSvn.clone();
    pceId = pceId.clone();
    fmspc = fmspc.clone();
    platformInstanceId = platformInstanceId.clone();
  }

  /**
   * A platform shaped like a current Xeon (the TCB values of the public dcap-rs sample), with
   * an FMSPC no Intel platform uses ({@code A55A7E000000}) and a random PPID.
   */
  public static TestPlatform example() {
    return new TestPlatform(
        EcdsaP256.randomBytes(16),
        HEX.parseHex("0c0c0303ffff01000000000000000000"),
        13,
        new byte[2],
        HEX.parseHex("a55a7e000000"),
        EcdsaP256.randomBytes(16));
  }

  /** The same platform with another CPUSVN (for example an outdated microcode). */
  public TestPlatform withCpuSvn(byte[] newCpuSvn) {
    return new TestPlatform(ppid, newCpuSvn, pceSvn, pceId, fmspc, platformInstanceId);
  }

  /** The same platform with another FMSPC (for collateral that does not belong to it). */
  public TestPlatform withFmspc(byte[] newFmspc) {
    return new TestPlatform(ppid, cpuSvn, pceSvn, pceId, newFmspc, platformInstanceId);
  }

  /** FMSPC in upper-case hex, as TCB info writes it. */
  public String fmspcHex() {
    return HEX.withUpperCase().formatHex(fmspc);
  }
}
