package io.assay.config;

/**
 * A configuration that cannot be used. The message names the key, the value found and what was
 * expected, so an operator can fix the file or the environment variable without reading code.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
