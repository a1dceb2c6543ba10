package io.assay.checking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Json;
import io.assay.redis.KeyRenames;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The contract between the gateway and the checking servers: the Redis keys, the fields of a
 * queued answer and the scoring events written about it. Defined once, here; the gateway
 * queues with these names and its scoring reads these events.
 *
 * <p>The gateway appends answers to {@link #QUEUE} and adds each to {@link #PENDING}; checking
 * servers read the queue through the consumer group {@link #GROUP}, and for every answer append
 * one {@code quality_checked} event to {@link #EVENTS}, mark it in {@link #CHECKED}, take it out
 * of {@link #PENDING} and note the task's latest verdict in {@link #LAST_VERDICT}, all in one
 * script, so each answer is scored exactly once however many servers run and whichever of them
 * crash. An answer that gets no verdict (dead-lettered, or still pending after {@code
 * checking.verdict_timeout}) gets one {@code check_failed} event instead, written by the script
 * that takes it out of {@link #PENDING}: whichever comes first, the verdict or the failure,
 * is the only one.
 */
public final class CheckingStreams {

  /**
   * The hash tag of every key here. The scripts that queue an answer, record its verdict or its
   * failure touch several of these keys at once (and append to {@link #EVENTS}), so on a Redis
   * Cluster they must share one slot; the cost is that the scoring input lives on one master,
   * as one Stream would anyway.
   */
  private static final String SCORING = "assay:{scoring}:";

  /** Stream of answers to check; fields named by the {@code FIELD_*} constants. */
  public static final String QUEUE = SCORING + "checks";

  /** Consumer group every checking server reads {@link #QUEUE} through. */
  public static final String GROUP = "checkers";

  /** Stream of scoring events; one field {@code e}, the event's JSON. */
  public static final String EVENTS = SCORING + "events";

  /** The one field of an {@link #EVENTS} entry. */
  public static final String EVENT_FIELD = "e";

  /** Hash of answers already scored: answer id to quality. */
  public static final String CHECKED = SCORING + "checked";

  /** Stream of queue entries that were not checked, with the reason; capped. */
  public static final String DEAD = SCORING + "checks:dead";

  /**
   * Sorted set of answers queued and not yet settled: member {@link #pendingMember}, score the
   * epoch millis they were queued.
   */
  public static final String PENDING = SCORING + "checks:pending";

  /** Hash of task id to the epoch millis of its latest verdict. */
  public static final String LAST_VERDICT = SCORING + "checks:last_verdict";

  /**
   * The names these keys had before they shared a hash tag, for {@link KeyRenames}: every
   * process that uses them moves them before its first command.
   */
  public static final List<KeyRenames.Rule> RENAMED = List.of(
      KeyRenames.exact("assay:checks", QUEUE),
      KeyRenames.exact("assay:events", EVENTS),
      KeyRenames.exact("assay:checked", CHECKED),
      KeyRenames.exact("assay:checks:dead", DEAD),
      KeyRenames.exact("assay:checks:pending", PENDING),
      KeyRenames.exact("assay:checks:last_verdict", LAST_VERDICT));

  public static final String FIELD_ANSWER_ID = "answer_id";
  public static final String FIELD_MINER = "miner";
  public static final String FIELD_TASK = "task";
  public static final String FIELD_PATH = "path";
  public static final String FIELD_REQUEST = "request";
  /**
   * In place of {@link #FIELD_REQUEST} for a request body that is not text (an image edit's
   * {@code multipart/form-data}, holding PNG files): the body in base64.
   */
  public static final String FIELD_REQUEST_BASE64 = "request_base64";
  public static final String FIELD_ANSWER = "answer";
  public static final String FIELD_SYNTHETIC = "synthetic";
  public static final String FIELD_AT = "at";

  /** The {@code type} of the event a verdict writes; the gateway's scoring reads it by this. */
  public static final String EVENT_QUALITY_CHECKED = "quality_checked";

  /** The {@code type} of the event written when an answer gets no verdict. */
  public static final String EVENT_CHECK_FAILED = "check_failed";

  private CheckingStreams() {}

  /** The {@link #PENDING} member of an answer: its id, miner and task, tab-separated. */
  public static String pendingMember(String answerId, String miner, String task) {
    return answerId + '\t' + miner + '\t' + task;
  }

  /** The {@code quality_checked} event, exactly as the gateway's scoring reads it. */
  public static String qualityChecked(String answerId, String miner, String task, double quality,
      long at) {
    ObjectNode e = event(EVENT_QUALITY_CHECKED, answerId, miner, task, at);
    e.put("quality", quality);
    return write(e);
  }

  /**
   * The {@code check_failed} event, exactly as the gateway's scoring reads it.
   *
   * @param serviceAway true for cause {@code service} (the task had no verdict at all within
   *     the verdict timeout), false for cause {@code answer}
   */
  public static String checkFailed(String answerId, String miner, String task, boolean serviceAway,
      long at) {
    ObjectNode e = event(EVENT_CHECK_FAILED, answerId, miner, task, at);
    e.put("cause", serviceAway ? "service" : "answer");
    return write(e);
  }

  private static ObjectNode event(String type, String answerId, String miner, String task,
      long at) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("type", type);
    e.put("at", at);
    e.put("miner", miner);
    e.put("task", task);
    e.put("answer_id", answerId);
    return e;
  }

  private static String write(ObjectNode e) {
    try {
      return Json.MAPPER.writeValueAsString(e);
    } catch (JsonProcessingException ex) {
      throw new UncheckedIOException("cannot write a " + e.path("type").asText() + " event", ex);
    }
  }
}
