package io.assay.gateway.cli;

import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}: the gateway's configuration, else the default inside the jar. */
final class ConfigOption {

  @Option(names = "--config", paramLabel = "FILE",
      description = "the gateway's configuration (default: config/assay.yaml, inside the jar)")
  private Path file;

  /** The file given, or null for the default. */
  Path file() {
    return file;
  }

  /** @throws io.assay.config.ConfigException naming the key of a bad setting */
  GatewayConfig load() {
    return ConfigFiles.load(file, System.getenv());
  }
}
