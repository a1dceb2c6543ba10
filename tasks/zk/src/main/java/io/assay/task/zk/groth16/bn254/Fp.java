package io.assay.task.zk.groth16.bn254;

import java.math.BigInteger;

/**
 * An element of BN254's base field F_p, immutable, in Montgomery form ({@code a * 2^256 mod p})
 * on four little-endian 64-bit limbs.
 *
 * <p>Why Montgomery on longs: a pairing costs some 20,000 field multiplications, and a
 * BigInteger multiply-and-mod allocates and divides each time. Here a product is 16 64x64-bit
 * multiplications with their high halves ({@link Math#multiplyHigh}, an intrinsic) and a
 * word-by-word reduction that needs no division. p is below 2^254, so the top limb has two
 * spare bits; that lets the reduction skip the final carry word (the "no-carry" variant of
 * CIOS, as in gnark-crypto) and keeps every sum of two reduced elements below 2^256.
 */
public final class Fp {

  /** The field modulus, 21888242871839275222246405745257275088696311157297823662689037894645226208583. */
  public static final BigInteger P =
      new BigInteger("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47", 16);

  private static final long P0 = P.longValue();
  private static final long P1 = P.shiftRight(64).longValue();
  private static final long P2 = P.shiftRight(128).longValue();
  private static final long P3 = P.shiftRight(192).longValue();
  /** -p^-1 mod 2^64: the factor that makes the low word of t + m * p zero. */
  private static final long P_INV = BigInteger.ONE.shiftLeft(64).subtract(P.modInverse(BigInteger.ONE.shiftLeft(64))).longValue();
  private static final BigInteger R = BigInteger.ONE.shiftLeft(256).mod(P);
  private static final BigInteger R_INV = R.modInverse(P);

  public static final Fp ZERO = new Fp(0, 0, 0, 0);
  public static final Fp ONE = fromBigInteger(BigInteger.ONE);

  final long l0, l1, l2, l3;

  private Fp(long l0, long l1, long l2, long l3) {
    this.l0 = l0;
    this.l1 = l1;
    this.l2 = l2;
    this.l3 = l3;
  }

  /** The element v mod p; v may be negative or at least p. */
  public static Fp fromBigInteger(BigInteger v) {
    BigInteger mont = v.mod(P).multiply(R).mod(P);
    return new Fp(mont.longValue(), mont.shiftRight(64).longValue(), mont.shiftRight(128).longValue(),
        mont.shiftRight(192).longValue());
  }

  public static Fp of(long v) {
    return fromBigInteger(BigInteger.valueOf(v));
  }

  /** The canonical value, in [0, p). */
  public BigInteger toBigInteger() {
    BigInteger mont = unsigned(l3).shiftLeft(64).or(unsigned(l2)).shiftLeft(64).or(unsigned(l1))
        .shiftLeft(64).or(unsigned(l0));
    return mont.multiply(R_INV).mod(P);
  }

  private static BigInteger unsigned(long limb) {
    return new BigInteger(Long.toUnsignedString(limb));
  }

  public boolean isZero() {
    return (l0 | l1 | l2 | l3) == 0;
  }

  public Fp add(Fp b) {
    long s0 = l0 + b.l0;
    long c = carry(l0, b.l0, s0);
    long s1 = l1 + b.l1 + c;
    c = carry(l1, b.l1, s1);
    long s2 = l2 + b.l2 + c;
    c = carry(l2, b.l2, s2);
    long s3 = l3 + b.l3 + c;
    return reduceOnce(s0, s1, s2, s3);
  }

  public Fp dbl() {
    return add(this);
  }

  public Fp sub(Fp b) {
    long d0 = l0 - b.l0;
    long borrow = borrow(l0, b.l0, d0);
    long d1 = l1 - b.l1 - borrow;
    borrow = borrow(l1, b.l1, d1);
    long d2 = l2 - b.l2 - borrow;
    borrow = borrow(l2, b.l2, d2);
    long d3 = l3 - b.l3 - borrow;
    borrow = borrow(l3, b.l3, d3);
    if (borrow == 0) {
      return new Fp(d0, d1, d2, d3);
    }
    long s0 = d0 + P0;
    long c = carry(d0, P0, s0);
    long s1 = d1 + P1 + c;
    c = carry(d1, P1, s1);
    long s2 = d2 + P2 + c;
    c = carry(d2, P2, s2);
    return new Fp(s0, s1, s2, d3 + P3 + c);
  }

  public Fp neg() {
    return isZero() ? this : ZERO.sub(this);
  }

  public Fp square() {
    return mul(this);
  }

