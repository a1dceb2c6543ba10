package io.assay.gateway.miner;

import io.assay.protocol.SignedRequest;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.util.ArrayDeque;
import java.util.Deque;
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
  private static final int MAX_LINE = 16 * 1024 * 1024;
  private static final Object END = new Object();

  private final String minerName;
  private final HttpClientResponse response;
  private final SignedRequest signed;
  private final MessageDigest digest;
  /** Lines (Buffers), then END or a Throwable: kept in order while the stream is paused. */
  private final Deque<Object> pending = new ArrayDeque<>();
  private Buffer partial;
  private boolean paused = true;
  private boolean draining;
  private Handler<byte[]> dataHandler = data -> { };
  private Handler<Void> endHandler = v -> { };
  private Handler<Throwable> exceptionHandler = e -> { };
  private boolean inReceipt;
  private String receipt;
  private boolean receiptChecked;
  private boolean done;

  /** Starts paused: nothing is delivered until {@link #resume()}. */
  MinerStream(String minerName, HttpClientResponse response, SignedRequest signed) {
    this.minerName = minerName;
    this.response = response;
    this.signed = signed;
    this.digest = sha256();
    response.pause();
    response.handler(this::bytes);
    response.endHandler(v -> {
      pending.add(END);
      drain();
    });
    response.exceptionHandler(e -> {
      pending.add(e);
      drain();
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

  /** Stops delivering; lines that arrive meanwhile are kept in order. */
  public void pause() {
    paused = true;
    response.pause();
  }

  public void resume() {
    paused = false;
    drain();
    if (!paused && !done) {
      response.resume();
    }
  }

  /** Abandons the stream (the user went away): closes the connection to the miner. */
  public void cancel() {
    done = true;
    pending.clear();
    response.request().reset();
  }

  /** The verified receipt; valid once the stream ended. */
  public String receipt() {
    return receipt;
  }

  /** The request's signed timestamp, epoch millis: its period is the receipt's. */
  public long signedAt() {
    return signed.timestamp();
  }

  private void bytes(Buffer chunk) {
    Buffer data = partial == null ? chunk : partial.appendBuffer(chunk);
    int from = 0;
    for (int i = 0; i < data.length(); i++) {
      if (data.getByte(i) == '\n') {
        pending.add(data.getBuffer(from, i));
        from = i + 1;
      }
    }
    partial = from == data.length() ? null : data.getBuffer(from, data.length());
    if (partial != null && partial.length() > MAX_LINE) {
      pending.add(new IllegalStateException("a line longer than " + MAX_LINE + " bytes"));
      partial = null;
    }
    drain();
  }

  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      while (!paused && !done && !pending.isEmpty()) {
        Object item = pending.poll();
        if (item instanceof Buffer line) {
          line(line);
        } else if (item == END) {
          if (!done) {
            fail(new MinerCallException(MinerCallException.Outcome.ERROR,
                "miner " + minerName + "'s stream ended before [DONE]"));
          }
        } else {
          Throwable e = (Throwable) item;
          fail(new MinerCallException(MinerCallException.Outcome.UNREACHABLE,
              "miner " + minerName + "'s stream broke: " + e.getMessage(), 0, e));
        }
      }
    } finally {
      draining = false;
    }
  }

  private void line(Buffer buffer) {
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
      pending.clear();
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
    pending.clear();
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
