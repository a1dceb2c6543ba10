package io.assay.gateway.synthetic;

import io.assay.task.TaskRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The recent organic requests of each task, kept in memory only (never written anywhere), so
 * that synthetic requests can take their parameters from real traffic and replay their content
 * (SCORING.md section 2). A ring of the newest {@value #KEPT} requests per task; bodies larger
 * than {@value #MAX_BODY_BYTES} bytes are counted but not kept, so a burst of large embedding
 * batches cannot fill the heap. Thread-safe.
 */
public final class OrganicSamples {

  static final int KEPT = 512;
  static final int MAX_BODY_BYTES = 64 * 1024;

  private final Map<String, Ring> byTask = new ConcurrentHashMap<>();

  /** Notes an organic request of {@code taskId} whose body had {@code bodyBytes} bytes. */
  public void record(String taskId, TaskRequest request, int bodyBytes) {
    Ring ring = byTask.computeIfAbsent(taskId, t -> new Ring());
    ring.add(bodyBytes <= MAX_BODY_BYTES ? request : null);
  }

  /** How many organic requests of the task have been seen since start. */
  public long seen(String taskId) {
    Ring ring = byTask.get(taskId);
    return ring == null ? 0 : ring.seen();
  }

  /** A recent organic request of the task drawn uniformly, or null when none is kept. */
  public TaskRequest sample(String taskId, RandomGenerator random) {
    Ring ring = byTask.get(taskId);
    return ring == null ? null : ring.sample(random);
  }

  private static final class Ring {
    private final List<TaskRequest> kept = new ArrayList<>();
    private int next;
    private long seen;

    synchronized void add(TaskRequest request) {
      seen++;
      if (request == null) {
        return;
      }
      if (kept.size() < KEPT) {
        kept.add(request);
      } else {
        kept.set(next, request);
        next = (next + 1) % KEPT;
      }
    }

    synchronized long seen() {
      return seen;
    }

    synchronized TaskRequest sample(RandomGenerator random) {
      return kept.isEmpty() ? null : kept.get(random.nextInt(kept.size()));
    }
  }
}