  /** Montgomery product: this * b / 2^256 mod p, which is the Montgomery form of the product. */
  public Fp mul(Fp b) {
    final long a0 = l0, a1 = l1, a2 = l2, a3 = l3;
    long t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    long lo, hi, s, m, carryA, carryC;
    // Row 0: t += a * b.l0, then add m * P so the low word vanishes and shift it out.
    lo = a0 * b.l0; hi = mulHigh(a0, b.l0);
    s = lo + t0; carryA = hi + carry(lo, t0, s); t0 = s;
    m = t0 * P_INV;
    lo = m * P0; hi = mulHigh(m, P0);
    s = lo + t0; carryC = hi + carry(lo, t0, s);
    lo = a1 * b.l0; hi = mulHigh(a1, b.l0);
    s = lo + t1; hi += carry(lo, t1, s);
    t1 = s + carryA; hi += carry(s, carryA, t1); carryA = hi;
    lo = m * P1; hi = mulHigh(m, P1);
    s = lo + t1; hi += carry(lo, t1, s);
    t0 = s + carryC; hi += carry(s, carryC, t0); carryC = hi;
    lo = a2 * b.l0; hi = mulHigh(a2, b.l0);
    s = lo + t2; hi += carry(lo, t2, s);
    t2 = s + carryA; hi += carry(s, carryA, t2); carryA = hi;
    lo = m * P2; hi = mulHigh(m, P2);
    s = lo + t2; hi += carry(lo, t2, s);
    t1 = s + carryC; hi += carry(s, carryC, t1); carryC = hi;
    lo = a3 * b.l0; hi = mulHigh(a3, b.l0);
    s = lo + t3; hi += carry(lo, t3, s);
    t3 = s + carryA; hi += carry(s, carryA, t3); carryA = hi;
    lo = m * P3; hi = mulHigh(m, P3);
    s = lo + t3; hi += carry(lo, t3, s);
    t2 = s + carryC; hi += carry(s, carryC, t2); carryC = hi;
    t3 = carryC + carryA;
    // Row 1: t += a * b.l1, then add m * P so the low word vanishes and shift it out.
    lo = a0 * b.l1; hi = mulHigh(a0, b.l1);
    s = lo + t0; carryA = hi + carry(lo, t0, s); t0 = s;
    m = t0 * P_INV;
    lo = m * P0; hi = mulHigh(m, P0);
    s = lo + t0; carryC = hi + carry(lo, t0, s);
    lo = a1 * b.l1; hi = mulHigh(a1, b.l1);
    s = lo + t1; hi += carry(lo, t1, s);
    t1 = s + carryA; hi += carry(s, carryA, t1); carryA = hi;
    lo = m * P1; hi = mulHigh(m, P1);
    s = lo + t1; hi += carry(lo, t1, s);
    t0 = s + carryC; hi += carry(s, carryC, t0); carryC = hi;
    lo = a2 * b.l1; hi = mulHigh(a2, b.l1);
    s = lo + t2; hi += carry(lo, t2, s);
    t2 = s + carryA; hi += carry(s, carryA, t2); carryA = hi;
    lo = m * P2; hi = mulHigh(m, P2);
    s = lo + t2; hi += carry(lo, t2, s);
    t1 = s + carryC; hi += carry(s, carryC, t1); carryC = hi;
    lo = a3 * b.l1; hi = mulHigh(a3, b.l1);
    s = lo + t3; hi += carry(lo, t3, s);
    t3 = s + carryA; hi += carry(s, carryA, t3); carryA = hi;
    lo = m * P3; hi = mulHigh(m, P3);
    s = lo + t3; hi += carry(lo, t3, s);
    t2 = s + carryC; hi += carry(s, carryC, t2); carryC = hi;
    t3 = carryC + carryA;
    // Row 2: t += a * b.l2, then add m * P so the low word vanishes and shift it out.
    lo = a0 * b.l2; hi = mulHigh(a0, b.l2);
    s = lo + t0; carryA = hi + carry(lo, t0, s); t0 = s;
    m = t0 * P_INV;
    lo = m * P0; hi = mulHigh(m, P0);
    s = lo + t0; carryC = hi + carry(lo, t0, s);
    lo = a1 * b.l2; hi = mulHigh(a1, b.l2);
    s = lo + t1; hi += carry(lo, t1, s);
    t1 = s + carryA; hi += carry(s, carryA, t1); carryA = hi;
    lo = m * P1; hi = mulHigh(m, P1);
    s = lo + t1; hi += carry(lo, t1, s);
    t0 = s + carryC; hi += carry(s, carryC, t0); carryC = hi;
    lo = a2 * b.l2; hi = mulHigh(a2, b.l2);
    s = lo + t2; hi += carry(lo, t2, s);
    t2 = s + carryA; hi += carry(s, carryA, t2); carryA = hi;
    lo = m * P2; hi = mulHigh(m, P2);
    s = lo + t2; hi += carry(lo, t2, s);
    t1 = s + carryC; hi += carry(s, carryC, t1); carryC = hi;
    lo = a3 * b.l2; hi = mulHigh(a3, b.l2);
    s = lo + t3; hi += carry(lo, t3, s);
    t3 = s + carryA; hi += carry(s, carryA, t3); carryA = hi;
    lo = m * P3; hi = mulHigh(m, P3);
    s = lo + t3; hi += carry(lo, t3, s);
    t2 = s + carryC; hi += carry(s, carryC, t2); carryC = hi;
    t3 = carryC + carryA;
    // Row 3: t += a * b.l3, then add m * P so the low word vanishes and shift it out.
    lo = a0 * b.l3; hi = mulHigh(a0, b.l3);
    s = lo + t0; carryA = hi + carry(lo, t0, s); t0 = s;
    m = t0 * P_INV;
    lo = m * P0; hi = mulHigh(m, P0);
    s = lo + t0; carryC = hi + carry(lo, t0, s);
    lo = a1 * b.l3; hi = mulHigh(a1, b.l3);
    s = lo + t1; hi += carry(lo, t1, s);
    t1 = s + carryA; hi += carry(s, carryA, t1); carryA = hi;
    lo = m * P1; hi = mulHigh(m, P1);
    s = lo + t1; hi += carry(lo, t1, s);
    t0 = s + carryC; hi += carry(s, carryC, t0); carryC = hi;
    lo = a2 * b.l3; hi = mulHigh(a2, b.l3);
    s = lo + t2; hi += carry(lo, t2, s);
    t2 = s + carryA; hi += carry(s, carryA, t2); carryA = hi;
    lo = m * P2; hi = mulHigh(m, P2);
    s = lo + t2; hi += carry(lo, t2, s);
    t1 = s + carryC; hi += carry(s, carryC, t1); carryC = hi;
    lo = a3 * b.l3; hi = mulHigh(a3, b.l3);
    s = lo + t3; hi += carry(lo, t3, s);
    t3 = s + carryA; hi += carry(s, carryA, t3); carryA = hi;
    lo = m * P3; hi = mulHigh(m, P3);
    s = lo + t3; hi += carry(lo, t3, s);
    t2 = s + carryC; hi += carry(s, carryC, t2); carryC = hi;
    t3 = carryC + carryA;
    return reduceOnce(t0, t1, t2, t3);
  }

