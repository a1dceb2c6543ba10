package io.assay.protocol;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under one key, safe to share between threads. Keeps one initialised
 * prototype and clones it per call: no provider lookup and no key schedule on the hot path
 * (the prototype is only ever read). Falls back to a fresh instance where the provider's
 * Mac cannot be cloned.
 */
final class Hmac {

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  private final Mac prototype;
  private final boolean cloneable;

  Hmac(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
    this.prototype = newMac(this.key);
    this.cloneable = tryClone(prototype) != null;
  }

  byte[] compute(byte[] data) {
    Mac mac = cloneable ? tryClone(prototype) : newMac(key);
    return mac.doFinal(data);
  }

  private static Mac tryClone(Mac mac) {
    try {
      return (Mac) mac.clone();
    } catch (CloneNotSupportedException e) {
      return null;
    }
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }
}
