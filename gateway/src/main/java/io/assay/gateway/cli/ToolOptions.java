package io.assay.gateway.cli;

import io.assay.gateway.config.GatewayConfig;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a tool command ({@code keys}, {@code weights export}, {@code export-events}, {@code
 * prove-answer}) works on: the configuration, with {@code --data-dir} over its {@code
 * gateway.data_dir}, so it can work beside a gateway running on that directory.
 */
final class ToolOptions {

  @Mixin
  private ConfigOption config;

  @Option(names = "--data-dir", paramLabel = "D",
      description = "the gateway's data directory (default: gateway.data_dir)")
  private Path dataDir;

  /** @throws io.assay.config.ConfigException naming the key of a bad setting */
  GatewayConfig load() {
    GatewayConfig loaded = config.load();
    return dataDir == null ? loaded : loaded.withDataDir(dataDir.toAbsolutePath());
  }
}
