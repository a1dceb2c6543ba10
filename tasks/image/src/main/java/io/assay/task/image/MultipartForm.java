package io.assay.task.image;

import io.assay.task.InvalidRequestException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * {@code multipart/form-data} bodies (RFC 7578), as OpenAI's {@code POST /v1/images/edits} takes
 * them: read into named parts, and written with every part in a fixed order under a boundary
 * derived from the content, so the same request is always the same bytes (receipts sign them).
 *
 * <p>Reading takes the boundary from the {@code Content-Type} header when there is one, else from
 * the body's first line (a body this class wrote, read back from the checking queue). Part
 * contents are copied out of the body; nothing is decoded here.
 */
final class MultipartForm {

  /** One part: its form field name, its file name (null for a plain field) and its bytes. */
  record Part(String name, String filename, byte[] data) {

    String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  private static final byte[] CRLF = {'\r', '\n'};
  /** Most parts accepted: pictures, the mask and a dozen plain fields leave plenty of room. */
  static final int MAX_PARTS = 64;
  private static final int MAX_HEADER_BYTES = 8 * 1024;

  private MultipartForm() {}

  /** The {@code Content-Type} of a body {@link #write} made with {@code boundary}. */
  static String contentType(String boundary) {
    return "multipart/form-data; boundary=" + boundary;
  }

  /**
   * The parts of {@code body}.
   *
   * @param contentType the request's {@code Content-Type}, or null to take the boundary from the
   *     body's first line
   * @throws InvalidRequestException when the body is not a well-formed form
   */
  static List<Part> read(String contentType, byte[] body) {
    byte[] delimiter = ("--" + boundary(contentType, body)).getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(body, delimiter, 0);
    if (at < 0 || (at > 0 && indexOf(body, concat(CRLF, delimiter), at - 2) != at - 2)) {
      throw malformed("the body does not start with its boundary");
    }
    byte[] between = concat(CRLF, delimiter);
    List<Part> parts = new ArrayList<>();
    int cursor = at + delimiter.length;
    while (true) {
      if (startsWith(body, cursor, new byte[] {'-', '-'})) {
        return parts; // the closing delimiter; an epilogue after it is ignored
      }
      cursor = skipLinearWhitespace(body, cursor);
      if (!startsWith(body, cursor, CRLF)) {
        throw malformed("a boundary line is not followed by a line break");
      }
      cursor += 2;
      int headersEnd = indexOf(body, new byte[] {'\r', '\n', '\r', '\n'}, cursor);
      if (headersEnd < 0 || headersEnd - cursor > MAX_HEADER_BYTES) {
        throw malformed("a part's headers do not end");
      }
      String headers = new String(body, cursor, headersEnd - cursor, StandardCharsets.UTF_8);
      int dataStart = headersEnd + 4;
      int dataEnd = indexOf(body, between, dataStart);
      if (dataEnd < 0) {
        throw malformed("the last part is not closed by the boundary");
      }
      if (parts.size() == MAX_PARTS) {
        throw malformed("more than " + MAX_PARTS + " parts");
      }
      parts.add(part(headers, Arrays.copyOfRange(body, dataStart, dataEnd)));
      cursor = dataEnd + between.length;
    }
  }

  /**
   * A form of {@code parts} in order, as {@code multipart/form-data} under {@code boundary}
   * (which must not occur in any part: {@link #boundaryOf} makes one that does not).
   */
  static byte[] write(String boundary, List<Part> parts) {
    int size = 64;
    for (Part part : parts) {
      size += part.data().length + 160;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    for (Part part : parts) {
      out.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII));
      StringBuilder head = new StringBuilder("Content-Disposition: form-data; name=\"")
          .append(part.name()).append('"');
      if (part.filename() != null) {
        head.append("; filename=\"").append(part.filename()).append("\"\r\n")
            .append("Content-Type: image/png");
      }
      head.append("\r\n\r\n");
      out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      out.writeBytes(part.data());
      out.writeBytes(CRLF);
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /**
   * A boundary made from {@code digest}, a SHA-256 over everything the form holds: the same form
   * always gets the same boundary, and no one can write a part that holds its form's boundary
   * without finding a fixed point of SHA-256.
   */
  static String boundaryOf(byte[] digest) {
    return "assay-" + HexFormat.of().formatHex(digest, 0, 16);
  }

  private static String boundary(String contentType, byte[] body) {
    if (contentType == null) {
      int end = indexOf(body, CRLF, 0);
      if (end < 3 || body[0] != '-' || body[1] != '-' || end > 72) {
        throw malformed("the body does not start with a boundary line");
      }
      return new String(body, 2, end - 2, StandardCharsets.US_ASCII).strip();
    }
    String[] fields = contentType.split(";");
    if (!fields[0].strip().equalsIgnoreCase("multipart/form-data")) {
      throw new InvalidRequestException("This endpoint takes multipart/form-data, as OpenAI's"
          + " image edits do; the request was sent as '" + fields[0].strip() + "'.", null,
          RequestParser.INVALID_VALUE);
    }
    for (int i = 1; i < fields.length; i++) {
      String field = fields[i].strip();
      if (field.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String value = field.substring("boundary=".length());
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        if (value.isEmpty() || value.length() > 70) {
          throw malformed("its boundary must have 1 to 70 characters");
        }
        return value;
      }
    }
    throw malformed("its Content-Type names no boundary");
  }

  private static Part part(String headers, byte[] data) {
    String name = null;
    String filename = null;
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon < 0 || !line.substring(0, colon).strip()
          .equalsIgnoreCase("content-disposition")) {
        continue;
      }
      for (String param : line.substring(colon + 1).split(";")) {
        String p = param.strip();
        int eq = p.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String key = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String value = unquote(p.substring(eq + 1).strip());
        if (key.equals("name")) {
          name = value;
        } else if (key.equals("filename")) {
          filename = value;
        }
      }
    }
    if (name == null) {
      throw malformed("a part has no Content-Disposition name");
    }
    return new Part(name, filename, data);
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1) : value;
  }

  private static int skipLinearWhitespace(byte[] body, int at) {
    while (at < body.length && (body[at] == ' ' || body[at] == '\t')) {
      at++;
    }
    return at;
  }

  private static boolean startsWith(byte[] body, int at, byte[] prefix) {
    if (at < 0 || at + prefix.length > body.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (body[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The first index of {@code needle} in {@code haystack} at or after {@code from}, or -1. */
  static int indexOf(byte[] haystack, byte[] needle, int from) {
    int last = haystack.length - needle.length;
    byte first = needle[0];
    for (int i = Math.max(0, from); i <= last; i++) {
      if (haystack[i] != first) {
        continue;
      }
      int j = 1;
      while (j < needle.length && haystack[i + j] == needle[j]) {
        j++;
      }
      if (j == needle.length) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static InvalidRequestException malformed(String why) {
    return new InvalidRequestException("The body is not valid multipart/form-data: " + why
        + ".", null, RequestParser.INVALID_VALUE);
  }
}
