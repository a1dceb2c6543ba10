package io.assay.task.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.InvalidRequestException;
import io.assay.task.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses and validates {@code /v1/chat/completions} and {@code /v1/completions} bodies by
 * OpenAI's rules, refusing what the marketplace cannot honour (several choices, tools, penalties)
 * with a 400 that names the parameter, rather than silently ignoring it.
 */
final class LlmRequestParser {

  static final int DEFAULT_MAX_TOKENS = 256;
  static final int MAX_MAX_TOKENS = 4096;
  /** Most alternatives per token a chat request may ask for ({@code top_logprobs}). */
  static final int MAX_TOP_LOGPROBS = 20;
  /** Most alternatives per token a completions request may ask for ({@code logprobs}). */
  static final int MAX_COMPLETION_LOGPROBS = 5;
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

  private LlmRequestParser() {}

  static LlmRequest parse(String path, byte[] body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new InvalidRequestException("We could not parse the JSON body of your request. (HINT:"
          + " This likely means you aren't using your HTTP library correctly. The OpenAI API"
          + " expects a JSON payload.)", null, null);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidRequestException("The request body must be a JSON object.", null, null);
    }
    boolean chat = path.equals(LlmRequest.CHAT_PATH);
    String model = requiredString(root, "model");
    List<LlmRequest.Message> messages = chat ? messages(root) : List.of();
    String prompt = chat ? null : prompt(root);

