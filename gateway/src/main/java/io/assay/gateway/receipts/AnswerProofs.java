package io.assay.gateway.receipts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.gateway.receipts.ReceiptBook.Held;
import io.assay.protocol.Hotkey;
import io.assay.protocol.ReceiptProof;
import io.assay.task.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * The {@code prove-answer} command: finds the answers given to a request id in the {@link
 * ReceiptArchive} and prints, for each, its receipt, its Merkle path and the miner's signed root
 * of the period, checked. Anyone can repeat the check with the miner's and the validator's
 * hotkeys ({@link ReceiptProof#verify}).
 */
public final class AnswerProofs {

  private AnswerProofs() {}

  /**
   * Prints one JSON line per answer found.
   *
   * @return 0 when at least one answer was found and every one is proved, else 1
   */
  public static int prove(ReceiptArchive archive, String requestId, PrintStream out,
      PrintStream err) throws IOException {
    List<ReceiptArchive.Line> lines = archive.find(requestId);
    if (lines.isEmpty()) {
      err.println("no answer to request " + requestId + " in the receipt archive (a period is"
          + " archived once its receipt roots are checked, events.receipt_check_delay after it"
          + " ends)");
      return 1;
    }
    boolean allProved = true;
    for (ReceiptArchive.Line line : lines) {
      RootCheck check = line.check();
      List<String> receipts = line.held().stream().map(Held::receipt).toList();
      for (Held held : line.held()) {
        if (!requestId.equals(held.requestId())) {
          continue;
        }
        ObjectNode row = Json.MAPPER.createObjectNode();
        row.put("request_id", requestId);
        row.put("period", check.period());
        row.put("miner", check.miner());
        row.put("verdict", Json.MAPPER.valueToTree(check.verdict()).asText());
        boolean proved = false;
        if (check.verdict() == RootCheck.Verdict.MATCHED) {
          ReceiptProof proof = ReceiptProof.of(check.root(), receipts, held.receipt());
          proved = proof.verify(Hotkey.parse(check.root().miner()),
              Hotkey.parse(check.root().validator()));
          row.set("proof", Json.MAPPER.valueToTree(proof));
        } else {
          row.put("receipt", held.receipt());
          row.put("reason", "the miner's root of the period did not match the receipts held ("
              + check.reason() + "), so no path leads to it");
        }
        row.put("verified", proved);
        allProved &= proved;
        out.println(Json.MAPPER.writeValueAsString(row));
      }
    }
    return allProved ? 0 : 1;
  }
}
