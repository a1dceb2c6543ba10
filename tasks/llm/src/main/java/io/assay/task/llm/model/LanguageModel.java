package io.assay.task.llm.model;

import java.util.Locale;

/**
 * The trained model: the tokenizer, and the one function that turns a context into a next-token
 * {@link Distribution}.
 *
 * <p>It is a mixture of n-gram models: one {@link KneserNey} model per topic, trained on that
 * topic's documents only, weighted by {@code theta} from {@link TopicModel} (what the context is
 * about, and which models know the phrase being written), plus a background model trained on
 * everything:
 *
 * <pre>P(w | context) = BACKGROUND * P_all(w | h) + (1 - BACKGROUND) * sum_t theta_t P_t(w | h)</pre>
 *
 * where {@code h} is the last three tokens of the current message. Mixing whole models rather
 * than rescaling words keeps an answer coherent: once the question is about finance, the finance
 * model writes the sentence, so a phrase shared by two topics continues the finance way. The
 * background share gives every token of the support a non-zero probability.
 *
 * <p>Directly after {@code <|assistant|>} only words may come (no punctuation, no end of
 * sequence), so every chat answer starts with a space-prefixed word (see {@link
 * ReferenceLm#chatContent}); the remaining probabilities are renormalised.
 *
 * <p>Immutable and thread-safe.
 */
final class LanguageModel {

  /** Documents in the training corpus: about 40,000 sentences, 470,000 tokens. */
  static final int DOCUMENTS = 10_000;
  /** Seed of the corpus generator; changing it changes the model. */
  static final long CORPUS_SEED = 0x5EED_A55A_1L;

  /** Share of the all-topics n-gram model in every distribution. */
  static final double BACKGROUND = 0.03;

  final WordTokenizer tokenizer;
  private final KneserNey background;
  private final KneserNey[] perTopic;
  private final TopicModel topics;
  final String description;

  private LanguageModel(WordTokenizer tokenizer, KneserNey background, KneserNey[] perTopic,
      TopicModel topics, String description) {
    this.tokenizer = tokenizer;
    this.background = background;
    this.perTopic = perTopic;
    this.topics = topics;
    this.description = description;
  }

  static LanguageModel train() {
    return train(DOCUMENTS);
  }

  static LanguageModel train(int documents) {
    long start = System.nanoTime();
    Corpus corpus = Corpus.generate(Grammar.load(), documents, CORPUS_SEED);
    long generated = System.nanoTime();
    WordTokenizer tokenizer = corpus.tokenizer;
    // One sort per topic; the background model's n-grams are their merge.
    int topicCount = corpus.topicNames.size();
    long[][] grams = KneserNey.grams(corpus.tokens, corpus.docStart, corpus.docTopic, topicCount,
        id -> !WordTokenizer.isRole(id));
    KneserNey[] perTopic = new KneserNey[topicCount];
    for (int t = 0; t < topicCount; t++) {
      perTopic[t] = KneserNey.train(grams[t], tokenizer.vocabSize());
    }
    KneserNey background = KneserNey.train(KneserNey.merge(grams), tokenizer.vocabSize());
    TopicModel topics = TopicModel.train(corpus, tokenizer, background, perTopic, BACKGROUND);
    long trained = System.nanoTime();
    String description = String.format(Locale.ROOT,
        "%d documents, %d tokens, %d topics, vocabulary %d, %s; corpus %d ms, training %d ms",
        corpus.documents(), corpus.tokens.length, topics.topics(), tokenizer.vocabSize(),
        background.describe(), (generated - start) / 1_000_000, (trained - generated) / 1_000_000);
    return new LanguageModel(tokenizer, background, perTopic, topics, description);
  }

  LmState newState() {
    return new LmState(tokenizer, topics);
  }

  Distribution newDistribution() {
    return new Distribution(tokenizer.vocabSize(), background.support(), topics.topics());
  }

  /** Fills {@code into} with the distribution of the token after {@code state}. */
  void next(LmState state, Distribution into) {
    double[] q = into.q;
    double[] scratch = into.scratch;
    double[] theta = into.theta;
    state.scores(theta);
    topics.mixture(theta, theta);
    background.distribution(state.history, q);
    for (int w : into.support) {
      q[w] *= BACKGROUND;
    }
    for (int t = 0; t < theta.length; t++) {
      if (theta[t] == 0) {
        continue;
      }
      KneserNey model = perTopic[t];
      model.distribution(state.history, scratch);
      double weight = (1 - BACKGROUND) * theta[t];
      for (int w : model.support()) {
        q[w] += weight * scratch[w];
      }
    }
    if (state.last() == WordTokenizer.ASSISTANT) {
      for (int w : into.support) {
        if (!tokenizer.isSpaceWord(w)) {
          q[w] = 0;
        }
      }
    }
    into.normalise();
  }
}
