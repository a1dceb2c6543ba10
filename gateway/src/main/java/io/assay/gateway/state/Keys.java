package io.assay.gateway.state;

import io.assay.redis.KeyRenames;
import java.util.List;

/**
 * Every Redis key the gateway writes, in one place, so the layout can be read at a glance.
 *
 * <p>On a Redis Cluster, keys a script or a multi-key command touches together must hash to one
 * slot, which a hash tag decides: only the part between the first {@code {} and the next {@code }}
 * is hashed. Every key of one API key carries its hash as the tag, {@code {<hash>}}, so that
 * usage, daily usage and the balance are charged in one script, a revocation deletes the record
 * and the balance at once, and the admission script reads the key's limit window beside its
 * balance; API keys spread over the masters by their hashes. The leader's lease, token and roster
 * share {@code {leader}}, published files {@code {files}}, and the keys the scoring scripts share
 * are tagged in {@link io.assay.checking.CheckingStreams}. Other keys are used one at a time and
 * carry no tag. {@link OldKeyNames} moves keys from the names before the tags.
 */
public final class Keys {

  private static final String PREFIX = "assay:";

  private Keys() {}

  /** The hash tag of one API key's keys. */
  private static String tag(String keyHash) {
    return "{" + keyHash + "}";
  }

  /** Hash: one API key's record, by the SHA-256 of the key. */
  public static String apiKey(String keyHash) {
    return PREFIX + "apikey:" + tag(keyHash);
  }

  /** Set: hashes of all API keys. */
  public static String apiKeys() {
    return PREFIX + "apikeys";
  }

  /** Hash: usage totals of one API key (requests, prompt_tokens, completion_tokens, ...). */
  public static String usage(String keyHash) {
    return PREFIX + "usage:" + tag(keyHash);
  }

  /** List (newest first): every weight computation, as JSON. */
  public static String weightsHistory() {
    return PREFIX + "weights:history";
  }

  /** List (newest first): per computation, each miner's quality and task score, as JSON. */
  public static String scoresHistory() {
    return PREFIX + "weights:scores";
  }

  /** String: the latest weight report, as JSON. */
  public static String weightsLatest() {
    return PREFIX + "weights:latest";
  }

  /** List (newest first): every task-weight change, as JSON. */
  public static String taskWeightChanges() {
    return PREFIX + "task-weights:changes";
  }

  /**
   * Hash: binding declarations of a period, field {@code hotkey|task}, value {@code "volume
   * concurrency"}; the first declaration of a period binds (written with {@code HSETNX}).
   */
  public static String capacity(long period) {
    return PREFIX + "capacity:" + period;
  }

  /** String: the scoring parameters last recorded as a {@code params} event, as JSON. */
  public static String paramsRecorded() {
    return PREFIX + "params:recorded";
  }

  /**
   * String: what trimming took from the event stream so far, as JSON ({@code before}, {@code
   * min_answers}, {@code zk_recent}, {@code period_ms}; see {@code weights/EventTrimmer}).
   */
  public static String eventsTrimmed() {
    return PREFIX + "events:trimmed";
  }

  /** String: the hotkey-to-uid map last recorded as a {@code uids} event, as JSON. */
  public static String uidsRecorded() {
    return PREFIX + "uids:recorded";
  }

  /**
   * List: the receipts of one miner's answers to requests signed in one scoring period, each
   * {@code receipt} or {@code receipt + " " + request id}; expires a while after the period.
   */
  public static String receipts(long period, String miner) {
    return PREFIX + "receipts:" + period + ":" + miner;
  }

  /** Hash: miner hotkey to its receipt-root check of one period, as JSON. */
  public static String receiptRoots(long period) {
    return PREFIX + "receipt-roots:" + period;
  }

  /** String: the newest period whose receipt roots were checked. */
  public static String receiptRootsChecked() {
    return PREFIX + "receipt-roots:checked";
  }

  /** String: set once the first admin key was made, so gateways sharing a store make one. */
  public static String adminBootstrapped() {
    return PREFIX + "admin:bootstrapped";
  }

  /**
   * String: an API key's prepaid balance in millionths of a credit (absent: no budget). Kept
   * apart from the key's hash so that a charge after a revocation cannot bring the key back.
   */
  public static String credit(String keyHash) {
    return PREFIX + "credit:" + tag(keyHash);
  }

