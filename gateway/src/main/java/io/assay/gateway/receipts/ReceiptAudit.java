package io.assay.gateway.receipts;

import io.assay.gateway.miner.MinerReply;
import io.assay.gateway.receipts.ReceiptBook.Held;
import io.assay.gateway.receipts.RootCheck.Verdict;
import io.assay.gateway.routing.MinerDirectory;
import io.assay.gateway.routing.MinerNode;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.protocol.Hotkey;
import io.assay.protocol.SignedReceiptRoot;
import io.assay.task.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds miners to their answers (DESIGN.md, "Receipt"): once a period is over, asks every miner
 * for its signed root of the receipts it issued for requests signed in that period, compares it
 * with the receipts the validator holds ({@link ReceiptBook}), and keeps the result: each
 * miner's {@link RootCheck} in Redis for the operator, and the roots with the receipts held in
 * the {@link ReceiptArchive}, from which any answer can later be proved. A miner whose root is
 * missing or does not match is logged; the check does not enter the weights (SCORING.md has no
 * term for it), it is evidence.
 */
public final class ReceiptAudit {

  private static final Logger log = LoggerFactory.getLogger(ReceiptAudit.class);

  private final MinerDirectory directory;
  private final ReceiptBook book;
  private final Redis redis;
  private final ReceiptArchive archive;
  private final Hotkey validator;
  private final Clock clock;
  private final long keepMillis;

  /** @param keepMillis how long the checks stay readable in Redis */
  public ReceiptAudit(MinerDirectory directory, ReceiptBook book, Redis redis,
      ReceiptArchive archive, Hotkey validator, Clock clock, long keepMillis) {
    this.directory = directory;
    this.book = book;
    this.redis = redis;
    this.archive = archive;
    this.validator = validator;
    this.clock = clock;
    this.keepMillis = keepMillis;
  }

  /**
   * Checks every miner's root of {@code period} and records the result, unless the period was
   * checked already (a restarted gateway asks for the period before its start again: by then
   * its receipts may have left Redis, and the first check stands). Call on an event loop.
   *
   * @return the checks made; empty when the period was checked already
   */
  public Future<List<RootCheck>> check(long period) {
    return Redis.on(redis.commands().exists(Keys.receiptRoots(period)))
        .compose(done -> done > 0 ? Future.succeededFuture(List.of()) : checkNow(period));
  }

  private Future<List<RootCheck>> checkNow(long period) {
    List<Future<ReceiptArchive.Line>> lines = new ArrayList<>();
    for (MinerNode node : directory.all()) {
      lines.add(check(period, node));
    }
    return Future.all(lines).compose(done -> {
      List<ReceiptArchive.Line> all = lines.stream().map(Future::result).toList();
      List<RootCheck> checks = all.stream().map(ReceiptArchive.Line::check).toList();
      report(period, checks);
      return Vertx.currentContext().executeBlocking(() -> {
        archive.write(period, all);
        return null;
      }, false).compose(v -> record(period, checks)).map(checks);
    });
  }

  private Future<ReceiptArchive.Line> check(long period, MinerNode node) {
    Future<List<Held>> held = book.held(period, node.hotkey());
    Future<MinerReply> reply = node.client().call(HttpMethod.POST, "/receipts/root",
        ("{\"period\":" + period + "}").getBytes(StandardCharsets.UTF_8));
    return Future.join(held, reply).transform(ar -> {
      if (held.failed()) {
        return Future.failedFuture(held.cause());
      }
      List<Held> sorted = new ArrayList<>(held.result());
      sorted.sort(Comparator.comparing(Held::receipt));
      RootCheck check = reply.failed()
          ? checked(period, node, Verdict.MISSING, sorted.size(), reply.cause().getMessage(),
              null)
          : compare(period, node, sorted, reply.result());
      return Future.succeededFuture(new ReceiptArchive.Line(check, sorted));
    });
  }

  private RootCheck compare(long period, MinerNode node, List<Held> held, MinerReply reply) {
    if (reply.status() != 200) {
      return checked(period, node, Verdict.MISSING, held.size(),
          "answered " + reply.status() + ": " + reply.errorText(), null);
    }
    SignedReceiptRoot root;
    try {
      root = Json.MAPPER.readValue(reply.body(), SignedReceiptRoot.class);
    } catch (IOException e) {
      return checked(period, node, Verdict.MISSING, held.size(),
          "answered with something that is not a receipt root: " + e.getMessage(), null);
    }
    List<String> receipts = held.stream().map(Held::receipt).toList();
    Hotkey miner = Hotkey.parse(node.hotkey());
    if (SignedReceiptRoot.verify(root, miner, validator, period, receipts)) {
      return checked(period, node, Verdict.MATCHED, held.size(), null, root);
    }
    String reason;
    if (!root.signedBy(miner, validator)) {
      reason = "the root is not the miner's signature for this validator";
    } else if (root.period() != period) {
      reason = "the root is of period " + root.period();
    } else if (root.count() != held.size()) {
      reason = "the root covers " + root.count() + " receipts; the validator holds "
          + held.size();
    } else {
      reason = "the root covers other receipts than the " + held.size()
          + " the validator holds";
    }
    return checked(period, node, Verdict.MISMATCHED, held.size(), reason, root);
  }

  private RootCheck checked(long period, MinerNode node, Verdict verdict, int held,
      String reason, SignedReceiptRoot root) {
    return new RootCheck(period, node.hotkey(), clock.millis(), verdict, held, reason, root);
  }

  private void report(long period, List<RootCheck> checks) {
    long matched = checks.stream().filter(c -> c.verdict() == Verdict.MATCHED).count();
    log.info("receipt roots of period {}: {} of {} miners matched", period, matched,
        checks.size());
    for (RootCheck c : checks) {
      if (c.verdict() != Verdict.MATCHED) {
        log.warn("receipt root of miner {} for period {} {}: {}", c.miner(), period,
            c.verdict().name().toLowerCase(), c.reason());
      }
    }
  }

  private Future<Void> record(long period, List<RootCheck> checks) {
    String key = Keys.receiptRoots(period);
    List<Future<?>> writes = new ArrayList<>();
    for (RootCheck c : checks) {
      String json;
      try {
        json = Json.MAPPER.writeValueAsString(c);
      } catch (IOException e) {
        return Future.failedFuture(e);
      }
      writes.add(Redis.on(redis.commands().hset(key, c.miner(), json)));
    }
    writes.add(Redis.on(redis.commands().pexpire(key, keepMillis)));
    writes.add(Redis.on(redis.commands().set(Keys.receiptRootsChecked(),
        Long.toString(period))));
    return Future.all(writes).mapEmpty();
  }

  /** The checks of the newest checked period, for the operator; empty before the first. */
  public Future<List<RootCheck>> latest() {
    return Redis.on(redis.commands().get(Keys.receiptRootsChecked())).compose(period -> {
      if (period == null) {
        return Future.succeededFuture(List.of());
      }
      return Redis.on(redis.commands().hvals(Keys.receiptRoots(Long.parseLong(period))))
          .map(rows -> {
            List<RootCheck> checks = new ArrayList<>(rows.size());
            for (String row : rows) {
              try {
                checks.add(Json.MAPPER.readValue(row, RootCheck.class));
              } catch (IOException e) {
                log.warn("unreadable receipt-root check: {}", e.getMessage());
              }
            }
            checks.sort(Comparator.comparing(RootCheck::miner));
            return checks;
          });
    });
  }
}
