package io.assay.task.zk;

import io.assay.task.Backend;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import io.assay.task.zk.circuit.Circuits;
import io.assay.task.zk.prover.NodeAvailability;
import io.assay.task.zk.prover.NodeProver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A miner's zk backend: proofs from the process's one {@link NodeProver} (a long-lived Node
 * worker running snarkjs), shared by every zk task and every miner in the process, started on
 * first use and stopped with the last backend.
 *
 * <p>Without Node or the npm packages the backend is {@link #unavailableReason() unavailable}:
 * the miner declares no zk capacity and says why, and every other task keeps working.
 */
final class ProverBackend implements Backend {

  private static final Object LOCK = new Object();
  private static NodeProver shared;
  private static int users;

  private final NodeAvailability node;
  private boolean closed;

  ProverBackend(NodeAvailability node) {
    this.node = node;
    if (node.ready()) {
      synchronized (LOCK) {
        users++;
      }
    }
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    if (!node.ready()) {
      return CompletableFuture.failedFuture(new TaskException(node.reason()));
    }
    ZkRequest r = ZkTask.cast(request);
    if (r.nonce() == null) {
      return CompletableFuture.failedFuture(new TaskException("a zk request needs a nonce"));
    }
    NodeProver prover;
    try {
      prover = prover(node);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return prover.prove(r.circuit(), r.inputSignals(), r.nonce()).thenApply(result ->
        new ZkAnswer(result.proof(), result.publicSignals().stream().map(Object::toString)
            .toList(), result.proveTime().toMillis()));
  }

  @Override
  public String unavailableReason() {
    return node.ready() ? null : node.reason();
  }

  @Override
  public void close() {
    if (!node.ready()) {
      return;
    }
    synchronized (LOCK) {
      if (closed) {
        return;
      }
      closed = true;
      if (--users == 0 && shared != null) {
        shared.close();
        shared = null;
      }
    }
  }

  private static NodeProver prover(NodeAvailability node) {
    synchronized (LOCK) {
      if (shared == null) {
        shared = NodeProver.start(node, Circuits.builtIn(), NodeProver.Options.defaults());
      }
      return shared;
    }
  }
}
