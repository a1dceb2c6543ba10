package io.assay.miner.sim;

import io.assay.task.Backend;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.zk.ZkAnswer;
import java.util.concurrent.CompletionStage;

/**
 * Proves honestly, then breaks the proof ({@link ForgedProofs#tampered}), so the miner pays the
 * real proving time and still fails verification. Answers that carry no proof, every kind but
 * zk-proof, pass through unchanged: the behaviour is about proofs only, and a bad-proof miner
 * serving other tasks serves them honestly.
 */
final class BadProofBackend extends ForwardingBackend {

  BadProofBackend(Backend honest) {
    super(honest);
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    return Stages.map(super.serve(request), BadProofBackend::tamper);
  }

  private static TaskAnswer tamper(TaskAnswer answer) {
    return answer instanceof ZkAnswer zk ? ForgedProofs.tampered(zk) : answer;
  }
}
