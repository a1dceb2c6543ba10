package io.assay.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleRootTest {

  private static final byte[] A = "a".getBytes(UTF_8);
  private static final byte[] B = "b".getBytes(UTF_8);
  private static final byte[] C = "c".getBytes(UTF_8);

  @Test
  void noLeaves_isTheHashOfNothing() {
    assertThat(MerkleRoot.of(List.of())).isEqualTo(Codec.sha256(new byte[0]));
  }

  @Test
  void oneLeaf_isItsPrefixedHash() {
    assertThat(MerkleRoot.of(List.of(A))).isEqualTo(leaf(A));
  }

  @Test
  void threeLeaves_promoteTheOddOne() {
    assertThat(MerkleRoot.of(List.of(A, B, C))).isEqualTo(node(node(leaf(A), leaf(B)), leaf(C)));
  }

  @Test
  void fiveLeaves_matchTheRfc6962Shape() {
    byte[] d = "d".getBytes(UTF_8);
    byte[] e = "e".getBytes(UTF_8);

    assertThat(MerkleRoot.of(List.of(A, B, C, d, e))).isEqualTo(
        node(node(node(leaf(A), leaf(B)), node(leaf(C), leaf(d))), leaf(e)));
  }

  @Test
  void knownVector_rfc6962EmptyAndSingleEmptyLeaf() {
    assertThat(Codec.hex(MerkleRoot.of(List.of())))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(Codec.hex(MerkleRoot.of(List.of(new byte[0]))))
        .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  }

  @Test
  void reorderedLeaves_giveAnotherRoot() {
    assertThat(MerkleRoot.of(List.of(B, A, C))).isNotEqualTo(MerkleRoot.of(List.of(A, B, C)));
  }

  @Test
  void aLeafCannotPassForANode() {
    byte[] pair = concat(leaf(A), leaf(B));

    assertThat(MerkleRoot.of(List.of(pair))).isNotEqualTo(MerkleRoot.of(List.of(A, B)));
  }

  private static byte[] leaf(byte[] data) {
    return Codec.sha256(concat(new byte[] {0}, data));
  }

  private static byte[] node(byte[] left, byte[] right) {
    return Codec.sha256(concat(new byte[] {1}, concat(left, right)));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
