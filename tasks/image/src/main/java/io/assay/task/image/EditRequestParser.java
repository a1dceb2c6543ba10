package io.assay.task.image;

import io.assay.task.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code POST /v1/images/edits} bodies: {@code multipart/form-data} as OpenAI defines it.
 *
 * <p>Fields: {@code image} (a PNG file; several as repeated {@code image} or {@code image[]}
 * parts), {@code mask} (a PNG file with alpha: its fully transparent pixels are the area to
 * redraw), {@code prompt} (required), {@code model}, {@code n}, {@code size}, {@code
 * response_format}, {@code user}, and Assay's extensions {@code strength} (0 to 1, default
 * {@value EditInputs#DEFAULT_STRENGTH}), {@code steps}, {@code seed}, {@code guidance_scale} and
 * {@code negative_prompt}, with the ranges {@link RequestParser} applies to generations. Other
 * fields ({@code quality}, {@code background}, ...) are skipped.
 *
 * <p>Pictures are checked and made canonical here ({@link EditInputs}): each must be a PNG of at
 * most {@value #MAX_SIDE} pixels a side (checked on its header, before it is decoded), all of one
 * size, the mask of that size too and with at least one fully transparent pixel. Without a mask,
 * the first picture's fully transparent pixels, if it has any, are the area to redraw, as OpenAI
 * takes them. Whether the size is one the model draws is the bound task's check. Decoding takes
 * milliseconds, so this runs on a worker ({@link ImageKind#parsesOnWorker}).
 */
final class EditRequestParser {

  /** Largest side of a picture decoded at all: the largest any image model here draws. */
  static final int MAX_SIDE = 1792;
  /** Most pictures in one edit. */
  static final int MAX_IMAGES = 16;

  private EditRequestParser() {}

  static ImageRequest parse(String path, String contentType, byte[] body) {
    if (body == null || body.length == 0) {
      throw InvalidRequestException.unparsableBody();
    }
    String model = ReferenceImageEngine.MODEL_ID;
    String prompt = null;
    String negativePrompt = null;
    int n = 1;
    ImageSize size = null;
    String responseFormat = ImageRequest.B64_JSON;
    Integer steps = null;
    Long seed = null;
    Double guidance = null;
    double strength = EditInputs.DEFAULT_STRENGTH;
    String user = null;
    List<byte[]> images = new ArrayList<>();
    byte[] mask = null;
    for (MultipartForm.Part part : MultipartForm.read(contentType, body)) {
      String name = part.name();
      switch (name) {
        case "image", "image[]" -> {
          if (images.size() == MAX_IMAGES) {
            throw new InvalidRequestException("Too many images: at most " + MAX_IMAGES
                + " may be edited at once.", "image", RequestParser.INVALID_VALUE);
          }
          images.add(part.data());
        }
        case "mask" -> mask = part.data();
        case "model" -> model = nonBlank(part, "model");
        case "prompt" -> prompt = text(part, "prompt");
        case "negative_prompt" -> negativePrompt = text(part, "negative_prompt");
        case "n" -> n = RequestParser.checkN(integer(part, "an integer from 1 to "
            + RequestParser.MAX_N));
        case "size" -> size = RequestParser.checkSize(part.text().strip());
        case "response_format" -> responseFormat =
            RequestParser.checkFormat(part.text().strip());
        case "strength" -> strength = strength(part);
        case "steps" -> steps = RequestParser.checkSteps(integer(part, "a positive integer"));
        case "seed" -> seed = RequestParser.checkSeed(integer(part, "an integer"));
        case "guidance_scale" -> guidance = RequestParser.checkGuidance(number(part),
            part.text().strip());
        case "user" -> user = part.text();
        default -> { } // fields that do not change the picture here
      }
    }
    if (prompt == null) {
      throw new InvalidRequestException("Missing required parameter: 'prompt'.", "prompt",
          RequestParser.MISSING);
    }
    if (prompt.isBlank()) {
      throw new InvalidRequestException("'prompt' must not be empty.", "prompt",
          RequestParser.INVALID_VALUE);
    }
    if (images.isEmpty()) {
      throw new InvalidRequestException("Missing required parameter: 'image' (a PNG file to"
          + " edit).", "image", RequestParser.MISSING);
    }
    EditInputs inputs = inputs(images, mask, strength);
    return new ImageRequest(path, model, prompt, negativePrompt, n, size, responseFormat, steps,
        seed, guidance, user, inputs);
  }

  /** The canonical pictures and mask of an upload. */
  private static EditInputs inputs(List<byte[]> uploads, byte[] maskUpload, double strength) {
    List<EditInputs.Picture> pictures = new ArrayList<>(uploads.size());
    int[] firstArgb = null;
    PngHeader first = null;
    for (int i = 0; i < uploads.size(); i++) {
      String param = uploads.size() == 1 ? "image" : "image[" + i + "]";
      PngHeader header = header(uploads.get(i), param);
      if (first != null && (header.width() != first.width()
          || header.height() != first.height())) {
        throw new InvalidRequestException("'" + param + "' is " + size(header) + " but 'image'"
            + " is " + size(first) + ": the pictures of one edit must have one size.", "image",
            RequestParser.INVALID_VALUE);
      }
      int[] argb = decode(uploads.get(i), header, param);
      if (first == null) {
        first = header;
        firstArgb = argb;
      }
      byte[] rgb = rgb(argb);
      // A plain RGB file (the canonical form, as miners and the checker receive it) is kept as
      // it is; writing it anew would cost tens of milliseconds and change nothing.
      pictures.add(PngHeader.isPlain(uploads.get(i), 2)
          ? EditInputs.Picture.ofPlainPng(header.width(), header.height(), rgb, uploads.get(i))
          : EditInputs.Picture.ofRgb(header.width(), header.height(), rgb));
    }
    EditInputs.Mask mask = null;
    if (maskUpload != null) {
      PngHeader header = header(maskUpload, "mask");
      if (header.width() != first.width() || header.height() != first.height()) {
        throw new InvalidRequestException("'mask' is " + size(header) + " but 'image' is "
            + size(first) + ": they must be the same size.", "mask",
            RequestParser.INVALID_VALUE);
      }
      int[] argb = decode(maskUpload, header, "mask");
      boolean[] redraw = transparent(argb);
      if (redraw == null) {
        throw new InvalidRequestException("'mask' has no transparent pixels: its fully"
            + " transparent (alpha 0) pixels mark the area to redraw, so this mask would change"
            + " nothing. Send a PNG with an alpha channel, or leave the mask out to change the"
            + " whole picture.", "mask", RequestParser.INVALID_VALUE);
      }
      mask = PngHeader.isPlain(maskUpload, 6) && blackAndBinary(argb)
          ? EditInputs.Mask.ofCanonicalPng(header.width(), header.height(), redraw, maskUpload)
          : EditInputs.Mask.of(header.width(), header.height(), redraw);
    } else {
      boolean[] redraw = transparent(firstArgb);
      if (redraw != null) {
        mask = EditInputs.Mask.of(first.width(), first.height(), redraw);
      }
    }
    return new EditInputs(pictures, mask, strength);
  }

  private static PngHeader header(byte[] upload, String param) {
    PngHeader header;
    try {
      header = PngHeader.read(upload);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("'" + param + "' " + e.getMessage()
          + "; edits take PNG files.", param.startsWith("image") ? "image" : param,
          RequestParser.INVALID_VALUE);
    }
    if (header.width() > MAX_SIDE || header.height() > MAX_SIDE) {
      throw new InvalidRequestException("'" + param + "' is " + size(header) + ": pictures of"
          + " more than " + MAX_SIDE + " pixels a side are not edited.",
          param.startsWith("image") ? "image" : param, RequestParser.INVALID_VALUE);
    }
    return header;
  }

  private static int[] decode(byte[] upload, PngHeader header, String param) {
    try {
      return Perceptual.decodeArgb(upload, header.width(), header.height());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("'" + param + "' " + e.getMessage() + ".",
          param.startsWith("image") ? "image" : param, RequestParser.INVALID_VALUE);
    }
  }

  private static byte[] rgb(int[] argb) {
    byte[] out = new byte[3 * argb.length];
    for (int i = 0; i < argb.length; i++) {
      out[3 * i] = (byte) (argb[i] >>> 16);
      out[3 * i + 1] = (byte) (argb[i] >>> 8);
      out[3 * i + 2] = (byte) argb[i];
    }
    return out;
  }

  /** Whether every pixel is black and either fully transparent or opaque: a canonical mask's. */
  private static boolean blackAndBinary(int[] argb) {
    for (int p : argb) {
      if (p != 0 && p != 0xff000000) {
        return false;
      }
    }
    return true;
  }

  /** Which pixels are fully transparent, or null when none is. */
  private static boolean[] transparent(int[] argb) {
    boolean[] out = new boolean[argb.length];
    boolean any = false;
    for (int i = 0; i < argb.length; i++) {
      out[i] = (argb[i] >>> 24) == 0;
      any |= out[i];
    }
    return any ? out : null;
  }

  private static String size(PngHeader header) {
    return header.width() + "x" + header.height();
  }

  private static String text(MultipartForm.Part part, String param) {
    return RequestParser.checkLength(part.text(), param);
  }

  private static String nonBlank(MultipartForm.Part part, String param) {
    String text = part.text().strip();
    if (text.isEmpty()) {
      throw new InvalidRequestException("'" + param + "' must not be empty.", param,
          RequestParser.INVALID_VALUE);
    }
    return text;
  }

  private static long integer(MultipartForm.Part part, String what) {
    String text = part.text().strip();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("'" + part.name() + "' must be " + what + ", got '"
          + abbreviate(text) + "'.", part.name(), RequestParser.INVALID_TYPE);
    }
  }

  private static double number(MultipartForm.Part part) {
    String text = part.text().strip();
    try {
      double value = Double.parseDouble(text);
      if (Double.isFinite(value) && !text.endsWith("d") && !text.endsWith("f")
          && !text.endsWith("D") && !text.endsWith("F")) {
        return value;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new InvalidRequestException("'" + part.name() + "' must be a number, got '"
        + abbreviate(text) + "'.", part.name(), RequestParser.INVALID_TYPE);
  }

  private static double strength(MultipartForm.Part part) {
    double value = number(part);
    if (value < 0 || value > 1) {
      throw new InvalidRequestException("'strength' must be between 0 and 1, got "
          + part.text().strip() + ".", "strength", RequestParser.INVALID_VALUE);
    }
    return value;
  }

  private static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }
}