    double temperature = number(root, "temperature", 1.0, 0, 2);
    double topP = number(root, "top_p", 1.0, 0, 1);
    String maxKey = chat && root.hasNonNull("max_completion_tokens")
        ? "max_completion_tokens" : "max_tokens";
    int maxTokens = (int) integer(root, maxKey, DEFAULT_MAX_TOKENS, 1, MAX_MAX_TOKENS);
    int n = (int) integer(root, "n", 1, 1, 128);
    if (n != 1) {
      throw invalid("n", "Only n=1 is supported: each request is served by one miner. Send"
          + " several requests for several choices.", "unsupported_value");
    }
    List<String> stop = stop(root);
    Long seed = root.hasNonNull("seed") ? integer(root, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE)
        : null;
    boolean logprobs;
    int topLogprobs;
    if (chat) {
      logprobs = bool(root, "logprobs", false);
      topLogprobs = (int) integer(root, "top_logprobs", 0, 0, MAX_TOP_LOGPROBS);
      if (root.hasNonNull("top_logprobs") && !logprobs) {
        throw invalid("top_logprobs", "top_logprobs requires logprobs to be true.",
            "invalid_value");
      }
    } else {
      logprobs = root.hasNonNull("logprobs");
      topLogprobs = (int) integer(root, "logprobs", 0, 0, MAX_COMPLETION_LOGPROBS);
      if (bool(root, "echo", false)) {
        throw invalid("echo", "echo is not supported.", "unsupported_value");
      }
      if (root.hasNonNull("suffix")) {
        throw invalid("suffix", "suffix is not supported.", "unsupported_value");
      }
    }
    boolean stream = bool(root, "stream", false);
    boolean includeUsage = false;
    JsonNode options = root.get("stream_options");
    if (options != null && !options.isNull()) {
      if (!stream) {
        throw invalid("stream_options", "The 'stream_options' parameter is only allowed when"
            + " 'stream' is enabled.", "invalid_value");
      }
      if (!options.isObject()) {
        throw invalid("stream_options", "stream_options must be an object.", "invalid_type");
      }
      includeUsage = bool(options, "include_usage", false);
    }
    refuseNonZero(root, "frequency_penalty");
    refuseNonZero(root, "presence_penalty");
    refusePresent(root, "logit_bias");
    refusePresent(root, "tools");
    refusePresent(root, "functions");
    refusePresent(root, "best_of");
    JsonNode format = root.get("response_format");
    if (format != null && !format.isNull()
        && !"text".equals(format.path("type").asText(null))) {
      throw invalid("response_format", "Only response_format {\"type\":\"text\"} is supported.",
          "unsupported_value");
    }
    String user = root.hasNonNull("user") ? root.get("user").asText() : null;
    return new LlmRequest(path, model, messages, prompt, temperature, topP, maxTokens, stop, seed,
        logprobs, topLogprobs, stream, includeUsage, user);
  }

  private static List<LlmRequest.Message> messages(JsonNode root) {
    JsonNode list = root.get("messages");
    if (list == null || list.isNull()) {
      throw invalid("messages", "Missing required parameter: 'messages'.",
          "missing_required_parameter");
    }
    if (!list.isArray() || list.isEmpty()) {
      throw invalid("messages", "'messages' must be a non-empty array.", "invalid_value");
    }
    List<LlmRequest.Message> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      JsonNode m = list.get(i);
      String where = "messages[" + i + "]";
      if (!m.isObject()) {
        throw invalid(where, "Each message must be an object.", "invalid_type");
      }
      String role = m.path("role").asText(null);
      if (role == null || !ROLES.contains(role)) {
        throw invalid(where + ".role", "Invalid value for 'role': expected one of system,"
            + " developer, user, assistant.", "invalid_value");
      }
      out.add(new LlmRequest.Message(role, content(m.get("content"), where + ".content")));
    }
    return List.copyOf(out);
  }

  private static String content(JsonNode content, String where) {
    if (content == null || content.isNull()) {
      throw invalid(where, "Missing required parameter: '" + where + "'.",
          "missing_required_parameter");
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder text = new StringBuilder();
      for (JsonNode part : content) {
        if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
          throw invalid(where, "Only text content parts are supported.", "unsupported_value");
        }
        text.append(part.get("text").asText());
      }
      return text.toString();
    }
    throw invalid(where, "Message content must be a string or an array of text parts.",
        "invalid_type");
  }

  private static String prompt(JsonNode root) {
    JsonNode prompt = root.get("prompt");
    if (prompt == null || prompt.isNull()) {
      throw invalid("prompt", "Missing required parameter: 'prompt'.",
          "missing_required_parameter");
    }
    if (prompt.isTextual()) {
      return prompt.asText();
    }
    if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
      return prompt.get(0).asText();
    }
    throw invalid("prompt", "'prompt' must be a string (or an array holding one string).",
        "invalid_type");
  }

  private static List<String> stop(JsonNode root) {
    JsonNode stop = root.get("stop");
    if (stop == null || stop.isNull()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (stop.isTextual()) {
      out.add(stop.asText());
    } else if (stop.isArray()) {
      for (JsonNode s : stop) {
        if (!s.isTextual()) {
          throw invalid("stop", "'stop' must be a string or an array of strings.",
              "invalid_type");
        }
        out.add(s.asText());
      }
    } else {
      throw invalid("stop", "'stop' must be a string or an array of strings.", "invalid_type");
    }
    if (out.size() > 4) {
      throw invalid("stop", "At most 4 stop sequences are allowed.", "invalid_value");
    }
    for (String s : out) {
      if (s.isEmpty()) {
        throw invalid("stop", "Stop sequences must not be empty.", "invalid_value");
      }
    }
    return List.copyOf(out);
  }

  private static String requiredString(JsonNode root, String key) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      throw invalid(key, "Missing required parameter: '" + key + "'.",
          "missing_required_parameter");
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw invalid(key, "'" + key + "' must be a non-empty string.", "invalid_type");
    }
    return v.asText();
  }

  private static double number(JsonNode root, String key, double fallback, double min,
      double max) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw invalid(key, "'" + key + "' must be a number.", "invalid_type");
    }
    double d = v.asDouble();
    if (!(d >= min && d <= max)) {
      throw invalid(key, "Invalid '" + key + "': " + v + " is not between " + fmt(min) + " and "
          + fmt(max) + ".", "invalid_value");
    }
    return d;
  }

  private static long integer(JsonNode root, String key, long fallback, long min, long max) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw invalid(key, "'" + key + "' must be an integer.", "invalid_type");
    }
    long l = v.asLong();
    if (l < min || l > max) {
      throw invalid(key, "Invalid '" + key + "': " + l + " is not between " + min + " and " + max
          + ".", "invalid_value");
    }
    return l;
  }

  private static boolean bool(JsonNode root, String key, boolean fallback) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw invalid(key, "'" + key + "' must be a boolean.", "invalid_type");
    }
    return v.asBoolean();
  }

  private static void refuseNonZero(JsonNode root, String key) {
    if (number(root, key, 0, -2, 2) != 0) {
      throw invalid(key, "'" + key + "' is not supported; leave it at 0.", "unsupported_value");
    }
  }

  private static void refusePresent(JsonNode root, String key) {
    JsonNode v = root.get(key);
    if (v != null && !v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
      throw invalid(key, "'" + key + "' is not supported.", "unsupported_value");
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  static InvalidRequestException invalid(String param, String message, String code) {
    return new InvalidRequestException(message, param, code);
  }
}
