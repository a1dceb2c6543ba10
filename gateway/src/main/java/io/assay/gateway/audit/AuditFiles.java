package io.assay.gateway.audit;

import io.assay.gateway.state.Keys;
import io.assay.gateway.state.ToolStore;
import io.assay.gateway.state.Redis;
import io.assay.gateway.audit.Computation;
import io.assay.task.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code export-events} and {@code recompute-weights} commands. */
public final class AuditFiles {

  private AuditFiles() {}

  /**
   * Writes the audit file from the event archive and a Redis: the one at {@code redisUrl}, or
   * when that is null the private one in {@code dataDir} (a running gateway's, or started for
   * the export).
   *
   * @return how many events were written
   */
  public static long export(String redisUrl, Path dataDir, Path archiveDir, Path out)
      throws Exception {
    try (ToolStore store = ToolStore.open(redisUrl, dataDir)) {
      Redis redis = store.redis();
      EventStream stream = new EventStream(redis);
      List<String> rows = Redis.on(redis.commands().lrange(Keys.weightsHistory(), 0, -1))
          .await(1, TimeUnit.MINUTES);
      List<Computation> computations = new ArrayList<>(rows.size());
      for (String row : rows) {
        computations.add(Json.MAPPER.readValue(row, Computation.class));
      }
      Collections.reverse(computations);
      return EventExport.write(out, new EventArchive(archiveDir),
          after -> stream.readAfter(after, 5_000).await(1, TimeUnit.MINUTES), computations);
    }
  }

  /** Recomputes every computation in {@code file}; 0 when all are identical, else 1. */
  public static int recompute(Path file, PrintStream out) throws Exception {
    List<EventExport.Check> checks = EventExport.recompute(file);
    int differing = 0;
    for (EventExport.Check c : checks) {
      out.printf("%d  %s%n", c.recorded().computedAt(),
          c.identical() ? "identical" : "DIFFERS: recorded " + c.recorded().weights()
              + " recomputed " + c.recomputed().weights());
      if (!c.identical()) {
        differing++;
      }
    }
    if (!checks.isEmpty()) {
      EventExport.Check last = checks.get(checks.size() - 1);
      out.println("weights " + Json.MAPPER.writeValueAsString(last.recomputed().weights()));
      out.println("weights_u16 " + Json.MAPPER.writeValueAsString(last.recomputed().weightsU16()));
    }
    out.printf("%d computations recomputed, %d identical, %d differ%n", checks.size(),
        checks.size() - differing, differing);
    return differing == 0 ? 0 : 1;
  }
}
