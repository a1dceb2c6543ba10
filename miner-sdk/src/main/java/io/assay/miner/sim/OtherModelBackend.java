package io.assay.miner.sim;

import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.embeddings.EmbeddingsRequest;
import io.assay.task.image.ImageRequest;
import io.assay.task.llm.LlmRequest;
import io.assay.task.zk.ZkRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers a slightly different request than the one asked, as a miner substituting a cheaper
 * model would: the answer has the right shape and plausible content, but is not what the
 * requested model gives.
 *
 * <ul>
 *   <li>llm: the same request with another seed ({@code seed ^ }{@value #SEED_FLIP}, or
 *       {@value #FIXED_SEED} when none was asked for) and the temperature raised by {@value
 *       #TEMPERATURE_BUMP} (at most 2);
 *   <li>embeddings: the honest vectors of each input with its words in reverse order (its
 *       characters reversed when that changes nothing, {@code " again"} appended when neither
 *       does);
 *   <li>image: the same request with another seed, flipped as for llm: a plausible picture of the
 *       prompt, but not the one asked for;
 *   <li>zk-proof: the request with its first input signal plus one and the same nonce ({@link
 *       ForgedProofs#otherInputs}): a valid proof, of other inputs.
 * </ul>
 *
 * Streams are the honest backend's streams of the other request, so they match the answer.
 */
final class OtherModelBackend extends ForwardingBackend {

  static final long SEED_FLIP = 0x5DEECE66DL;
  static final long FIXED_SEED = 424242L;
  static final double TEMPERATURE_BUMP = 0.3;

  OtherModelBackend(Backend honest) {
    super(honest);
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    TaskRequest other;
    try {
      other = other(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return Stages.call(() -> honest.serve(other));
  }

  @Override
  public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
    TaskRequest other;
    try {
      other = other(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return Stages.call(() -> honest.stream(other, sink));
  }

  static TaskRequest other(TaskRequest request) {
    if (request instanceof LlmRequest r) {
      long seed = r.seed() == null ? FIXED_SEED : r.seed() ^ SEED_FLIP;
      double temperature = Math.min(2.0, r.temperature() + TEMPERATURE_BUMP);
      return new LlmRequest(r.path(), r.model(), r.messages(), r.prompt(), temperature, r.topP(),
          r.maxTokens(), r.stop(), seed, r.logprobs(), r.topLogprobs(), r.stream(),
          r.includeUsage(), r.user());
    }
    if (request instanceof EmbeddingsRequest r) {
      List<String> input = r.input().stream().map(OtherModelBackend::perturb).toList();
      return new EmbeddingsRequest(r.path(), r.model(), input, r.encodingFormat(),
          r.dimensions(), r.user());
    }
    if (request instanceof ImageRequest r) {
      long seed = r.seed() == null ? FIXED_SEED : r.seed() ^ SEED_FLIP;
      return new ImageRequest(r.path(), r.model(), r.prompt(), r.negativePrompt(), r.n(),
          r.size(), r.responseFormat(), r.steps(), seed, r.guidanceScale(), r.user(), r.edit());
    }
    if (request instanceof ZkRequest r) {
      return ForgedProofs.otherInputs(r);
    }
    throw SimulatedBackends.notSimulated(Behaviour.OTHER_MODEL, request);
  }

  static String perturb(String text) {
    List<String> words = new ArrayList<>(List.of(text.trim().split("\\s+")));
    Collections.reverse(words);
    String other = String.join(" ", words);
    if (other.equals(text)) {
      other = new StringBuilder(text).reverse().toString();
    }
    return other.equals(text) ? text + " again" : other;
  }
}
