package io.assay.gateway.attestation;

import java.util.HexFormat;

/** Hex for measurements and collateral: lower case out, either case in. */
final class Hex {

  private static final HexFormat FORMAT = HexFormat.of();

  private Hex() {}

  static String of(byte[] bytes) {
    return FORMAT.formatHex(bytes);
  }

  /** @throws IllegalArgumentException if {@code hex} is not an even number of hex digits */
  static byte[] parse(String hex) {
    return FORMAT.parseHex(hex.strip());
  }
}
