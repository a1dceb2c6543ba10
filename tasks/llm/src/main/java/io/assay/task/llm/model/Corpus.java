package io.assay.task.llm.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The training corpus, generated from the {@link Grammar} with a fixed seed, so every process on
 * every machine trains the same model.
 *
 * <p>Topics take turns, so each has the same number of documents (which keeps the topic model
 * neutral for prompts about nothing in particular). A document is either plain text (a paragraph,
 * or a question followed by its answer) or a chat: an optional system message, a question, an
 * answer and sometimes a follow-up exchange, each message closed by {@code <|end|>}; plain text
 * ends with {@code <|end|>} too. The first word of every sentence is capitalised here, so the
 * grammar need not spell both forms.
 */
final class Corpus {

  private static final int END = -1;
  private static final int SYSTEM = -2;
  private static final int USER = -3;
  private static final int ASSISTANT = -4;
  private static final int MAX_DEPTH = 40;

  final WordTokenizer tokenizer;
  /** Every document's token ids, concatenated. */
  final int[] tokens;
  /** Document {@code d} is {@code tokens[docStart[d], docStart[d + 1])}. */
  final int[] docStart;
  final int[] docTopic;
  final List<String> topicNames;

  private Corpus(WordTokenizer tokenizer, int[] tokens, int[] docStart, int[] docTopic,
      List<String> topicNames) {
    this.tokenizer = tokenizer;
    this.tokens = tokens;
    this.docStart = docStart;
    this.docTopic = docTopic;
    this.topicNames = topicNames;
  }

  int documents() {
    return docTopic.length;
  }

  static Corpus generate(Grammar grammar, int documents, long seed) {
    Builder b = new Builder(grammar, seed);
    IntList starts = new IntList(documents + 1);
    int[] topicOf = new int[documents];
    for (int d = 0; d < documents; d++) {
      int t = d % grammar.topics.size();
      topicOf[d] = t;
      starts.add(b.out.size());
      b.document(grammar.topics.get(t));
    }
    starts.add(b.out.size());
    List<String> names = new ArrayList<>();
    for (Grammar.Topic t : grammar.topics) {
      names.add(t.name());
    }
    return b.finish(starts.toArray(), topicOf, names);
  }

  /** Expansion state: the growing term table (capitalised forms are added on first use). */
  private static final class Builder {

    final SplittableRandom random;
    final List<String> terms;
    final Map<String, Integer> termIndex = new HashMap<>();
    final IntList capitalised = new IntList(1024);
    final IntList out = new IntList(1 << 20);
    boolean sentenceStart;

    Builder(Grammar grammar, long seed) {
      this.random = new SplittableRandom(seed);
      this.terms = new ArrayList<>(grammar.terms);
      for (int i = 0; i < terms.size(); i++) {
        termIndex.put(terms.get(i), i);
      }
    }

    void document(Grammar.Topic topic) {
      int kind = random.nextInt(100);
      if (kind < 20) {
        segment(topic, "paragraph");
      } else if (kind < 35) {
        segment(topic, "qa");
      } else {
        if (random.nextBoolean()) {
          out.add(SYSTEM);
          segment(topic, "system");
          out.add(END);
        }
        message(topic, USER, "question");
        message(topic, ASSISTANT, "answer");
        if (random.nextInt(100) < 30) {
          message(topic, USER, "followup");
          message(topic, ASSISTANT, "more");
        }
        return;
      }
      out.add(END);
    }

    private void message(Grammar.Topic topic, int role, String rule) {
      out.add(role);
      segment(topic, rule);
      out.add(END);
    }

    private void segment(Grammar.Topic topic, String rule) {
      sentenceStart = true;
      expand(topic, topic.rule(rule), 0);
    }

    private void expand(Grammar.Topic topic, int rule, int depth) {
      if (depth > MAX_DEPTH) {
        throw new IllegalStateException("grammar recursion deeper than " + MAX_DEPTH
            + " in topic " + topic.name());
      }
      int[][] alternatives = topic.rules()[rule];
      int[] items = alternatives[alternatives.length == 1 ? 0 : random.nextInt(alternatives.length)];
      for (int item : items) {
        if (item >= 0) {
          emit(item);
        } else {
          expand(topic, -item - 1, depth + 1);
        }
      }
    }

    private void emit(int term) {
      String text = terms.get(term);
      char first = text.charAt(0);
      if (Grammar.PUNCTUATION.indexOf(first) >= 0) {
        out.add(term);
        sentenceStart = first == '.' || first == '?' || first == '!';
        if (first == ',' || first == ';' || first == ':') {
          sentenceStart = false;
        }
        return;
      }
      out.add(sentenceStart && first >= 'a' && first <= 'z' ? capitalised(term) : term);
      sentenceStart = false;
    }

    private int capitalised(int term) {
      while (capitalised.size() <= term) {
        capitalised.add(-1);
      }
      int c = capitalised.get(term);
      if (c < 0) {
        String text = terms.get(term);
        c = Grammar.intern(Character.toUpperCase(text.charAt(0)) + text.substring(1), terms,
            termIndex);
        capitalised.set(term, c);
      }
      return c;
    }

    Corpus finish(int[] starts, int[] topicOf, List<String> names) {
      List<String> words = new ArrayList<>();
      for (String t : terms) {
        if (Grammar.PUNCTUATION.indexOf(t.charAt(0)) < 0) {
          words.add(t);
        }
      }
      WordTokenizer tokenizer = WordTokenizer.of(words);
      int[] finalId = new int[terms.size()];
      for (int i = 0; i < finalId.length; i++) {
        String t = terms.get(i);
        finalId[i] = Grammar.PUNCTUATION.indexOf(t.charAt(0)) >= 0 ? t.charAt(0) : tokenizer.wordId(t);
      }
      int[] tokens = out.toArray();
      for (int i = 0; i < tokens.length; i++) {
        int v = tokens[i];
        tokens[i] = v >= 0 ? finalId[v] : WordTokenizer.END - 1 - v;
      }
      return new Corpus(tokenizer, tokens, starts, topicOf, names);
    }
  }
}
