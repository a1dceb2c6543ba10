package io.assay.task.zk;

import io.assay.task.Checker;
import io.assay.task.zk.groth16.Groth16Verifier;
import io.assay.task.zk.groth16.Groth16Verifier.ProofAndSignals;
import io.assay.task.zk.groth16.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks zk answers cryptographically (SCORING.md section 7): quality 1 when the proof verifies
 * against the circuit's key with the public signals the validator expects (its own inputs,
 * nonce and the model's commitment written over the miner's), else 0.
 *
 * <p>A batch is verified with one random linear combination, several times cheaper per proof
 * than one by one; only when that fails are the proofs verified singly, to name the bad ones.
 * Thread-safe.
 */
final class ZkChecker implements Checker {

  private final ZkTask task;
  private final Groth16Verifier verifier;

  ZkChecker(ZkTask task, Groth16Verifier verifier) {
    this.task = task;
    this.verifier = verifier;
  }

  @Override
  public List<CheckResult> check(List<CheckItem> items) {
    List<CheckResult> results = new ArrayList<>(items.size());
    List<ProofAndSignals> batch = new ArrayList<>(items.size());
    List<Integer> positions = new ArrayList<>(items.size());
    for (CheckItem item : items) {
      ZkRequest request = ZkTask.cast(item.request());
      ZkAnswer answer = ZkTask.castAnswer(item.answer());
      results.add(null);
      try {
        batch.add(new ProofAndSignals(answer.proof(), task.expectedSignals(request, answer)));
        positions.add(results.size() - 1);
      } catch (RuntimeException e) {
        results.set(results.size() - 1, new CheckResult(0, e.getMessage()));
      }
    }
    List<Verdict> verdicts = batch.isEmpty() ? List.of() : verifier.verifyBatch(task.key(), batch);
    for (int i = 0; i < verdicts.size(); i++) {
      Verdict v = verdicts.get(i);
      results.set(positions.get(i), v.valid() ? new CheckResult(1, "proof verifies")
          : new CheckResult(0, v.reason()));
    }
    return results;
  }

  /** Batches amortise the shared pairings; 64 proofs verify in well under a second. */
  @Override
  public int preferredBatch() {
    return 64;
  }
}
