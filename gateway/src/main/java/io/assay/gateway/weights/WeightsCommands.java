package io.assay.gateway.weights;

import io.assay.config.ConfigException;
import io.assay.gateway.scoring.WeightReport;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.gateway.state.ToolStore;
import io.assay.protocol.Identity;
import io.assay.task.Json;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The {@code weights export} command: the latest computation, signed for the chain. */
public final class WeightsCommands {

  private WeightsCommands() {}

  /**
   * Prints the {@link WeightsExport} of the latest computation in the gateway's store (the
   * Redis at {@code redisUrl}, else the private one of {@code dataDir}).
   *
   * @param netuid {@code weights.netuid}; null when not set (refused, naming the key)
   * @param identityFile the gateway's identity, which signs
   * @return 0, or 1 when nothing was computed yet
   */
  public static int export(String redisUrl, Path dataDir, Path identityFile, Integer netuid,
      long versionKey, PrintStream out, PrintStream err) throws Exception {
    if (netuid == null) {
      throw new ConfigException("config key 'weights.netuid' (or ASSAY_WEIGHTS_NETUID) is not"
          + " set: the subnet the weights are for");
    }
    if (!Files.exists(identityFile)) {
      throw new ConfigException("config key 'gateway.identity_file': " + identityFile
          + " does not exist; weights are signed with the identity of the gateway that"
          + " computed them");
    }
    Identity identity = Identity.load(identityFile);
    try (ToolStore store = ToolStore.open(redisUrl, dataDir)) {
      String json = Redis.on(store.redis().commands().get(Keys.weightsLatest()))
          .await(1, TimeUnit.MINUTES);
      if (json == null) {
        err.println("no weights were computed yet in this gateway's store");
        return 1;
      }
      WeightReport report = Json.MAPPER.readValue(json, WeightReport.class);
      out.println(Json.MAPPER.writeValueAsString(
          WeightsExport.of(report, netuid, versionKey, identity)));
      return 0;
    }
  }
}
