package io.assay.gateway.state;

/** Every Redis key the gateway writes, in one place, so the layout can be read at a glance. */
public final class Keys {

  private static final String PREFIX = "assay:";

  private Keys() {}

  /** Hash: one API key's record, by the SHA-256 of the key. */
  public static String apiKey(String keyHash) {
    return PREFIX + "apikey:" + keyHash;
  }

  /** Set: hashes of all API keys. */
  public static String apiKeys() {
    return PREFIX + "apikeys";
  }

  /** Hash: usage totals of one API key (requests, prompt_tokens, completion_tokens, ...). */
  public static String usage(String keyHash) {
    return PREFIX + "usage:" + keyHash;
  }

  /** String counter: requests of one API key in one minute. */
  public static String rateWindow(String keyHash, long minute) {
    return PREFIX + "rate:" + keyHash + ":" + minute;
  }

  /** Hash: miner directory, hotkey to JSON {name, url, hotkey}. */
  public static String miners() {
    return PREFIX + "miners";
  }

  /** Hash: work done in a period, field {@code hotkey|task|units} or {@code |requests}. */
  public static String work(long period) {
    return PREFIX + "work:" + period;
  }

  /** Hash: declared capacity in a period, field {@code hotkey|task}. */
  public static String capacity(long period) {
    return PREFIX + "capacity:" + period;
  }
}
