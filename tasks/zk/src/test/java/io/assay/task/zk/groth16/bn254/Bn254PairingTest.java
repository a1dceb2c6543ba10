package io.assay.task.zk.groth16.bn254;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Bn254PairingTest {

  static final BigInteger R =
      new BigInteger("21888242871839275222246405745257275088548364400416034343698204186575808495617");

  static Stream<Arguments> eip197Vectors() throws IOException {
    try (InputStream in = Bn254PairingTest.class.getResourceAsStream("eip197-pairing-vectors.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      return text.lines()
          .filter(line -> !line.startsWith("#") && !line.isBlank())
          .map(line -> line.split(" ", -1))
          .map(f -> Arguments.of(f[0], f[1].equals("1"), f.length > 2 ? f[2].trim() : ""))
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eip197Vectors")
  void pairingCheck_matchesEthereumPrecompileVectors(String name, boolean expected, String input) {
    List<G1> ps = new ArrayList<>();
    List<G2Lines> qs = new ArrayList<>();
    for (int offset = 0; offset < input.length(); offset += 384) {
      G1 p = g1(word(input, offset, 0), word(input, offset, 1));
      G2 q = g2(word(input, offset, 3), word(input, offset, 2), word(input, offset, 5), word(input, offset, 4));
      assertThat(q.isInfinity() || q.isInSubgroup()).as("G2 input in subgroup").isTrue();
      ps.add(p);
      qs.add(q.isInfinity() ? null : new G2Lines(q));
    }
    boolean result = Bn254Pairing.productIsOne(ps.toArray(G1[]::new), qs.toArray(G2Lines[]::new));
    assertThat(result).as(name).isEqualTo(expected);
  }

  @Test
  void pairing_isBilinear() {
    BigInteger a = new BigInteger("123456789123456789123456789");
    BigInteger b = new BigInteger("987654321987654321");
    Fp12 base = Bn254Pairing.pair(G1.GENERATOR, G2.GENERATOR);
    Fp12 scaled = Bn254Pairing.pair(G1.GENERATOR.mul(a), G2.GENERATOR.mul(b));
    assertThat(scaled).isEqualTo(base.pow(a.multiply(b)));
    assertThat(Bn254Pairing.pair(G1.GENERATOR.mul(a.multiply(b)), G2.GENERATOR)).isEqualTo(scaled);
  }

  @Test
  void pairing_isNonDegenerate_andHasOrderR() {
    Fp12 e = Bn254Pairing.pair(G1.GENERATOR, G2.GENERATOR);
    assertThat(e.isOne()).isFalse();
    assertThat(e.pow(R).isOne()).isTrue();
  }

  @Test
  void productIsOne_forInversePairs() {
    G1 p = G1.GENERATOR.mul(BigInteger.valueOf(77));
    G2 q = G2.GENERATOR.mul(BigInteger.valueOf(5));
    G1[] ps = {p, p.neg()};
    G2Lines[] qs = {new G2Lines(q), new G2Lines(q)};
    assertThat(Bn254Pairing.productIsOne(ps, qs)).isTrue();
    G1[] unbalanced = {p, p.neg().dbl()};
    assertThat(Bn254Pairing.productIsOne(unbalanced, qs)).isFalse();
  }

  @Test
  void subgroupCheck_acceptsG2_andRejectsOtherTwistPoints() {
    assertThat(G2.GENERATOR.isInSubgroup()).isTrue();
    assertThat(G2.GENERATOR.mul(BigInteger.valueOf(123456789)).isInSubgroup()).isTrue();
    assertThat(G2.GENERATOR.mul(R).isInfinity()).isTrue();
    Random random = new Random(7);
    int found = 0;
    while (found < 5) {
      G2 q = G2.withX(Fp2.of(new BigInteger(250, random), new BigInteger(250, random)));
      if (q == null) {
        continue;
      }
      found++;
      boolean rTorsion = q.mul(R).isInfinity();
      assertThat(rTorsion).isFalse();
      assertThat(q.isInSubgroup()).isEqualTo(rTorsion);
    }
  }

  @Test
  void fieldArithmetic_agreesWithBigInteger() {
    Random random = new Random(1);
    for (int i = 0; i < 200; i++) {
      BigInteger a = new BigInteger(256, random).mod(Fp.P);
      BigInteger b = new BigInteger(256, random).mod(Fp.P);
      Fp fa = Fp.fromBigInteger(a);
      Fp fb = Fp.fromBigInteger(b);
      assertThat(fa.mul(fb).toBigInteger()).isEqualTo(a.multiply(b).mod(Fp.P));
      assertThat(fa.add(fb).toBigInteger()).isEqualTo(a.add(b).mod(Fp.P));
      assertThat(fa.sub(fb).toBigInteger()).isEqualTo(a.subtract(b).mod(Fp.P));
    }
    BigInteger pMinus1 = Fp.P.subtract(BigInteger.ONE);
    Fp max = Fp.fromBigInteger(pMinus1);
    assertThat(max.mul(max).toBigInteger()).isEqualTo(BigInteger.ONE);
    assertThat(max.add(max).toBigInteger()).isEqualTo(pMinus1.subtract(BigInteger.ONE));
  }

  private static BigInteger word(String hex, int offset, int index) {
    int start = offset + index * 64;
    return new BigInteger(hex.substring(start, start + 64), 16);
  }

  private static G1 g1(BigInteger x, BigInteger y) {
    if (x.signum() == 0 && y.signum() == 0) {
      return G1.INFINITY;
    }
    G1 p = G1.ofAffine(Fp.fromBigInteger(x), Fp.fromBigInteger(y));
    assertThat(p).as("G1 on curve").isNotNull();
    return p;
  }

  private static G2 g2(BigInteger x0, BigInteger x1, BigInteger y0, BigInteger y1) {
    if (x0.signum() == 0 && x1.signum() == 0 && y0.signum() == 0 && y1.signum() == 0) {
      return G2.INFINITY;
    }
    G2 q = G2.ofAffine(Fp2.of(x0, x1), Fp2.of(y0, y1));
    assertThat(q).as("G2 on twist").isNotNull();
    return q;
  }
}
