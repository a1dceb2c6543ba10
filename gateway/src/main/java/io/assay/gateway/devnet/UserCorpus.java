package io.assay.gateway.devnet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.gateway.config.GatewayConfig.TaskConfig;
import io.assay.task.Json;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What the simulated users ask: request bodies, as a user would send them to the public API, for
 * every task kind, drawn from the users' own corpus. It shares no template or vocabulary with
 * the built-in synthetic generators, so a miner that serves well only what it recognises as the
 * generator's ({@code detector}) serves these badly, as it would a real user's.
 */
final class UserCorpus {

  private static final List<String> QUESTIONS = List.of(
      "How do I fix a tap that keeps dripping?",
      "Summarise the plot of Hamlet in two lines.",
      "What should I pack for a week of hiking in Scotland?",
      "Draft a polite reminder to a client about an unpaid invoice.",
      "Why does bread go stale faster in the fridge?",
      "Suggest a name for a bakery that sells sourdough.",
      "How many litres of paint do I need for a 12 square metre wall?",
      "Explain the offside rule to a child.",
      "Write a haiku about the first frost.",
      "What is a good stretching routine after cycling?",
      "Compare renting and buying a flat in a small town.",
      "List three ways to keep basil alive indoors.");
  private static final List<String> SYSTEMS = List.of("Answer in plain English.",
      "Keep answers under fifty words.");
  private static final List<String> SENTENCES = List.of(
      "The parcel arrived two days late and the box was crushed.",
      "Can I change the delivery address after ordering?",
      "Our quarterly revenue grew by eleven percent.",
      "The museum is closed on Mondays except in August.",
      "Please refund the duplicate charge on my card.",
      "The train to Leeds leaves from platform four.",
      "Mix the flour and butter until it looks like breadcrumbs.",
      "Her thesis studies bird migration over the Alps.",
      "The warranty covers parts but not labour.",
      "We moved the standup to half past nine.");
  private static final List<String> PICTURES = List.of(
      "a watercolour of a heron standing in reeds",
      "a sketch of a bicycle leaning on a brick wall",
      "a bowl of lemons on a blue tablecloth",
      "a paper boat floating on a puddle",
      "a lighthouse keeper reading by a lamp",
      "a street market with striped awnings",
      "a snail climbing a rain-soaked leaf",
      "an empty swimming pool in late afternoon");

  private UserCorpus() {}

  /** The public path and JSON body of one user request of {@code task}. */
  record Call(String path, byte[] body, boolean stream) {}

  static Call next(TaskConfig task, RandomGenerator random) {
    return switch (task.kind()) {
      case "llm" -> llm(task.model(), random);
      case "embeddings" -> embeddings(task.model(), random);
      case "image" -> image(task.model(), random);
      case "zk-proof" -> proof(task.model(), random);
      default -> throw new IllegalArgumentException("no user corpus for kind " + task.kind());
    };
  }

  private static Call llm(String model, RandomGenerator random) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("model", model);
    String question = pick(QUESTIONS, random);
    boolean stream = random.nextBoolean();
    body.put("max_tokens", 16 + random.nextInt(100));
    body.put("temperature", Math.round(random.nextDouble() * 10) / 10.0);
    if (random.nextInt(3) == 0) {
      body.put("seed", random.nextInt(10_000));
    }
    body.put("stream", stream);
    String path;
    if (random.nextInt(4) == 0) {
      path = "/v1/completions";
      body.put("prompt", question);
    } else {
      path = "/v1/chat/completions";
      ArrayNode messages = body.putArray("messages");
      if (random.nextBoolean()) {
        messages.addObject().put("role", "system").put("content", pick(SYSTEMS, random));
      }
      messages.addObject().put("role", "user").put("content", question);
      if (random.nextBoolean()) {
        body.put("logprobs", true).put("top_logprobs", random.nextInt(4));
      }
    }
    return new Call(path, bytes(body), stream);
  }

  private static Call embeddings(String model, RandomGenerator random) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("model", model);
    ArrayNode input = body.putArray("input");
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      input.add(pick(SENTENCES, random));
    }
    return new Call("/v1/embeddings", bytes(body), false);
  }

  private static Call image(String model, RandomGenerator random) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("model", model)
        .put("prompt", pick(PICTURES, random)).put("size", "256x256")
        .put("steps", 8 + random.nextInt(8)).put("response_format", "b64_json");
    return new Call("/v1/images/generations", bytes(body), false);
  }

  /** A made-up daily series of five readings with one decimal, e.g. temperatures. */
  private static Call proof(String circuit, RandomGenerator random) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("circuit", circuit);
    ArrayNode series = body.putObject("input").putArray("series");
    double value = 5 + random.nextInt(300) / 10.0;
    for (int i = 0; i < 5; i++) {
      series.add(Math.round(value * 10) / 10.0);
      value += (random.nextInt(21) - 10) / 10.0;
    }
    return new Call("/v1/proofs", bytes(body), false);
  }

  private static String pick(List<String> options, RandomGenerator random) {
    return options.get(random.nextInt(options.size()));
  }

  private static byte[] bytes(ObjectNode body) {
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a user request", e);
    }
  }
}
