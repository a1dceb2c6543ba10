package io.assay.task.llm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.assay.task.InvalidAnswerException;
import io.assay.task.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a whole chat or completions answer in one pass of Jackson's streaming parser, building
 * only the {@link LlmAnswer}: no tree of the body. Both the gateway (every miner's answer) and
 * the miner SDK (every upstream answer) read each answer this way, and the tree was most of the
 * gateway's per-request parsing time.
 *
 * <p>It reads the shapes servers send: a chat answer's {@code logprobs.content} list, strings
 * where strings belong, numbers where numbers do. Anything else (the completions endpoint's
 * {@code tokens}/{@code token_logprobs} lists, a number where a string belongs, a malformed
 * entry) is handed to {@link LlmJson#readCompletionTree}, whose rules and messages define what
 * an answer is, so the two never disagree.
 */
final class CompletionReader {

  /** The body left the shapes this reader handles; the tree reader decides. */
  private static final class Unusual extends Exception {
    Unusual() {
      super(null, null, false, false);
    }
  }

  private CompletionReader() {}

  static LlmAnswer read(boolean chat, byte[] body) {
    LlmAnswer answer = readUsual(chat, body);
    return answer != null ? answer : LlmJson.readCompletionTree(chat, body);
  }

  /**
   * The answer when the body has the usual shapes; null when it is left to the tree reader.
   *
   * @throws InvalidAnswerException when a usual body is not a valid answer
   */
  static LlmAnswer readUsual(boolean chat, byte[] body) {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      return read(chat, p);
    } catch (Unusual | IOException e) {
      return null;
    }
  }

  private static LlmAnswer read(boolean chat, JsonParser p) throws IOException, Unusual {
    expect(p.nextToken(), JsonToken.START_OBJECT);
    Choice choice = null;
    String model = "";
    int promptTokens = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "choices" -> choice = firstChoice(p, value);
        case "model" -> model = string(p, value);
        case "usage" -> promptTokens = promptTokens(p, value);
        default -> p.skipChildren();
      }
    }
    if (p.nextToken() != null) {
      throw new Unusual(); // something after the object: the tree reader says what
    }
    if (choice == null) {
      throw new InvalidAnswerException("the answer has no choices[0]");
    }
    String text = chat ? choice.content : choice.text;
    if (text == null) {
      throw new InvalidAnswerException("the answer has no " + (chat ? "message.content" : "text"));
    }
    String finish = choice.finishReason;
    if (finish == null) {
      throw new InvalidAnswerException("the answer has no finish_reason");
    }
    if (!finish.equals("stop") && !finish.equals("length")) {
      throw new InvalidAnswerException("unexpected finish_reason '" + finish + "'");
    }
    if (!LlmJson.join(choice.tokens).equals(text)) {
      throw new InvalidAnswerException("the answer's logprobs tokens do not spell its text");
    }
    return new LlmAnswer(chat, model, text, choice.tokens, finish, promptTokens);
  }

  /** What the answer's first choice said; null fields were absent or null. */
  private static final class Choice {
    String content;
    String text;
    String finishReason;
    List<LlmAnswer.TokenLogprob> tokens = new ArrayList<>();
  }

  private static Choice firstChoice(JsonParser p, JsonToken value) throws IOException, Unusual {
    expect(value, JsonToken.START_ARRAY);
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new Unusual();
    }
    Choice choice = new Choice();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "message" -> choice.content = messageContent(p, v);
        case "text" -> choice.text = nullableString(p, v);
        case "finish_reason" -> choice.finishReason = nullableString(p, v);
        case "logprobs" -> choice.tokens = logprobs(p, v);
        default -> p.skipChildren();
      }
    }
    // Later choices are not read (n is 1 on the miner protocol).
    while (p.nextToken() != JsonToken.END_ARRAY) {
      p.skipChildren();
    }
    return choice;
  }

  private static String messageContent(JsonParser p, JsonToken value)
      throws IOException, Unusual {
    expect(value, JsonToken.START_OBJECT);
    String content = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (field.equals("content")) {
        content = nullableString(p, v);
      } else {
        p.skipChildren();
      }
    }
    return content;
  }

  private static List<LlmAnswer.TokenLogprob> logprobs(JsonParser p, JsonToken value)
      throws IOException, Unusual {
    List<LlmAnswer.TokenLogprob> out = new ArrayList<>();
    if (value == JsonToken.VALUE_NULL) {
      return out;
    }
    expect(value, JsonToken.START_OBJECT);
    boolean content = false;
    boolean other = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (!field.equals("content")) {
        other = true; // such as OpenAI's "refusal": null beside the content
        p.skipChildren();
        continue;
      }
      content = true;
      expect(v, JsonToken.START_ARRAY);
      out = new ArrayList<>();
      while (p.nextToken() == JsonToken.START_OBJECT) {
        out.add(token(p));
      }
      expect(p.currentToken(), JsonToken.END_ARRAY);
    }
    if (!content && other) {
      // The completions endpoint's parallel lists are the tree reader's.
      throw new Unusual();
    }
    return out;
  }

  private static LlmAnswer.TokenLogprob token(JsonParser p) throws IOException, Unusual {
    String token = null;
    Double logprob = null;
    List<LlmAnswer.Alternative> top = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "token" -> token = string(p, v);
        case "logprob" -> logprob = number(p, v);
        case "top_logprobs" -> top = alternatives(p, v);
        default -> p.skipChildren();
      }
    }
    if (token == null || logprob == null) {
      throw new Unusual();
    }
    return new LlmAnswer.TokenLogprob(token, logprob, top);
  }

  private static List<LlmAnswer.Alternative> alternatives(JsonParser p, JsonToken value)
      throws IOException, Unusual {
    if (value == JsonToken.VALUE_NULL) {
      return List.of();
    }
    expect(value, JsonToken.START_ARRAY);
    List<LlmAnswer.Alternative> top = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String token = null;
      Double logprob = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "token" -> token = string(p, v);
          case "logprob" -> logprob = number(p, v);
          default -> p.skipChildren();
        }
      }
      if (token == null || logprob == null) {
        throw new Unusual();
      }
      top.add(new LlmAnswer.Alternative(token, logprob));
    }
    expect(p.currentToken(), JsonToken.END_ARRAY);
    return List.copyOf(top);
  }

  private static int promptTokens(JsonParser p, JsonToken value) throws IOException, Unusual {
    expect(value, JsonToken.START_OBJECT);
    int prompt = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (field.equals("prompt_tokens")) {
        if (v != JsonToken.VALUE_NUMBER_INT) {
          throw new Unusual();
        }
        prompt = p.getValueAsInt(0);
      } else {
        p.skipChildren();
      }
    }
    return prompt;
  }

  private static String string(JsonParser p, JsonToken value) throws IOException, Unusual {
    expect(value, JsonToken.VALUE_STRING);
    return p.getText();
  }

  private static String nullableString(JsonParser p, JsonToken value)
      throws IOException, Unusual {
    return value == JsonToken.VALUE_NULL ? null : string(p, value);
  }

  private static double number(JsonParser p, JsonToken value) throws IOException, Unusual {
    if (value != JsonToken.VALUE_NUMBER_FLOAT && value != JsonToken.VALUE_NUMBER_INT) {
      throw new Unusual();
    }
    return p.getDoubleValue();
  }

  private static void expect(JsonToken actual, JsonToken expected) throws Unusual {
    if (actual != expected) {
      throw new Unusual();
    }
  }
}
