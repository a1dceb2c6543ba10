package io.assay.gateway.api;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Names each request for the logs and the {@code X-Request-Id} header: the client's own id when
 * it sent a short, plain one (so a caller can follow its request through), else a new one.
 */
final class RequestIds {

  private static final Pattern USABLE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  static String of(String fromClient) {
    if (fromClient != null && USABLE.matcher(fromClient).matches()) {
      return fromClient;
    }
    // 96 random bits: unique enough to find a request in the logs, cheap to make.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] id = new char[28];
    "req_".getChars(0, 4, id, 0);
    long a = random.nextLong();
    int b = random.nextInt();
    for (int i = 0; i < 16; i++) {
      id[4 + i] = DIGITS[(int) (a >>> (60 - 4 * i)) & 0xf];
    }
    for (int i = 0; i < 8; i++) {
      id[20 + i] = DIGITS[(b >>> (28 - 4 * i)) & 0xf];
    }
    return new String(id);
  }
}
