package io.assay.miner;

import io.assay.protocol.Hotkey;
import io.assay.protocol.Identity;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * A miner: serves the tasks it offers to the validators it accepts, over the Assay protocol.
 *
 * <p>Build one with {@link #builder()}, then {@link #start()} it. The miner answers {@code POST
 * /session}, {@code GET /capacity}, {@code GET /health}, {@code GET /metrics}, {@code POST
 * /receipts/root} and the paths of every task kind it offers; everything but the session
 * handshake, health and metrics must carry a valid session MAC. Metrics (Prometheus) are for
 * loopback clients, or those that send the {@link Builder#metricsToken metrics token}. A request over the task's concurrency limit or the capacity it serves
 * this period is answered 429 with {@code Retry-After}. {@code GET /capacity} answers what the
 * {@link Builder#declarationPolicy declaration policy} says: the honest declaration unless told
 * otherwise, or 503 when the policy gives none.
 *
 * <pre>{@code
 * Miner miner = Miner.builder()
 *     .name("my-miner")
 *     .identity(Identity.loadOrCreate(Path.of("miner.key")))
 *     .acceptValidators(hotkey -> hotkey.equals(myValidator))
 *     .offer(new TaskOffer(kind, spec, backend, 1_000_000, 8))
 *     .port(9001)
 *     .build();
 * miner.start().toCompletableFuture().join();
 * }</pre>
 */
public interface Miner extends AutoCloseable {

  static Builder builder() {
    return new Builder();
  }

  String name();

  Hotkey hotkey();

  /** The port it listens on; valid once started. */
  int port();

  /** Starts listening; completes with this miner once it accepts connections. */
  CompletionStage<Miner> start();

  /** Stops listening, fails requests in flight and closes backends. */
  CompletionStage<Void> stop();

  @Override
  default void close() {
    stop().toCompletableFuture().join();
  }

  /** Collects a miner's settings; checked when {@link #build()} is called. */
  final class Builder {
    String name = "miner";
    Identity identity;
    String host = "127.0.0.1";
    int port = 0;
    Predicate<Hotkey> acceptValidators;
    io.assay.miner.attestation.QuoteProvider quoteProvider;
    final List<TaskOffer> offers = new ArrayList<>();
    Duration periodLength = Duration.ofMinutes(60);
    Duration sessionTtl = Duration.ofHours(1);
    Duration timestampWindow = Duration.ofSeconds(30);
    Duration receiptRetention = Duration.ofMinutes(30);
    int maxBodyBytes = 16 * 1024 * 1024;
    Clock clock = Clock.systemUTC();
    DeclarationPolicy declarationPolicy = DeclarationPolicy.HONEST;
    String metricsToken;

    private Builder() {}

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    public Builder identity(Identity identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Port to listen on; 0 picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** Which validators may open sessions; everyone else is refused with 403. */
    public Builder acceptValidators(Predicate<Hotkey> accept) {
      this.acceptValidators = Objects.requireNonNull(accept, "accept");
      return this;
    }

    public Builder offer(TaskOffer offer) {
      offers.add(Objects.requireNonNull(offer, "offer"));
      return this;
    }

    /**
     * The TEE this miner runs in: sessions a validator asks to attest are answered with its
     * quote, and their sealed request bodies are opened inside it (see ATTESTATION.md). None by
     * default: such sessions get no quote, and the validator sends them no attested work.
     */
    public Builder quoteProvider(io.assay.miner.attestation.QuoteProvider provider) {
      this.quoteProvider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** Length of a scoring period; capacity renews at each period start. */
    public Builder periodLength(Duration periodLength) {
      this.periodLength = positive(periodLength, "periodLength");
      return this;
    }

    public Builder sessionTtl(Duration sessionTtl) {
      this.sessionTtl = positive(sessionTtl, "sessionTtl");
      return this;
    }

    /**
     * How long after a period ends the miner still answers for its receipt root (and keeps its
     * receipts); at least the previous period is always kept. A validator asks a few minutes
     * after the period's end (its {@code receipts.check_delay}).
     */
    public Builder receiptRetention(Duration receiptRetention) {
      this.receiptRetention = positive(receiptRetention, "receiptRetention");
      return this;
    }

    /** How far a request's timestamp may be from the miner's clock. */
    public Builder timestampWindow(Duration timestampWindow) {
      this.timestampWindow = positive(timestampWindow, "timestampWindow");
      return this;
    }

    public Builder maxBodyBytes(int maxBodyBytes) {
      if (maxBodyBytes < 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be >= 1024, was " + maxBodyBytes);
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * What the miner answers to {@code GET /capacity} (see {@link DeclarationPolicy}); by default
     * the honest declaration at every poll.
     */
    public Builder declarationPolicy(DeclarationPolicy policy) {
      this.declarationPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The bearer token {@code GET /metrics} asks for; null or blank (the default): only
     * loopback clients may read it.
     */
    public Builder metricsToken(String token) {
      this.metricsToken = token == null || token.isBlank() ? null : token;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Miner build() {
      if (identity == null) {
        throw new IllegalStateException("miner " + name + ": identity is required");
      }
      if (acceptValidators == null) {
        throw new IllegalStateException(
            "miner " + name + ": acceptValidators is required (which validators may connect)");
      }
      if (offers.isEmpty()) {
        throw new IllegalStateException("miner " + name + ": offers no task");
      }
      return new MinerServer(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + d);
      }
      return d;
    }
  }
}
