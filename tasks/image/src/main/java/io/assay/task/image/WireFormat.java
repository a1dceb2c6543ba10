package io.assay.task.image;

import com.fasterxml.jackson.core.JsonGenerator;
import io.assay.task.Json;
import io.assay.task.TaskException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
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
