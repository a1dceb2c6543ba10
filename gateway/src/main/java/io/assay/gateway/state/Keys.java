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
 * and the balance at once, and a limit script may read the key's windows beside them; API keys
 * spread over the masters by their hashes. The keys the scoring scripts share are tagged in
 * {@link io.assay.checking.CheckingStreams}. Other keys are used one at a time and carry no tag.
 * {@link OldKeyNames} moves keys from the names before the tags.
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

  /** String counter: requests of one API key in one minute. */
  public static String rateWindow(String keyHash, long minute) {
    return PREFIX + "rate:" + tag(keyHash) + ":" + minute;
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

  /** String counter: work units served to one API key in one minute. */
  public static String unitWindow(String keyHash, long minute) {
    return PREFIX + "units:" + tag(keyHash) + ":" + minute;
  }

  /**
   * Hash: one API key's usage on one UTC day ({@code yyyy-mm-dd}), by task: {@code
   * <task>|requests}, {@code <task>|units}, {@code <task>|charged} (millionths of a credit).
   */
  public static String usageDay(String keyHash, String day) {
    return PREFIX + "usage:" + tag(keyHash) + ":" + day;
  }

  /** What {@link OldKeyNames} moves: every key of an API key, from before its hash tag. */
  static final List<KeyRenames.Rule> RENAMED = List.of(
      KeyRenames.tagAfter(PREFIX + "apikey:"),
      KeyRenames.tagAfter(PREFIX + "usage:"),
      KeyRenames.tagAfter(PREFIX + "credit:"),
      KeyRenames.tagAfter(PREFIX + "rate:"),
      KeyRenames.tagAfter(PREFIX + "units:"));
}
