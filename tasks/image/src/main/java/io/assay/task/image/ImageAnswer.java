package io.assay.task.image;

import io.assay.task.TaskAnswer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Pictures answering an {@link ImageRequest}, in order: picture {@code i} was made with the
 * request's seed plus {@code i}.
 *
 * <p>The PNG arrays are shared, not copied: nobody may modify them after construction. {@link
 * #equals} compares their contents.
 *
 * @param created Unix seconds at which the answer was made, as the miner reported it
 * @param images the pictures
 */
public record ImageAnswer(long created, List<Image> images) implements TaskAnswer {

  public ImageAnswer {
    images = List.copyOf(images);
    if (images.isEmpty()) {
      throw new IllegalArgumentException("an image answer holds at least one picture");
    }
  }

  /** OpenAI's shape, pictures inline: {@code {"created":..,"data":[{"b64_json":".."}]}}. */
  @Override
  public byte[] toMinerBody() {
    return WireFormat.imagesResponse(created, images, null);
  }

  /**
   * One picture.
   *
   * @param png the PNG file's bytes
   * @param revisedPrompt the prompt the server actually drew, when it says so; or null
   */
  public record Image(byte[] png, String revisedPrompt) {

    public Image {
      Objects.requireNonNull(png, "png");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Image other && Arrays.equals(png, other.png)
          && Objects.equals(revisedPrompt, other.revisedPrompt);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(png) * 31 + Objects.hashCode(revisedPrompt);
    }

    @Override
    public String toString() {
      return "Image[" + png.length + " PNG bytes"
          + (revisedPrompt == null ? "" : ", revisedPrompt=" + revisedPrompt) + "]";
    }
  }
}
