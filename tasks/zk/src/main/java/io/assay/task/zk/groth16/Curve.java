package io.assay.task.zk.groth16;

import java.math.BigInteger;
import java.util.Locale;

/**
 * The pairing curves snarkjs and circom prove on, by the names their JSON files use, with the
 * scalar field public signals live in and the base field point coordinates live in. The circuit
 * layer uses the scalar-field helpers to encode signed fixed-point signals.
 */
public enum Curve {
  /** snarkjs "bn128": alt_bn128 / BN254, the curve of Ethereum's pairing precompile. */
  BN128("bn128",
      "21888242871839275222246405745257275088548364400416034343698204186575808495617",
      "21888242871839275222246405745257275088696311157297823662689037894645226208583"),
  /** snarkjs "bls12381": BLS12-381. */
  BLS12_381("bls12381",
      "52435875175126190479447740508185965837690552500527637822603658699938581184513",
      "4002409555221667393417789825735904156556882819939007885332058136124031650490837864442687629129015664037894272559787");

  private final String snarkjsName;
  private final BigInteger scalarField;
  private final BigInteger baseField;

  Curve(String snarkjsName, String scalarField, String baseField) {
    this.snarkjsName = snarkjsName;
    this.scalarField = new BigInteger(scalarField);
    this.baseField = new BigInteger(baseField);
  }

  /** The group order r: public signals are elements of F_r. */
  public BigInteger scalarField() {
    return scalarField;
  }

  /** The modulus p of the field the point coordinates live in. */
  public BigInteger baseField() {
    return baseField;
  }

  /** The name in circuit.json and snarkjs keys and proofs: {@code bn128} or {@code bls12381}. */
  public String snarkjsName() {
    return snarkjsName;
  }

  /** Encodes a signed integer as a scalar field element: {@code x mod r}, so -a becomes r - a. */
  public BigInteger encode(BigInteger signed) {
    return signed.mod(scalarField);
  }

  /** Decodes a scalar field element to a signed integer: values above r/2 are negative. */
  public BigInteger decodeSigned(BigInteger element) {
    return element.compareTo(scalarField.shiftRight(1)) > 0 ? element.subtract(scalarField) : element;
  }

  /** True for a canonical scalar field element: 0 <= value < r. */
  public boolean inField(BigInteger value) {
    return value.signum() >= 0 && value.compareTo(scalarField) < 0;
  }

  /**
   * The curve snarkjs calls {@code name} ("bn128" or "bls12381", case-insensitive; "bn254" and
   * "bls12-381" are accepted too).
   *
   * @throws IllegalArgumentException naming the accepted names for any other name
   */
  public static Curve fromSnarkjs(String name) {
    String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
    return switch (n) {
      case "bn128", "bn254", "alt_bn128" -> BN128;
      case "bls12381", "bls12-381", "bls12_381" -> BLS12_381;
      default -> throw new IllegalArgumentException(
          "unsupported curve '" + name + "', expected bn128 or bls12381");
    };
  }
}
