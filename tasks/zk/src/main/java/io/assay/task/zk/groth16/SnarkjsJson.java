package io.assay.task.zk.groth16;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Reads the numbers and points of snarkjs's JSON files: decimal strings, G1 points as
 * [x, y, z] and G2 points as [[x0, x1], [y0, y1], [z0, z1]] in projective form, which snarkjs
 * always writes with z = 1 (or z = 0 for the point at infinity). Everything that does not fit
 * is a {@link RejectedInput} naming the field.
 */
final class SnarkjsJson {

  /** Canonical decimals only: no sign, no leading zeros, at most 120 digits. */
  private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]{0,119}");

  private SnarkjsJson() {}

  /** The value of a canonical decimal string, or a rejection naming {@code what}. */
  static BigInteger decimal(String text, String what) {
    if (text == null || !DECIMAL.matcher(text).matches()) {
      throw new RejectedInput(what + " is not a canonical decimal: " + abbreviate(text));
    }
    return new BigInteger(text);
  }

  /** The G1 point {@code node}, called {@code field} in reasons. */
  static AffineG1 g1(JsonNode node, String field, BigInteger modulus) {
    if (node == null || !node.isArray() || node.size() != 3) {
      throw new RejectedInput(field + " is not a G1 point [x, y, z]");
    }
    BigInteger x = coordinate(node.get(0), field + ".x", modulus);
    BigInteger y = coordinate(node.get(1), field + ".y", modulus);
    BigInteger z = coordinate(node.get(2), field + ".z", modulus);
    if (z.signum() == 0) {
      return new AffineG1(field, BigInteger.ZERO, BigInteger.ONE, true);
    }
    if (!z.equals(BigInteger.ONE)) {
      throw new RejectedInput(field + " has z = " + abbreviate(z.toString()) + ", expected 1 (affine) or 0 (infinity)");
    }
    return new AffineG1(field, x, y, false);
  }

  /** The G2 point {@code node}, called {@code field} in reasons. */
  static AffineG2 g2(JsonNode node, String field, BigInteger modulus) {
    if (node == null || !node.isArray() || node.size() != 3) {
      throw new RejectedInput(field + " is not a G2 point [[x0, x1], [y0, y1], [z0, z1]]");
    }
    BigInteger[] c = new BigInteger[6];
    for (int i = 0; i < 3; i++) {
      JsonNode pair = node.get(i);
      if (pair == null || !pair.isArray() || pair.size() != 2) {
        throw new RejectedInput(field + "[" + i + "] is not a pair of coordinates");
      }
      c[2 * i] = coordinate(pair.get(0), field + "[" + i + "][0]", modulus);
      c[2 * i + 1] = coordinate(pair.get(1), field + "[" + i + "][1]", modulus);
    }
    if (c[4].signum() == 0 && c[5].signum() == 0) {
      return new AffineG2(field, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ONE, BigInteger.ZERO, true);
    }
    if (!c[4].equals(BigInteger.ONE) || c[5].signum() != 0) {
      throw new RejectedInput(field + " has z other than [1, 0] (affine) or [0, 0] (infinity)");
    }
    return new AffineG2(field, c[0], c[1], c[2], c[3], false);
  }

  private static BigInteger coordinate(JsonNode node, String what, BigInteger modulus) {
    if (node == null || !node.isTextual()) {
      throw new RejectedInput(what + " is not a decimal string");
    }
    BigInteger value = decimal(node.textValue(), what);
    if (value.compareTo(modulus) >= 0) {
      throw new RejectedInput(what + " is not below the field modulus");
    }
    return value;
  }

  static String abbreviate(String text) {
    if (text == null) {
      return "null";
    }
    return text.length() <= 24 ? "'" + text + "'" : "'" + text.substring(0, 20) + "...' (" + text.length() + " chars)";
  }
}
