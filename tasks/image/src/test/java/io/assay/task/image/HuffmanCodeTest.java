package io.assay.task.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HuffmanCodeTest {

  @Test
  void fibonacciFrequencies_areLimitedTo15Bits_andTheCodeIsComplete() {
    int[] freq = new int[40];
    freq[0] = 1;
    freq[1] = 1;
    for (int i = 2; i < freq.length; i++) {
      freq[i] = Math.min(freq[i - 1] + freq[i - 2], 1 << 30);
    }
    HuffmanCode code = HuffmanCode.optimal(freq, 15);
    int[] lengths = code.lengths();
    for (int len : lengths) {
      assertThat(len).isBetween(1, 15);
    }
    assertThat(kraftSumTimes2Pow15(lengths)).isEqualTo(1 << 15);
  }

  @Test
  void withoutALimitBinding_costEqualsPlainHuffman() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      int[] freq = new int[2 + random.nextInt(290)];
      for (int i = 0; i < freq.length; i++) {
        // At least 100 out of ~160000: no plain Huffman code gets deeper than 15 bits.
        freq[i] = random.nextInt(4) == 0 ? 0 : 100 + random.nextInt(1000);
      }
      freq[0] = 100;
      freq[1] = 100;
      HuffmanCode code = HuffmanCode.optimal(freq, 15);
      assertThat(code.cost(freq)).isEqualTo(huffmanCost(freq));
      assertThat(kraftSumTimes2Pow15(code.lengths())).isEqualTo(1 << 15);
    }
  }

  @Test
  void oneUsedSymbol_getsAPartner_soTheCodeStaysComplete() {
    int[] freq = new int[19];
    freq[5] = 9;
    int[] lengths = HuffmanCode.optimal(freq, 7).lengths();
    assertThat(lengths[5]).isEqualTo(1);
    assertThat(kraftSumTimes2Pow15(lengths)).isEqualTo(1 << 15);
  }

  @Test
  void noUsedSymbol_givesTwoOneBitCodes() {
    assertThat(HuffmanCode.optimal(new int[30], 15).lengths()).startsWith(1, 1);
  }

  @Test
  void codeLengthAlphabet_isLimitedTo7Bits() {
    int[] freq = new int[19];
    for (int i = 0; i < freq.length; i++) {
      freq[i] = 1 << i;
    }
    for (int len : HuffmanCode.optimal(freq, 7).lengths()) {
      assertThat(len).isBetween(1, 7);
    }
  }

  private static long kraftSumTimes2Pow15(int[] lengths) {
    long sum = 0;
    for (int len : lengths) {
      if (len > 0) {
        sum += 1L << (15 - len);
      }
    }
    return sum;
  }

  /** Cost of an unlimited Huffman code: the sum of all merged weights. */
  private static long huffmanCost(int[] freq) {
    PriorityQueue<Long> queue = new PriorityQueue<>();
    for (int f : freq) {
      if (f > 0) {
        queue.add((long) f);
      }
    }
    long cost = 0;
    while (queue.size() > 1) {
      long merged = queue.poll() + queue.poll();
      cost += merged;
      queue.add(merged);
    }
    return cost;
  }
}
