package io.assay.gateway.weights;

import io.assay.config.ConfigException;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.scoring.WeightReport;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.gateway.state.ToolStore;
import io.assay.protocol.Identity;
import io.assay.task.Json;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/** The {@code weights export} command: the latest computation, signed for the chain. */
public final class WeightsCommands {

  private WeightsCommands() {}

  /**
   * Prints the {@link WeightsExport} of the latest computation in the gateway's store.
   *
   * @return 0, or 1 when nothing was computed yet
   */
  public static int export(GatewayConfig config, PrintStream out, PrintStream err)
      throws Exception {
    ScoringChain chain = new ScoringChain(config);
    if (!Files.exists(config.identityFile())) {
      throw new ConfigException("config key 'gateway.identity_file': " + config.identityFile()
          + " does not exist; weights are signed with the identity of the gateway that"
          + " computed them");
    }
    Identity identity = Identity.load(config.identityFile());
    try (ToolStore store = ToolStore.open(config.redisUrl(), config.dataDir())) {
      String json = Redis.on(store.redis().commands().get(Keys.weightsLatest()))
          .await(1, TimeUnit.MINUTES);
      if (json == null) {
        err.println("no weights were computed yet in this gateway's store");
        return 1;
      }
      WeightReport report = Json.MAPPER.readValue(json, WeightReport.class);
      out.println(Json.MAPPER.writeValueAsString(
          WeightsExport.of(report, chain.netuid, chain.versionKey, identity)));
      return 0;
    }
  }

  /** {@code weights.netuid}, which an export needs, and the version key. */
  private record ScoringChain(int netuid, long versionKey) {
    ScoringChain(GatewayConfig config) {
      this(netuid(config), config.scoring().chain().versionKey());
    }

    private static int netuid(GatewayConfig config) {
      Integer netuid = config.scoring().chain().netuid();
      if (netuid == null) {
        throw new ConfigException("config key 'weights.netuid' (or ASSAY_WEIGHTS_NETUID) is not"
            + " set: the subnet the weights are for");
      }
      return netuid;
    }
  }
}
