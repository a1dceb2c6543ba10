package io.assay.task.zk.circuit;

import java.math.BigInteger;

/** The pairing curves circuits are proved on, with the order of their scalar field. */
public enum Curve {
  /** BN254, snarkjs and circom call it bn128. */
  BN128("bn128", new BigInteger(
      "21888242871839275222246405745257275088548364400416034343698204186575808495617")),
  BLS12_381("bls12381", new BigInteger(
      "52435875175126190479447740508185965837690552500527637822603658699938581184513"));

  private final String wireName;
  private final BigInteger scalarField;

  Curve(String wireName, BigInteger scalarField) {
    this.wireName = wireName;
    this.scalarField = scalarField;
  }

  /** The name in circuit.json and snarkjs verification keys: {@code bn128} or {@code bls12381}. */
  public String wireName() {
    return wireName;
  }

  /** The prime r every signal value is reduced modulo. */
  public BigInteger scalarField() {
    return scalarField;
  }

  /** Encodes a signed integer as a field element: {@code x mod r}, so -a becomes r - a. */
  public BigInteger encode(BigInteger signed) {
    return signed.mod(scalarField);
  }

  /** Decodes a field element to a signed integer: values above r/2 are negative. */
  public BigInteger decodeSigned(BigInteger element) {
    return element.compareTo(scalarField.shiftRight(1)) > 0 ? element.subtract(scalarField) : element;
  }

  /** True for a canonical element: 0 <= value < r. */
  public boolean inField(BigInteger value) {
    return value.signum() >= 0 && value.compareTo(scalarField) < 0;
  }

  /**
   * @throws IllegalArgumentException naming the accepted names when {@code name} is none of them
   */
  public static Curve fromWireName(String name) {
    for (Curve c : values()) {
      if (c.wireName.equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown curve '" + name + "', expected bn128 or bls12381");
  }
}
