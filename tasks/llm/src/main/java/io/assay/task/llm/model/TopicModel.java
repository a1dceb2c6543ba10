package io.assay.task.llm.model;

/**
 * Chooses the mixture weights of the {@link LanguageModel}'s per-topic n-gram models at each step,
 * from two kinds of evidence.
 *
 * <p><b>What the context is about</b> (the whole context). Every training document has a topic;
 * {@code p(w | t)} is the topic's unigram distribution smoothed toward the background {@code p(w)}
 * (Dirichlet prior, weight {@value #MU}). Each word of the context adds {@code log p(w|t) - log
 * p(w)} to topic {@code t}'s score (naive Bayes): a word one topic owns moves the score by about
 * five nats, words every topic uses move nothing, punctuation and special tokens are skipped.
 *
 * <p><b>Which model knows the current phrase</b> (the last {@value #LOCAL} tokens of the current
 * message). Component {@code t} predicts token {@code w} after history {@code h} with {@code m_t(w
 * | h) = B P_all(w | h) + (1 - B) P_t(w | h)}; the local score of {@code t} is the sum of {@code log
 * m_t} over those tokens. Without it, an uninformative prompt ("hello") would mix ten models of
 * which nine have never seen the phrase being written and fill the distribution with their
 * unigrams; with it, the models that know the phrase carry it on. It is recomputed from a window,
 * not accumulated, so phrasing cannot outvote the subject over a long prompt.
 *
 * <p>The weights are {@code softmax(topic score + local score)}; weights below {@value
 * #MIN_WEIGHT} are dropped and the rest renormalised, which spares computing models that would
 * hardly count.
 *
 * <p>Immutable and thread-safe; the scores live in {@link LmState}.
 */
final class TopicModel {

  static final double MU = 2000;
  static final int LOCAL = KneserNey.ORDER - 1;
  static final double MIN_WEIGHT = 1e-4;
  /**
   * Weight of the topic evidence of words in assistant messages: the user's words set the
   * subject; an answer drifting off it should not drag the subject along as fast.
   */
  static final double ANSWER_WEIGHT = 0.5;

  private final int topics;
  /** {@code evidence[w * topics + t] = log p(w | t) - log p(w)}, 0 for non-words. */
  private final double[] evidence;
  private final KneserNey background;
  private final KneserNey[] perTopic;
  private final double backgroundShare;

  private TopicModel(double[] evidence, KneserNey background, KneserNey[] perTopic,
      double backgroundShare) {
    this.topics = perTopic.length;
    this.evidence = evidence;
    this.background = background;
    this.perTopic = perTopic;
    this.backgroundShare = backgroundShare;
  }

  static TopicModel train(Corpus corpus, WordTokenizer tokenizer, KneserNey background,
      KneserNey[] perTopic, double backgroundShare) {
    int topics = perTopic.length;
    int vocab = tokenizer.vocabSize();
    long[] counts = new long[vocab * topics];
    long[] perTopicTotal = new long[topics];
    long all = 0;
    for (int d = 0; d < corpus.documents(); d++) {
      int t = corpus.docTopic[d];
      for (int p = corpus.docStart[d]; p < corpus.docStart[d + 1]; p++) {
        int w = corpus.tokens[p];
        if (!WordTokenizer.isRole(w)) {
          counts[w * topics + t]++;
          perTopicTotal[t]++;
          all++;
        }
      }
    }
    double[] evidence = new double[vocab * topics];
    for (int w : background.support()) {
      if (!tokenizer.isSpaceWord(w)) {
        continue;
      }
      long c = 0;
      for (int t = 0; t < topics; t++) {
        c += counts[w * topics + t];
      }
      double p = (double) c / all;
      for (int t = 0; t < topics; t++) {
        double pt = (counts[w * topics + t] + MU * p) / (perTopicTotal[t] + MU);
        evidence[w * topics + t] = StrictMath.log(pt) - StrictMath.log(p);
      }
    }
    return new TopicModel(evidence, background, perTopic, backgroundShare);
  }

  int topics() {
    return topics;
  }

  /** Adds the topic evidence of (canonical) {@code token}, times {@code weight}, to {@code scores}. */
  void observe(int token, double weight, double[] scores) {
    int base = token * topics;
    for (int t = 0; t < topics; t++) {
      scores[t] += weight * evidence[base + t];
    }
  }

  /**
   * Writes {@code log m_t(token | history)} for every topic into {@code out}; all zeros (no
   * information) when no component can produce {@code token}.
   */
  void local(int[] history, int token, double[] out) {
    double all = background.probability(history, token);
    for (int t = 0; t < topics; t++) {
      out[t] = all == 0 ? 0 : StrictMath.log(backgroundShare * all
          + (1 - backgroundShare) * perTopic[t].probability(history, token));
    }
  }

  /** The weights for {@code scores} into {@code theta}; entries below the minimum are 0. */
  void mixture(double[] scores, double[] theta) {
    double max = Double.NEGATIVE_INFINITY;
    for (double s : scores) {
      max = Math.max(max, s);
    }
    double sum = 0;
    for (int t = 0; t < topics; t++) {
      theta[t] = StrictMath.exp(scores[t] - max);
      sum += theta[t];
    }
    double kept = 0;
    for (int t = 0; t < topics; t++) {
      theta[t] = theta[t] / sum < MIN_WEIGHT ? 0 : theta[t];
      kept += theta[t];
    }
    for (int t = 0; t < topics; t++) {
      theta[t] /= kept;
    }
  }
}
