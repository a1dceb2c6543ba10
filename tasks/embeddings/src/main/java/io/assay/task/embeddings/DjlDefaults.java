package io.assay.task.embeddings;

/**
 * Keeps DJL off the network. Unless the operator chose otherwise, it is put in offline mode (so a
 * missing native library fails instead of being downloaded) and its telemetry, which probes the
 * EC2 metadata endpoint with one-second timeouts when an engine loads, is switched off.
 *
 * <p>These are JVM-wide system properties: DJL reads nothing else.
 */
final class DjlDefaults {

  private DjlDefaults() {}

  static void apply() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("OPT_OUT_TRACKING", "true");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null && System.getenv(key) == null) {
      System.setProperty(key, value);
    }
  }
}
