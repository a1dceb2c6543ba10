package io.assay.task.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class DeflateTest {

  /** Inputs that exercise every block kind, the window edge and the block boundaries. */
  private static List<byte[]> inputs() {
    Random random = new Random(1);
    List<byte[]> inputs = new ArrayList<>();
    inputs.add(new byte[0]);
    inputs.add(new byte[] {42});
    inputs.add(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0});
    inputs.add(new byte[100_000]);
    for (int size : new int[] {2, 7, 8, 9, 100, 1000, 65_535, 65_536, 70_000, 300_000}) {
      inputs.add(randomBytes(random, size, 256));
      inputs.add(randomBytes(random, size, 5));
    }
    inputs.add(runs(random, 200_000));
    inputs.add(repeated(random, 1000, 50_000));
    // A period at the window's edge: copies 32768 back are allowed, 32769 back are not.
    inputs.add(repeated(random, 32_768, 100_000));
    inputs.add(repeated(random, 32_769, 100_000));
    inputs.add(repeated(random, 40_000, 130_000));
    inputs.add("the quick brown fox jumps over the lazy dog; ".repeat(5000)
        .getBytes(StandardCharsets.US_ASCII));
    // More than one 64 Ki-token block of literals and matches mixed.
    byte[] mixed = new byte[400_000];
    for (int i = 0; i < mixed.length; i++) {
      mixed[i] = (byte) ((i / 3000) % 2 == 0 ? random.nextInt(16) : i / 50);
    }
    inputs.add(mixed);
    inputs.add(PngFilter.filter(ReferenceImageEngine.render(new ReferenceImageEngine.Params(
        "red sunset over the sea", null, 3, 200, 150, 5, 7.5)).rgb(), 600, 150, 3));
    inputs.add(PngFilter.filter(ReferenceImageEngine.render(new ReferenceImageEngine.Params(
        "pixel art dragon", null, 3, 200, 150, 5, 7.5)).rgb(), 600, 150, 3));
    return inputs;
  }

  @Test
  void everyInput_inflatesBackToItself() throws Exception {
    for (byte[] input : inputs()) {
      assertThat(inflate(Deflate.compress(input), true, input.length))
          .as("raw deflate of %d bytes", input.length).isEqualTo(input);
      assertThat(inflate(Deflate.zlib(input), false, input.length))
          .as("zlib of %d bytes", input.length).isEqualTo(input);
    }
  }

  @Test
  void sameInput_givesIdenticalBytes() {
    for (byte[] input : inputs()) {
      assertThat(Deflate.zlib(input)).isEqualTo(Deflate.zlib(input.clone()));
    }
  }

  @Test
  void zlibHeader_isDeflateWith32KiBWindowAndValidCheck() {
    byte[] z = Deflate.zlib(new byte[10]);
    assertThat(z[0] & 0x0F).isEqualTo(8);
    assertThat((z[0] & 0xFF) >>> 4).isEqualTo(7);
    assertThat(((z[0] & 0xFF) << 8 | (z[1] & 0xFF)) % 31).isZero();
    assertThat(z[1] & 0x20).as("no preset dictionary").isZero();
  }

  @Test
  void eachInput_getsTheCheapestBlockKind() {
    assertThat(firstBlockType(Deflate.compress(randomBytes(new Random(2), 10_000, 256))))
        .as("random bytes are stored").isZero();
    assertThat(firstBlockType(Deflate.compress("hello, hello, hello".getBytes(
        StandardCharsets.US_ASCII)))).as("a short text uses the fixed code").isEqualTo(1);
    assertThat(firstBlockType(Deflate.compress(randomBytes(new Random(3), 10_000, 5))))
        .as("a skewed alphabet gets its own code").isEqualTo(2);
  }

  @Test
  void compressibleInput_shrinks_andIncompressibleInput_barelyGrows() {
    assertThat(Deflate.compress(new byte[1 << 20]).length).isLessThan(5_000);
    assertThat(Deflate.compress(randomBytes(new Random(4), 1000, 5)).length).isLessThan(400);
    byte[] noise = randomBytes(new Random(5), 300_000, 256);
    assertThat(Deflate.compress(noise).length).isLessThan(noise.length + 100);
  }

  @Test
  void emptyInput_isOneFinalFixedBlockWithOnlyTheEndCode() {
    assertThat(Deflate.compress(new byte[0])).containsExactly(0x03, 0x00);
  }

  private static int firstBlockType(byte[] deflated) {
    return (deflated[0] >>> 1) & 3;
  }

  static byte[] inflate(byte[] data, boolean raw, int expectedLength) throws DataFormatException {
    Inflater inflater = new Inflater(raw);
    try {
      // A raw (nowrap) Inflater may need one byte past the stream to see its end.
      inflater.setInput(raw ? Arrays.copyOf(data, data.length + 1) : data);
      ByteArrayOutputStream out = new ByteArrayOutputStream(expectedLength);
      byte[] buffer = new byte[65_536];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && !inflater.finished()
            && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new AssertionError("truncated stream");
        }
        out.write(buffer, 0, n);
      }
      assertThat(inflater.getRemaining()).as("bytes after the stream").isEqualTo(raw ? 1 : 0);
      return out.toByteArray();
    } finally {
      inflater.end();
    }
  }

  private static byte[] randomBytes(Random random, int size, int alphabet) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (alphabet == 5 ? skewed(random) : random.nextInt(alphabet));
    }
    return b;
  }

  /** Mostly 0, sometimes 1..4: a skewed alphabet a dynamic code fits. */
  private static int skewed(Random random) {
    int r = random.nextInt(16);
    return r < 10 ? 0 : r < 13 ? 1 : r < 15 ? 2 : 3 + random.nextInt(2);
  }

  private static byte[] runs(Random random, int size) {
    byte[] b = new byte[size];
    int i = 0;
    while (i < size) {
      int run = 1 + random.nextInt(random.nextBoolean() ? 10 : 2000);
      byte v = (byte) random.nextInt(256);
      for (int k = 0; k < run && i < size; k++) {
        b[i++] = v;
      }
    }
    return b;
  }

  private static byte[] repeated(Random random, int period, int size) {
    byte[] unit = randomBytes(random, period, 256);
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = unit[i % period];
    }
    return b;
  }
}
