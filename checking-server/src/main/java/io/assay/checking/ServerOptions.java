package io.assay.checking;

import io.assay.cli.CommandLines;
import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What the standalone server and its {@code doctor} read: the file, and the port over it. */
final class ServerOptions {

  @Spec(Spec.Target.MIXEE)
  private CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "redis.url and a checking section; without it, defaults and ASSAY_*"
          + " environment variables apply")
  private Path file;

  @Option(names = "--port", paramLabel = "P",
      description = "port of the health and metrics endpoints (checking.port; 0: none)")
  private Integer port;

  Path file() {
    return file;
  }

  /**
   * The options the command line and {@code env} ask for.
   *
   * @throws picocli.CommandLine.ParameterException for a port out of range
   * @throws ConfigException naming the key for a bad or missing setting
   */
  CheckingOptions read(Map<String, String> env) {
    if (port != null && (port < 0 || port > 65_535)) {
      throw CommandLines.usageError(spec, "--port must be 0 to 65535, was " + port);
    }
    return options(file, port, env);
  }

  /**
   * The options of the file (null: none) and the port (null: the file's), with {@code env}.
   *
   * @throws ConfigException naming the key for a bad or missing setting
   */
  static CheckingOptions options(Path file, Integer port, Map<String, String> env) {
    ConfigNode root = file == null ? ConfigNode.empty(env) : ConfigNode.load(file, env);
    CheckingOptions options = CheckingOptions.read(root);
    try {
      root.rejectUnknownKeys();
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage() + " (a checking server's file holds only redis.url"
          + " and a checking section)");
    }
    if (port != null) {
      options = options.withPort(port);
    }
    if (options.redisUrl() == null) {
      throw new ConfigException("config key 'redis.url' is required: a standalone checking server"
          + " reads the check queue from the Redis the gateways share (set redis.url in the"
          + " config file or ASSAY_REDIS_URL, e.g. redis://127.0.0.1:6379)");
    }
    return options;
  }
}
