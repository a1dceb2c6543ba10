package io.assay.task.image;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.assay.task.InvalidAnswerException;
import io.assay.task.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads an images response ({@code {"created":..,"data":[{"b64_json":..,"revised_prompt":..}]}})
 * in one streaming pass, checking the count and, from each PNG's header only, the size. Pictures
 * by {@code url} are refused: a miner must send the bytes.
 */
final class AnswerReader {

  /** Longest {@code revised_prompt} passed on to users. */
  static final int MAX_REVISED_PROMPT_CHARS = 4000;

  private AnswerReader() {}

  static ImageAnswer read(byte[] body, int n, ImageSize size) {
    long created = 0;
    List<ImageAnswer.Image> images = null;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidAnswerException("the answer is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("created".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
          created = p.getLongValue();
        } else if ("data".equals(field)) {
          images = readData(p, value, n, size);
        } else {
          p.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      throw new InvalidAnswerException("the answer is not valid JSON: " + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new InvalidAnswerException("the answer could not be read: " + e, e);
    }
    if (images == null) {
      throw new InvalidAnswerException("the answer has no 'data' array");
    }
    if (images.size() != n) {
      throw new InvalidAnswerException(images.size() + " pictures for n=" + n);
    }
    return new ImageAnswer(created, images);
  }

  private static List<ImageAnswer.Image> readData(JsonParser p, JsonToken value, int n,
      ImageSize size) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      throw new InvalidAnswerException("'data' is not an array");
    }
    List<ImageAnswer.Image> images = new ArrayList<>(n);
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      int i = images.size();
      if (i == n) {
        throw new InvalidAnswerException("more than " + n + " pictures for n=" + n);
      }
      if (t != JsonToken.START_OBJECT) {
        throw new InvalidAnswerException("data[" + i + "] is not an object");
      }
      byte[] png = null;
      String revised = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if ("b64_json".equals(field) && v == JsonToken.VALUE_STRING) {
          png = decode(p.getText(), i);
        } else if ("revised_prompt".equals(field) && v == JsonToken.VALUE_STRING) {
          revised = p.getText();
          if (revised.length() > MAX_REVISED_PROMPT_CHARS) {
            throw new InvalidAnswerException("data[" + i + "].revised_prompt is longer than "
                + MAX_REVISED_PROMPT_CHARS + " characters");
          }
        } else {
          p.skipChildren();
        }
      }
      if (png == null) {
        throw new InvalidAnswerException("data[" + i + "] has no b64_json picture");
      }
      PngHeader header;
      try {
        header = PngHeader.read(png);
      } catch (IllegalArgumentException e) {
        throw new InvalidAnswerException("data[" + i + "] " + e.getMessage());
      }
      if (header.width() != size.width() || header.height() != size.height()) {
        throw new InvalidAnswerException("data[" + i + "] is " + header.width() + "x"
            + header.height() + ", but " + size + " was asked for");
      }
      images.add(new ImageAnswer.Image(png, revised));
    }
    return images;
  }

  private static byte[] decode(String b64, int i) {
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new InvalidAnswerException("data[" + i + "].b64_json is not valid base64");
    }
  }
}
