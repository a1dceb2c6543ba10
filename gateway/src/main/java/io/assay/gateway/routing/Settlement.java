package io.assay.gateway.routing;

import io.assay.gateway.miner.MinerCallException;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;

/**
 * How one attempt on one miner ended: what {@link DispatchListener}s record. One per attempt,
 * so a request retried on three miners settles three times.
 *
 * @param reservation when the request was assigned, its estimate {@code e}, whether it counted
 *     toward the miner's test window
 * @param outcome success, rate-limited, failed, or abandoned (the user left a stream)
 * @param failure how a failed or rate-limited attempt failed; null otherwise
 * @param units {@code w}: the work done (0 for a failure)
 * @param seconds from assignment to the answer's last byte (or to the end)
 * @param answer the validated answer; null unless it succeeded whole
 * @param answerId the answer's receipt, which names it in the check queue and the events; null
 *     without a whole answer whose receipt checked out (an answer found invalid after its
 *     receipt checked out keeps it: the miner's receipt root covers it)
 * @param checkProbability {@code p} when the answer was picked for checking, else null
 * @param windowGivenUp units of the test window given up because this failure stopped it, or
 *     -1
 * @param message why it failed, for logs; null on success
 * @param answerBody the answer's bytes exactly as the miner sent them (what its receipt signs),
 *     for checking as received; null for a streamed answer or without an answer
 * @param signedAt the signed timestamp of the request that got the answer, epoch millis: the
 *     receipt ({@code answerId}) belongs to its scoring period; 0 without an answer
 * @param requestId the user's request id ({@code X-Request-Id}); null for synthetic requests
 */
public record Settlement(MinerNode miner, Task task, Origin origin, TaskRequest request,
    TaskCapacity.Reservation reservation, Outcome outcome, MinerCallException.Outcome failure,
    long units, double seconds, TaskAnswer answer, String answerId, Double checkProbability,
    long windowGivenUp, String message, byte[] answerBody, long signedAt, String requestId) {}
