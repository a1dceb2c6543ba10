package io.assay.task.upstream;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body into a byte array, giving up (and cancelling the exchange) as soon as
 * it grows past a limit, so a misbehaving server cannot make us buffer without bound.
 */
final class BoundedBody implements BodySubscriber<byte[]> {

  /** Raised inside the body stage; {@link OpenAiHttp} turns it into an UpstreamException. */
  static final class TooLarge extends RuntimeException {
    TooLarge(long limit) {
      super("response body is larger than " + limit + " bytes", null, false, false);
    }
  }

  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final ByteArrayOutputStream out;
  private final int limit;
  private Flow.Subscription subscription;

  BoundedBody(int limit, long contentLength) {
    this.limit = limit;
    // Pre-size from Content-Length when it is sane; the limit is still enforced as bytes arrive.
    int initial = contentLength > 0 && contentLength <= limit ? (int) contentLength : 8192;
    this.out = new ByteArrayOutputStream(initial);
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer buffer : items) {
      int n = buffer.remaining();
      if ((long) out.size() + n > limit) {
        subscription.cancel();
        result.completeExceptionally(new TooLarge(limit));
        return;
      }
      if (buffer.hasArray()) {
        out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
      } else {
        byte[] copy = new byte[n];
        buffer.get(copy);
        out.write(copy, 0, n);
      }
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    result.complete(out.toByteArray());
  }
}
