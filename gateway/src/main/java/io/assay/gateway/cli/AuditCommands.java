package io.assay.gateway.cli;

import io.assay.gateway.audit.AuditFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.receipts.AnswerProofs;
import io.assay.gateway.receipts.ReceiptArchive;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The audit tools: export the scoring events, recompute every weight computation from them, and
 * prove an answer from its receipt. Each works beside a running gateway or on its data alone.
 */
final class AuditCommands {

  private AuditCommands() {}

  @Command(name = "export-events", description = "Writes every scoring event (stream and"
      + " archive) as JSON lines.")
  static final class ExportEvents implements Callable<Integer> {

    @Mixin
    private ToolOptions tool;

    @Option(names = "--out", paramLabel = "FILE", required = true,
        description = "where the events go")
    private Path out;

    @Override
    public Integer call() throws Exception {
      GatewayConfig config = tool.load();
      long written = AuditFiles.export(config.redisUrl(), config.dataDir(), config.archiveDir(),
          out);
      System.out.println("wrote " + written + " events to " + out);
      return 0;
    }
  }

  @Command(name = "recompute-weights", description = "Recomputes every weight computation of"
      + " an event export, bit for bit, and says whether each matches.")
  static final class RecomputeWeights implements Callable<Integer> {

    @Option(names = "--events", paramLabel = "FILE", required = true,
        description = "an export-events file")
    private Path events;

    @Override
    public Integer call() throws Exception {
      return AuditFiles.recompute(events, System.out);
    }
  }

  @Command(name = "prove-answer", description = "Prints an answer's receipt, its Merkle path"
      + " and the signed root of its period.")
  static final class ProveAnswer implements Callable<Integer> {

    @Mixin
    private ToolOptions tool;

    @Option(names = "--request-id", paramLabel = "ID", required = true,
        description = "the request id the gateway answered with")
    private String requestId;

    @Override
    public Integer call() throws Exception {
      GatewayConfig config = tool.load();
      return AnswerProofs.prove(new ReceiptArchive(config.archiveDir()), requestId, System.out,
          System.err);
    }
  }
}
