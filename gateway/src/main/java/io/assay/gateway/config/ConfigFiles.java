package io.assay.gateway.config;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Where the gateway's configuration comes from: a file given, else the default in the jar. */
public final class ConfigFiles {

  private static final String BUNDLED = "/assay-config/assay.yaml";

  private ConfigFiles() {}

  /**
   * Reads {@code file} (relative paths in it resolve against its folder) or, when null, the
   * bundled default (relative paths resolve against the working directory).
   */
  public static GatewayConfig load(Path file, Map<String, String> env) {
    if (file != null) {
      Path base = file.toAbsolutePath().getParent();
      return GatewayConfig.read(ConfigNode.load(file, env), base);
    }
    return GatewayConfig.read(ConfigNode.parse(bundled(), env), Path.of("").toAbsolutePath());
  }

  private static String bundled() {
    try (InputStream in = ConfigFiles.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new ConfigException("the default configuration " + BUNDLED
            + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read the default configuration: " + e.getMessage(), e);
    }
  }
}
