package io.assay.task.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

/**
 * Edit requests as a user's client writes them: a {@code multipart/form-data} form with its own
 * boundary, and PNG files written by the JDK's encoder (not ours), in whatever colour type the
 * test picks.
 */
final class EditForms {

  static final String BOUNDARY = "----client-boundary-7MA4YWxkTrZu0gW";
  static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  EditForms field(String name, String value) {
    write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name
        + "\"\r\n\r\n" + value + "\r\n");
    return this;
  }

  EditForms file(String name, byte[] data) {
    write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name
        + "\"; filename=\"" + name + ".png\"\r\nContent-Type: image/png\r\n\r\n");
    out.writeBytes(data);
    write("\r\n");
    return this;
  }

  byte[] body() {
    ByteArrayOutputStream done = new ByteArrayOutputStream();
    done.writeBytes(out.toByteArray());
    done.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return done.toByteArray();
  }

  ImageRequest parse() {
    return (ImageRequest) Fixtures.KIND.parseRequest(ImageRequest.EDITS_PATH, CONTENT_TYPE,
        body());
  }

  private void write(String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A picture of smooth gradients, {@code type} a {@link BufferedImage} type, as PNG. */
  static byte[] picture(int width, int height, int type) {
    BufferedImage image = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = 255 * x / width;
        int g = 255 * y / height;
        int b = (x * 7 + y * 13) & 0xff;
        image.setRGB(x, y, 0xff000000 | r << 16 | g << 8 | b);
      }
    }
    return png(image);
  }

  /**
   * A mask: opaque black, with the rectangle {@code [x0, x1) x [y0, y1)} fully transparent
   * (empty rectangle: no transparency at all).
   */
  static byte[] mask(int width, int height, int x0, int y0, int x1, int y1) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        boolean inside = x >= x0 && x < x1 && y >= y0 && y < y1;
        image.setRGB(x, y, inside ? 0x00000000 : 0xff000000);
      }
    }
    return png(image);
  }

  static byte[] png(BufferedImage image) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
