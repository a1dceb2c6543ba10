package io.assay.task.image;

import com.fasterxml.jackson.core.JsonGenerator;
import io.assay.task.Json;
import io.assay.task.TaskException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes the image API's JSON bodies; field order is fixed so bodies are canonical. */
final class WireFormat {

  private WireFormat() {}

  /**
   * The body a miner (or an upstream server, under its own {@code model} name) receives: every
   * choice explicit, pictures always asked for inline.
   */
  static byte[] generationRequest(String model, ImageRequest r, ImageSize size, int steps,
      long seed, double guidance) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + r.prompt().length());
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", model);
      g.writeStringField("prompt", r.prompt());
      if (r.negativePrompt() != null) {
        g.writeStringField("negative_prompt", r.negativePrompt());
      }
      g.writeNumberField("n", r.n());
      g.writeStringField("size", size.toString());
      g.writeStringField("response_format", ImageRequest.B64_JSON);
      g.writeNumberField("steps", steps);
      g.writeNumberField("seed", seed);
      g.writeNumberField("guidance_scale", guidance);
      g.writeEndObject();
    } catch (IOException e) {
      throw new TaskException("could not write an image request", e);
    }
    return out.toByteArray();
  }

  /** A request body and the {@code Content-Type} it goes with. */
  record Body(byte[] body, String contentType) {}

  /**
   * The edit a miner (or an upstream server, under its own {@code model} name) receives, as
   * OpenAI's {@code multipart/form-data}: every choice explicit, pictures asked for inline, the
   * canonical pictures and mask as raw PNG files (no base64), fields in a fixed order under a
   * boundary made from their content, so the same edit is always the same bytes.
   *
   * @param r a resolved edit (size, steps and guidance filled in)
   */
  static Body editRequest(String model, ImageRequest r, long seed) {
    EditForm form = editForm(model, r, seed);
    return new Body(MultipartForm.write(form.boundary(), form.parts()),
        MultipartForm.contentType(form.boundary()));
  }

  /** The {@code Content-Type} of {@link #editRequest}'s body, without writing the body. */
  static String editContentType(String model, ImageRequest r, long seed) {
    return MultipartForm.contentType(editForm(model, r, seed).boundary());
  }

  private record EditForm(List<MultipartForm.Part> parts, String boundary) {}

  private static EditForm editForm(String model, ImageRequest r, long seed) {
    List<MultipartForm.Part> parts = new java.util.ArrayList<>();
    field(parts, "model", model);
    field(parts, "prompt", r.prompt());
    if (r.negativePrompt() != null) {
      field(parts, "negative_prompt", r.negativePrompt());
    }
    field(parts, "n", Integer.toString(r.n()));
    field(parts, "size", r.size().toString());
    field(parts, "response_format", ImageRequest.B64_JSON);
    field(parts, "strength", Double.toString(r.edit().strength()));
    field(parts, "steps", Integer.toString(r.steps()));
    field(parts, "seed", Long.toString(seed));
    field(parts, "guidance_scale", Double.toString(r.guidanceScale()));
    // The pictures enter the boundary's digest through their own, computed once when parsed.
    java.security.MessageDigest sha = EditInputs.newSha256();
    for (MultipartForm.Part part : parts) {
      sha.update(part.name().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(part.data());
      sha.update((byte) 0);
    }
    r.edit().digestInto(sha);
    List<EditInputs.Picture> images = r.edit().images();
    for (int i = 0; i < images.size(); i++) {
      parts.add(new MultipartForm.Part(images.size() == 1 ? "image" : "image[]",
          images.size() == 1 ? "image.png" : "image-" + i + ".png", images.get(i).png()));
    }
    if (r.edit().mask() != null) {
      parts.add(new MultipartForm.Part("mask", "mask.png", r.edit().mask().png()));
    }
    return new EditForm(parts, MultipartForm.boundaryOf(sha.digest()));
  }

  private static void field(List<MultipartForm.Part> parts, String name, String value) {
    parts.add(new MultipartForm.Part(name, null, value.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * OpenAI's images response: {@code {"created":..,"data":[{"b64_json":..}]}}, or with {@code
   * urls} given, {@code {"url":..}} items instead. A picture's {@code revised_prompt} is written
   * only when it has one.
   */
  static byte[] imagesResponse(long created, List<ImageAnswer.Image> images, List<URI> urls) {
    long size = 64;
    for (ImageAnswer.Image image : images) {
      size += urls == null ? image.png().length * 4L / 3 + 32 : 128;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(size, 1 << 30));
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("created", created);
      g.writeArrayFieldStart("data");
      for (int i = 0; i < images.size(); i++) {
        ImageAnswer.Image image = images.get(i);
        g.writeStartObject();
        if (urls == null) {
          g.writeFieldName("b64_json");
          g.writeBinary(image.png());
        } else {
          g.writeStringField("url", urls.get(i).toString());
        }
        if (image.revisedPrompt() != null) {
          g.writeStringField("revised_prompt", image.revisedPrompt());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new TaskException("could not write an images response", e);
    }
    return out.toByteArray();
  }
}
