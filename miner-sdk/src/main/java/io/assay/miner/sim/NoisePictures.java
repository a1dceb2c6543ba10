package io.assay.miner.sim;

import io.assay.task.TaskException;
import io.assay.task.image.ImageAnswer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Pictures of random noise in place of honest ones: each honest PNG becomes an 8-bit RGB PNG of
 * the same width and height (read from its {@code IHDR}, without decoding pixels) whose pixels
 * are uniform noise. A picture's noise comes from one seed drawn from the shared generator, so a
 * seeded generator repeats the same pictures while the pixels are drawn without holding its lock.
 *
 * <p>Encoding is CPU work proportional to the picture (tens of milliseconds at 512x512); it runs
 * on the thread that completes the honest answer, a worker for the reference engine.
 */
final class NoisePictures {

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private NoisePictures() {}

  /** {@code honest} with every picture replaced by noise of its size; other fields kept. */
  static ImageAnswer noise(ImageAnswer honest, LockedRandom random) {
    List<ImageAnswer.Image> images = new ArrayList<>(honest.images().size());
    for (ImageAnswer.Image image : honest.images()) {
      int[] size = size(image.png());
      images.add(new ImageAnswer.Image(png(size[0], size[1], random.nextLong()),
          image.revisedPrompt()));
    }
    return new ImageAnswer(honest.created(), images);
  }

  /**
   * The {@code {width, height}} a PNG's {@code IHDR} declares.
   *
   * @throws TaskException when {@code png} does not start like a PNG file
   */
  static int[] size(byte[] png) {
    if (png.length < 24 || png[12] != 'I' || png[13] != 'H' || png[14] != 'D'
        || png[15] != 'R') {
      throw new TaskException("random-output: the honest picture is not a PNG file");
    }
    for (int i = 0; i < SIGNATURE.length; i++) {
      if (png[i] != SIGNATURE[i]) {
        throw new TaskException("random-output: the honest picture is not a PNG file");
      }
    }
    int width = readInt(png, 16);
    int height = readInt(png, 20);
    if (width <= 0 || height <= 0) {
      throw new TaskException("random-output: the honest picture claims an impossible size "
          + width + "x" + height);
    }
    return new int[] {width, height};
  }

  /** An RGB PNG of uniform noise drawn from {@code seed}. */
  static byte[] png(int width, int height, long seed) {
    SplittableRandom noise = new SplittableRandom(seed);
    BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        row[x] = noise.nextInt() & 0xffffff;
      }
      picture.setRGB(0, y, width, 1, row, 0, width);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(width * height * 3 + 1024);
    try {
      if (!ImageIO.write(picture, "png", out)) {
        throw new TaskException("random-output: this JVM has no PNG writer");
      }
    } catch (IOException e) {
      throw new TaskException("random-output: cannot encode a " + width + "x" + height
          + " noise picture: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  private static int readInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }
}