  /** this^e for a non-negative exponent. */
  public Fp pow(BigInteger e) {
    Fp result = ONE;
    for (int i = e.bitLength() - 1; i >= 0; i--) {
      result = result.square();
      if (e.testBit(i)) {
        result = result.mul(this);
      }
    }
    return result;
  }

  /**
   * The inverse; zero has none and maps to zero. Through BigInteger's binary extended Euclid,
   * a few microseconds against some 380 products for Fermat's this^(p-2); it runs a few times
   * per verification (affine G1 points, the final exponentiation), never in an inner loop.
   */
  public Fp inverse() {
    return isZero() ? ZERO : fromBigInteger(toBigInteger().modInverse(P));
  }

  /** A square root if this is a square, else null (p = 3 mod 4, so this^((p+1)/4)). */
  public Fp sqrt() {
    Fp root = pow(P.add(BigInteger.ONE).shiftRight(2));
    return root.square().equals(this) ? root : null;
  }

  /** Subtracts p once if t is at least p; t is below 2p. */
  private static Fp reduceOnce(long t0, long t1, long t2, long t3) {
    long d0 = t0 - P0;
    long borrow = borrow(t0, P0, d0);
    long d1 = t1 - P1 - borrow;
    borrow = borrow(t1, P1, d1);
    long d2 = t2 - P2 - borrow;
    borrow = borrow(t2, P2, d2);
    long d3 = t3 - P3 - borrow;
    borrow = borrow(t3, P3, d3);
    return borrow != 0 ? new Fp(t0, t1, t2, t3) : new Fp(d0, d1, d2, d3);
  }

  /** High 64 bits of the unsigned 128-bit product (Java 17 has only the signed intrinsic). */
  private static long mulHigh(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
  }

  /** The carry out of s = a + b (+ a carry in): the full-adder formula of Hacker's Delight. */
  private static long carry(long a, long b, long s) {
    return ((a & b) | ((a | b) & ~s)) >>> 63;
  }

  /** The borrow out of d = a - b (- a borrow in). */
  private static long borrow(long a, long b, long d) {
    return ((~a & b) | (~(a ^ b) & d)) >>> 63;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fp f && f.l0 == l0 && f.l1 == l1 && f.l2 == l2 && f.l3 == l3;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(l0 ^ l1 ^ l2 ^ l3);
  }

  @Override
  public String toString() {
    return toBigInteger().toString();
  }
}
