package io.assay.task.llm.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The template grammar the training corpus is generated from ({@code reference-lm-grammar.txt}
 * next to this class; its header explains the format).
 *
 * <p>Parsing compiles every topic into its own rule table, in which references are already
 * resolved (the topic's own rule first, else the common one), so expanding is array walking.
 * Terminals are interned into {@link #terms}: words as written, punctuation as one character.
 */
final class Grammar {

  static final String RESOURCE = "reference-lm-grammar.txt";
  static final String PUNCTUATION = ".,?!:;";

  /**
   * One topic's compiled rules. {@code rules[r][a]} is alternative {@code a} of rule {@code r}:
   * items {@code >= 0} are terminals (indexes into {@link #terms}), items {@code < 0} are
   * references to rule {@code -item - 1}.
   */
  record Topic(String name, Map<String, Integer> ruleIndex, int[][][] rules) {

    int rule(String ruleName) {
      Integer index = ruleIndex.get(ruleName);
      if (index == null) {
        throw new IllegalStateException("topic " + name + " has no rule '" + ruleName + "'");
      }
      return index;
    }
  }

  final List<String> terms;
  final List<Topic> topics;

  private Grammar(List<String> terms, List<Topic> topics) {
    this.terms = terms;
    this.topics = topics;
  }

  static Grammar load() {
    try (InputStream in = Grammar.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      return parse(reader.lines().toList());
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + RESOURCE, e);
    }
  }

  /** Parses grammar text; fails naming the line on any syntax error or unknown rule. */
  static Grammar parse(List<String> lines) {
    Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
    Map<String, List<String>> section = null;
    List<String> current = null;
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      String where = RESOURCE + " line " + (n + 1) + ": ";
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.equals("@common") || line.startsWith("@topic ")) {
        String name = line.equals("@common") ? "" : line.substring(7).strip();
        if (sections.containsKey(name)) {
          throw new IllegalStateException(where + "section declared twice");
        }
        section = new LinkedHashMap<>();
        sections.put(name, section);
        current = null;
      } else if (line.startsWith("|")) {
        if (current == null) {
          throw new IllegalStateException(where + "'|' continues no rule");
        }
        addAlternatives(line.substring(1), current, where);
      } else {
        int eq = line.indexOf('=');
        if (section == null || eq < 0) {
          throw new IllegalStateException(where + "expected 'name = alternatives' in a section");
        }
        String ruleName = line.substring(0, eq).strip();
        current = section.computeIfAbsent(ruleName, k -> new ArrayList<>());
        addAlternatives(line.substring(eq + 1), current, where);
      }
    }
    Map<String, List<String>> common = sections.getOrDefault("", Map.of());
    List<String> terms = new ArrayList<>();
    Map<String, Integer> termIndex = new HashMap<>();
    List<Topic> topics = new ArrayList<>();
    for (Map.Entry<String, Map<String, List<String>>> e : sections.entrySet()) {
      if (!e.getKey().isEmpty()) {
        topics.add(compile(e.getKey(), e.getValue(), common, terms, termIndex));
      }
    }
    if (topics.isEmpty()) {
      throw new IllegalStateException(RESOURCE + " declares no @topic");
    }
    return new Grammar(terms, topics);
  }

  private static void addAlternatives(String text, List<String> into, String where) {
    for (String alt : text.split("\\|", -1)) {
      String a = alt.strip();
      if (a.isEmpty()) {
        throw new IllegalStateException(where + "empty alternative (write ~ for nothing)");
      }
      into.add(a.equals("~") ? "" : a);
    }
  }

  private static Topic compile(String name, Map<String, List<String>> own,
      Map<String, List<String>> common, List<String> terms, Map<String, Integer> termIndex) {
    Map<String, List<String>> all = new LinkedHashMap<>(common);
    all.putAll(own);
    Map<String, Integer> ruleIndex = new LinkedHashMap<>();
    for (String rule : all.keySet()) {
      ruleIndex.put(rule, ruleIndex.size());
    }
    int[][][] rules = new int[all.size()][][];
    int r = 0;
    for (Map.Entry<String, List<String>> rule : all.entrySet()) {
      List<String> alts = rule.getValue();
      rules[r] = new int[alts.size()][];
      for (int a = 0; a < alts.size(); a++) {
        String where = "topic " + name + ", rule " + rule.getKey() + ", '" + alts.get(a) + "': ";
        rules[r][a] = items(alts.get(a), ruleIndex, terms, termIndex, where);
      }
      r++;
    }
    return new Topic(name, Map.copyOf(ruleIndex), rules);
  }

  private static int[] items(String alt, Map<String, Integer> ruleIndex, List<String> terms,
      Map<String, Integer> termIndex, String where) {
    IntList items = new IntList(16);
    int i = 0;
    while (i < alt.length()) {
      char c = alt.charAt(i);
      if (c == ' ') {
        i++;
      } else if (c == '{') {
        int close = alt.indexOf('}', i);
        if (close < 0) {
          throw new IllegalStateException(where + "unclosed {");
        }
        Integer rule = ruleIndex.get(alt.substring(i + 1, close));
        if (rule == null) {
          throw new IllegalStateException(where + "unknown rule " + alt.substring(i, close + 1));
        }
        items.add(-rule - 1);
        i = close + 1;
      } else if (WordTokenizer.isLetter(c) || WordTokenizer.isDigit(c)) {
        int end = i + 1;
        while (end < alt.length() && (WordTokenizer.isLetter(c)
            ? WordTokenizer.isLetter(alt.charAt(end)) : WordTokenizer.isDigit(alt.charAt(end)))) {
          end++;
        }
        if (end < alt.length() && (WordTokenizer.isLetter(alt.charAt(end))
            || WordTokenizer.isDigit(alt.charAt(end)))) {
          throw new IllegalStateException(where + "a word mixes letters and digits");
        }
        items.add(intern(alt.substring(i, end), terms, termIndex));
        i = end;
      } else if (PUNCTUATION.indexOf(c) >= 0) {
        items.add(intern(String.valueOf(c), terms, termIndex));
        i++;
      } else {
        throw new IllegalStateException(where + "unexpected character '" + c + "'");
      }
    }
    return items.toArray();
  }

  static int intern(String term, List<String> terms, Map<String, Integer> termIndex) {
    Integer index = termIndex.get(term);
    if (index == null) {
      index = terms.size();
      terms.add(term);
      termIndex.put(term, index);
    }
    return index;
  }
}
