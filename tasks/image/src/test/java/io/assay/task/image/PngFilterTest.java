package io.assay.task.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngFilterTest {

  @Test
  void filteredRows_unfilterBackToThePixels() {
    Random random = new Random(11);
    for (int round = 0; round < 50; round++) {
      int width = 1 + random.nextInt(40);
      int height = 1 + random.nextInt(40);
      byte[] rgb = round % 2 == 0 ? noise(random, width, height) : gradient(random, width, height);
      byte[] filtered = PngFilter.filter(rgb, 3 * width, height, 3);
      assertThat(unfilter(filtered, 3 * width, height, 3)).isEqualTo(rgb);
    }
  }

  @Test
  void filterChoice_followsTheSmallestSumOfResiduals() {
    int width = 16;
    int height = 3;
    byte[] rgb = new byte[3 * width * height];
    Random random = new Random(12);
    // Row 0 random, row 1 a copy of it (Up), row 2 one flat colour (Sub).
    for (int i = 0; i < 3 * width; i++) {
      rgb[i] = (byte) random.nextInt(256);
      rgb[3 * width + i] = rgb[i];
      rgb[6 * width + i] = (byte) (3 - i % 3);
    }
    byte[] filtered = PngFilter.filter(rgb, 3 * width, height, 3);
    assertThat(filtered[3 * width + 1]).isEqualTo((byte) PngFilter.UP);
    assertThat(filtered[2 * (3 * width + 1)]).isEqualTo((byte) PngFilter.SUB);
  }

  @Test
  void blackPicture_usesNone_asTheLowestOfTiedFilters() {
    byte[] filtered = PngFilter.filter(new byte[3 * 8 * 4], 24, 4, 3);
    for (int y = 0; y < 4; y++) {
      assertThat(filtered[y * 25]).isEqualTo((byte) PngFilter.NONE);
    }
  }

  @Test
  void paeth_matchesTheSpecification() {
    assertThat(PngFilter.paeth(10, 20, 10)).isEqualTo(20);
    assertThat(PngFilter.paeth(20, 10, 10)).isEqualTo(20);
    assertThat(PngFilter.paeth(10, 10, 10)).isEqualTo(10);
    assertThat(PngFilter.paeth(0, 255, 128)).isEqualTo(128);
  }

  @Test
  void encodedPictures_decodeWithImageIo_toTheSamePixels() throws Exception {
    Random random = new Random(13);
    int[][] sizes = {{1, 1}, {1, 300}, {300, 1}, {17, 9}, {256, 200}, {640, 120}};
    for (int[] size : sizes) {
      for (int kind = 0; kind < 3; kind++) {
        int w = size[0];
        int h = size[1];
        byte[] rgb = kind == 0 ? noise(random, w, h) : kind == 1 ? gradient(random, w, h)
            : new byte[3 * w * h];
        byte[] png = PngEncoder.encode(w, h, rgb);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(w);
        assertThat(image.getHeight()).isEqualTo(h);
        int[] expected = Perceptual.fromRgb(rgb);
        int[] decoded = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < decoded.length; i++) {
          decoded[i] &= 0xFFFFFF;
        }
        assertThat(decoded).as("%dx%d kind %d", w, h, kind).isEqualTo(expected);
      }
    }
  }

  /** The decoder's side of the filters, straight from the PNG specification. */
  private static byte[] unfilter(byte[] filtered, int stride, int height, int bpp) {
    byte[] out = new byte[stride * height];
    for (int y = 0; y < height; y++) {
      int type = filtered[y * (stride + 1)];
      for (int i = 0; i < stride; i++) {
        int a = i >= bpp ? out[y * stride + i - bpp] & 0xFF : 0;
        int b = y > 0 ? out[(y - 1) * stride + i] & 0xFF : 0;
        int c = i >= bpp && y > 0 ? out[(y - 1) * stride + i - bpp] & 0xFF : 0;
        int prediction = switch (type) {
          case 0 -> 0;
          case 1 -> a;
          case 2 -> b;
          case 3 -> (a + b) / 2;
          default -> PngFilter.paeth(a, b, c);
        };
        out[y * stride + i] = (byte) (filtered[y * (stride + 1) + 1 + i] + prediction);
      }
    }
    return out;
  }

  private static byte[] noise(Random random, int w, int h) {
    byte[] b = new byte[3 * w * h];
    random.nextBytes(b);
    return b;
  }

  private static byte[] gradient(Random random, int w, int h) {
    byte[] b = new byte[3 * w * h];
    int dx = random.nextInt(5);
    int dy = random.nextInt(5);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int k = 0; k < 3; k++) {
          b[3 * (y * w + x) + k] = (byte) (x * dx + y * dy + 40 * k + random.nextInt(3));
        }
      }
    }
    return b;
  }
}
