package io.assay.task.llm.model;

import java.util.Arrays;

/**
 * What the model remembers of a context: the last {@code ORDER - 1} (canonical) tokens of the
 * current message, the topic scores of the whole context (tokens of assistant messages count
 * {@link TopicModel#ANSWER_WEIGHT}) and the local scores of the last {@link TopicModel#LOCAL}
 * tokens of the current message. Built by pushing the context's tokens one by one, both when
 * generating and when scoring, so the two compute bit-identical distributions.
 *
 * <p>Not thread-safe; one per generation or scoring call.
 */
final class LmState {

  final int[] history = new int[KneserNey.ORDER - 1];
  private final double[] topicScores;
  /** {@code local[i]}: per-topic log-likelihoods of one recent token; a ring. */
  private final double[][] local;
  private int localCount;
  private final WordTokenizer tokenizer;
  private final TopicModel topics;
  private int last = -1;
  private int role = -1;

  LmState(WordTokenizer tokenizer, TopicModel topics) {
    this.tokenizer = tokenizer;
    this.topics = topics;
    this.topicScores = new double[topics.topics()];
    this.local = new double[TopicModel.LOCAL][topics.topics()];
    Arrays.fill(history, KneserNey.BOS);
  }

  void push(int id) {
    int c = tokenizer.canonical(id);
    if (WordTokenizer.isRole(id)) {
      Arrays.fill(history, KneserNey.BOS); // a message starts, as in training
      localCount = 0;
      role = id;
    } else {
      topics.observe(c, role == WordTokenizer.ASSISTANT ? TopicModel.ANSWER_WEIGHT : 1,
          topicScores);
      topics.local(history, c, local[localCount % local.length]);
      localCount++;
    }
    System.arraycopy(history, 1, history, 0, history.length - 1);
    history[history.length - 1] = c;
    last = id;
  }

  /** Topic scores plus the local scores of the window, oldest token first, into {@code out}. */
  void scores(double[] out) {
    System.arraycopy(topicScores, 0, out, 0, out.length);
    int n = Math.min(localCount, local.length);
    for (int i = localCount - n; i < localCount; i++) {
      double[] l = local[i % local.length];
      for (int t = 0; t < out.length; t++) {
        out[t] += l[t];
      }
    }
  }

  /** The last token pushed, or -1. */
  int last() {
    return last;
  }
}
