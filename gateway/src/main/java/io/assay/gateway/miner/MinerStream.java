package io.assay.gateway.miner;

import io.assay.protocol.SignedRequest;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A miner's answer arriving as server-sent events. Hands each {@code data:} payload to the
 * handler, hashes every byte before the receipt event, checks the receipt against that hash, and
 * ends only at {@code data: [DONE]} after a matching receipt; anything else (a cut connection, a
 * silent miner, a bad or missing receipt) ends in the exception handler with a {@link
 * MinerCallException}.
 *
 * <p>Used on the Vert.x context that opened it. Supports pause and resume, so a slow user slows
 * the miner instead of the gateway buffering a whole answer.
 */
public final class MinerStream {

  private static final String DATA = "data: ";
  private static final String RECEIPT_EVENT = "event: receipt";
  private static final byte[] NEWLINE = {'\n'};

  private final String minerName;
  private final HttpClientResponse response;
  private final SignedRequest signed;
  private final RecordParser lines;
  private final MessageDigest digest;
  private Handler<byte[]> dataHandler = data -> { };
  private Handler<Void> endHandler = v -> { };
  private Handler<Throwable> exceptionHandler = e -> { };
  private boolean inReceipt;
  private String receipt;
  private boolean receiptChecked;
  private boolean done;

  MinerStream(String minerName, HttpClientResponse response, SignedRequest signed) {
    this.minerName = minerName;
    this.response = response;
    this.signed = signed;
    this.digest = sha256();
    this.lines = RecordParser.newDelimited("\n", response);
    lines.maxRecordSize(16 * 1024 * 1024);
    lines.handler(this::line);
    lines.exceptionHandler(e -> fail(new MinerCallException(MinerCallException.Outcome.UNREACHABLE,
        "miner " + minerName + "'s stream broke: " + e.getMessage(), 0, e)));
    lines.endHandler(v -> {
      if (!done) {
        fail(new MinerCallException(MinerCallException.Outcome.ERROR,
            "miner " + minerName + "'s stream ended before [DONE]"));
      }
    });
  }

  public MinerStream handler(Handler<byte[]> handler) {
    this.dataHandler = handler;
    return this;
  }

  public MinerStream endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    return this;
  }

  public MinerStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  public void pause() {
    lines.pause();
  }

  public void resume() {
    lines.resume();
  }

  /** Abandons the stream (the user went away): closes the connection to the miner. */
  public void cancel() {
    done = true;
    response.request().reset();
  }

  /** The verified receipt; valid once the stream ended. */
  public String receipt() {
    return receipt;
  }

  private void line(Buffer buffer) {
    if (done) {
      return;
    }
    String line = buffer.toString(StandardCharsets.UTF_8);
    if (line.equals(RECEIPT_EVENT)) {
      inReceipt = true;
      return;
    }
    if (inReceipt) {
      if (line.startsWith(DATA)) {
        receipt = line.substring(DATA.length()).trim();
      } else if (line.isEmpty()) {
        inReceipt = false;
        if (receipt == null || !signed.receiptMatchesDigest(receipt, digest.digest())) {
          fail(new MinerCallException(MinerCallException.Outcome.BAD_RECEIPT, "miner " + minerName
              + " streamed an answer whose receipt " + (receipt == null ? "is missing"
                  : "does not match")));
          return;
        }
        receiptChecked = true;
      }
      return;
    }
    if (line.startsWith(DATA) && line.regionMatches(DATA.length(), "[DONE]", 0, 6)) {
      if (!receiptChecked) {
        fail(new MinerCallException(MinerCallException.Outcome.BAD_RECEIPT,
            "miner " + minerName + " ended its stream without a receipt"));
        return;
      }
      done = true;
      endHandler.handle(null);
      return;
    }
    if (receiptChecked) {
      fail(new MinerCallException(MinerCallException.Outcome.BAD_ANSWER,
          "miner " + minerName + " streamed data after its receipt"));
      return;
    }
    digest.update(buffer.getBytes());
    digest.update(NEWLINE);
    if (line.startsWith(DATA)) {
      dataHandler.handle(buffer.getBytes(DATA.length(), buffer.length()));
    }
  }

  private void fail(MinerCallException e) {
    if (done) {
      return;
    }
    done = true;
    response.request().reset();
    exceptionHandler.handle(e);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