  /**
   * Hash: one API key's {@code requests} admitted and {@code units} served in one minute (epoch
   * minutes of the gateway's clock), kept two minutes. Tagged with the key's hash: the admission
   * script reads it with the key's balance, which must be in the same Redis Cluster slot.
   */
  public static String limitWindow(String keyHash, long minute) {
    return PREFIX + "limits:" + tag(keyHash) + ":" + minute;
  }

  /**
   * Hash: one API key's usage on one UTC day ({@code yyyy-mm-dd}), by task: {@code
   * <task>|requests}, {@code <task>|units}, {@code <task>|charged} (millionths of a credit).
   */
  public static String usageDay(String keyHash, String day) {
    return PREFIX + "usage:" + tag(keyHash) + ":" + day;
  }

  /**
   * String: the leader lease, {@code "<fencing token> <holder>"}, expiring unless renewed (see
   * {@code leader/LeaderLease}). Tagged with {@link #leaderToken} so one script takes both on a
   * Redis Cluster.
   */
  public static String leaderLease() {
    return PREFIX + "{leader}:lease";
  }

  /** String counter: the last fencing token handed out with the leader lease. */
  public static String leaderToken() {
    return PREFIX + "{leader}:token";
  }

  /**
   * Hash: the newest weight computation recorded ({@code computed_at}) and the fencing token of
   * the leader that recorded it ({@code token}), so none is recorded twice or by a leader that
   * was replaced.
   */
  public static String weightsFence() {
    return PREFIX + "weights:fence";
  }

  /**
   * String: the test windows drawn for one period, as JSON, written once (the first leader to
   * plan the period); expires a while after the period.
   */
  public static String testPlans(long period) {
    return PREFIX + "plans:" + period;
  }

  /**
   * Hash: per task of one period, how its window was assigned ({@code limit}, {@code tested})
   * once the grace window closed, as JSON; field {@code <task>|closed} is set by the one leader
   * that records the window's end.
   */
  public static String testAssignments(long period) {
    return PREFIX + "plans:" + period + ":assigned";
  }

  /**
   * Hash: what the gateways sharing this store leased of each miner's declared capacity in one
   * period, by {@code <hotkey>|<task>|v}, {@code |w} and {@code |r} (see {@code
   * routing/CapacityLedger}).
   */
  public static String capacityLeased(long period) {
    return PREFIX + "capacity-leased:" + period;
  }

  /**
   * Sorted set: the live gateways' lease ids, scored by when each expires unless it is heard from
   * again; tagged with the lease, which the same script reads.
   */
  public static String gateways() {
    return PREFIX + "{leader}:gateways";
  }

  /**
   * The keys of files handed out by URL share the hash tag {@code {files}}: one script keeps
   * them together ({@code files/FileScript}), so on a Redis Cluster all of them live in one
   * slot, on one master. That slot holds every published file, bounded by {@code
   * gateway.files_max_bytes}.
   */
  private static final String FILES = PREFIX + "{files}:";

  /**
   * Hash: one published file by its id, {@code type} its media type and {@code content} its
   * bytes; expires with the file.
   */
  public static String file(String id) {
    return FILES + "file:" + id;
  }

  /** Sorted set: ids of published files by their publication number, oldest first. */
  public static String filesOrder() {
    return FILES + "order";
  }

  /** Hash: id of a published file to its size in bytes, for every id in {@link #filesOrder}. */
  public static String fileSizes() {
    return FILES + "sizes";
  }

  /** String counter: the bytes of every file in {@link #filesOrder}. */
  public static String filesBytes() {
    return FILES + "bytes";
  }

  /** String counter: files published so far; numbers them for {@link #filesOrder}. */
  public static String filesPublished() {
    return FILES + "published";
  }

  /** What {@link OldKeyNames} moves: every key of an API key, from before its hash tag. */
  static final List<KeyRenames.Rule> RENAMED = List.of(
      KeyRenames.tagAfter(PREFIX + "apikey:"),
      KeyRenames.tagAfter(PREFIX + "usage:"),
      KeyRenames.tagAfter(PREFIX + "credit:"));
}
