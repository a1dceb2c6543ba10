package io.assay.task;

/** Server-sent events as the gateway and miners write them. */
public final class Sse {

  private Sse() {}

  /** {@code data: <json>\n\n}, built without copying through a String. */
  public static byte[] dataEvent(byte[] json) {
    byte[] out = new byte[json.length + 8];
    out[0] = 'd';
    out[1] = 'a';
    out[2] = 't';
    out[3] = 'a';
    out[4] = ':';
    out[5] = ' ';
    System.arraycopy(json, 0, out, 6, json.length);
    out[out.length - 2] = '\n';
    out[out.length - 1] = '\n';
    return out;
  }
}
