package io.assay.task.embeddings;

import io.assay.task.SyntheticGenerator;
import io.assay.task.TaskRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Makes embedding requests that look like real traffic: search queries and questions, product
 * descriptions, reviews and support messages, log lines, code and SQL snippets, news-style
 * sentences and multi-sentence document chunks, one to sixteen inputs a request (most requests
 * small, batches usually of one kind, as a retrieval pipeline sends them), in float or base64 as
 * OpenAI's clients ask.
 *
 * <p>Everything comes from word lists and templates in this class and the given random source,
 * so the same seed gives the same requests, and {@link #produced} recognises them by their
 * texts. Inputs stay well under the model's context. Thread-safe: it holds no state.
 */
final class SyntheticEmbeddings implements SyntheticGenerator {

  private static final String[] VERBS = {"configure", "reset", "install", "migrate", "debug",
      "optimize", "deploy", "cancel", "update", "export", "connect", "back up", "secure", "test"};
  private static final String[] THINGS = {"my password", "a Kubernetes ingress", "the database",
      "two-factor authentication", "a Python virtual environment", "my subscription",
      "the Wi-Fi router", "a GraphQL endpoint", "SSH keys", "the billing address",
      "a React component", "a cron job", "the VPN client", "an S3 bucket", "my phone number",
      "a PostgreSQL index", "the printer driver", "a Docker volume", "email notifications"};
  private static final String[] TOOLS = {"Linux", "Windows 11", "macOS", "Spring Boot", "Django",
      "Terraform", "the mobile app", "Excel", "AWS", "Azure", "Node.js", "Rust", "Go", "Vert.x"};
  private static final String[] TOPICS = {"machine learning", "climate change", "remote work",
      "interest rates", "electric vehicles", "sleep quality", "open source licensing",
      "vector databases", "supply chains", "quantum computing", "urban gardening",
      "public transport", "marathon training", "home insulation", "data privacy"};
  private static final String[] ADJECTIVES = {"lightweight", "waterproof", "ergonomic",
      "stainless steel", "wireless", "compact", "organic", "noise-cancelling", "handmade",
      "rechargeable", "foldable", "heavy-duty", "vintage", "energy-efficient", "breathable"};
  private static final String[] PRODUCTS = {"running shoes", "coffee grinder", "backpack",
      "desk lamp", "bluetooth speaker", "yoga mat", "water bottle", "office chair", "headphones",
      "kitchen knife set", "rain jacket", "mechanical keyboard", "air purifier", "camping tent",
      "electric toothbrush", "laptop stand", "smartwatch", "cast iron skillet"};
  private static final String[] FEATURES = {"a 30-hour battery life", "USB-C charging",
      "a lifetime warranty", "memory foam padding", "adjustable height", "a non-slip base",
      "recycled materials", "a two-year guarantee", "dishwasher-safe parts",
      "IPX7 water resistance",
      "a magnetic closure", "three speed settings", "a detachable strap", "a matte finish"};
  private static final String[] BRANDS = {"Northwind", "Acme", "Contoso", "Lumen", "Fjordline",
      "Vertex", "Blue Heron", "Kestrel", "Oakridge", "Solace", "Tidewater", "Helix"};
  private static final String[] SERVICES = {"payment-service", "auth-gateway", "order-api",
      "inventory-worker", "search-indexer", "notification-svc", "billing-cron", "user-profile"};
  private static final String[] LEVELS = {"INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG"};
  private static final String[] LOG_EVENTS = {"request completed in %d ms",
      "retry %d/5 after upstream timeout", "cache miss for key user:%d",
      "connection pool exhausted, %d waiting", "processed batch of %d records",
      "token refresh failed with status %d", "slow query took %d ms", "health check ok (%d ms)",
      "rate limit reached for client %d", "scheduled job finished, %d items updated"};
  private static final String[] FUNCTIONS = {"compute_total", "parseHeaders", "load_config",
      "validateEmail", "merge_sorted", "fetchUserProfile", "normalize_vector", "retryWithBackoff",
      "build_index", "renderInvoice"};
  private static final String[] TABLES = {"orders", "customers", "events", "invoices", "sessions",
      "products", "payments", "audit_log"};
  private static final String[] COLUMNS = {"id", "created_at", "status", "email", "amount",
      "customer_id", "country", "updated_at", "total", "region"};
  private static final String[] ORGS = {"The city council", "A regional hospital",
      "The central bank", "A university research team", "The football club",
      "A local startup", "The ministry of transport", "An international NGO"};
  private static final String[] ACTIONS = {"expand", "review", "replace", "fund", "close",
      "modernise", "publish", "pilot"};
  private static final String[] PLACES = {"Lisbon", "Nairobi", "Osaka", "Toronto", "Krakow",
      "Melbourne", "Bogota", "Oslo", "Austin", "Chennai"};
  private static final String[] PROBLEMS = {"it stopped working after two days",
      "the package arrived damaged", "I was charged twice", "the size runs small",
      "the app keeps logging me out", "it is much louder than advertised",
      "the delivery is a week late", "one of the parts is missing"};
  private static final String[] REQUESTS = {"send a replacement", "refund my order",
      "tell me how to fix it", "cancel the renewal", "update the shipping address",
      "escalate this to a manager"};
  private static final String[] OPINIONS = {"Absolutely love it", "Works as described",
      "Not worth the price", "Better than I expected", "Decent but flimsy",
      "Would buy again", "Returned it after a week"};
  private static final String[] SENTENCE_OPENERS = {"In practice,", "According to the report,",
      "For most teams,", "Historically,", "In the second quarter,", "As a rule of thumb,",
      "Unlike earlier versions,", "On the other hand,"};
  private static final String[] SENTENCE_BODIES = {
      "%s depends heavily on how the data is collected and cleaned",
      "the costs of %s fell faster than analysts predicted",
      "interest in %s has grown steadily across all age groups",
      "small changes in %s can have surprisingly large effects",
      "the debate about %s is far from settled",
      "most guidelines on %s recommend starting with a small pilot",
      "new regulation on %s is expected before the end of the year",
      "experts disagree on how %s should be measured"};

  // Recognition: one pattern per template below, built from the same word lists, so that
  // produced() accepts exactly the shapes text() writes (numbers as any digits).

  private static final String NUMBER = "\\d+";
  private static final String TOPIC = oneOf(TOPICS);
  private static final String THING = oneOf(THINGS);
  private static final String VERB = oneOf(VERBS);
  private static final String PRODUCT = oneOf(PRODUCTS);
  private static final String FEATURE = oneOf(FEATURES);
  private static final String ADJECTIVE = oneOf(ADJECTIVES);
  private static final String FUNCTION = oneOf(FUNCTIONS);
  private static final String TABLE = oneOf(TABLES);
  private static final String COLUMN = oneOf(COLUMNS);
  private static final String PROBLEM = oneOf(PROBLEMS);

  private static final List<Pattern> TEXTS = Stream.of(
      // question
      q("How do I ") + VERB + " " + THING + q(" in ") + oneOf(TOOLS) + q("?"),
      q("What is the difference between ") + TOPIC + q(" and ") + TOPIC + q("?"),
      q("Why does ") + THING + q(" fail after I ") + VERB + " " + THING + q("?"),
      q("Can you explain ") + TOPIC + q(" to a beginner?"),
      // searchQuery
      q("best ") + ADJECTIVE + " " + PRODUCT + q(" under $") + NUMBER,
      TOPIC + " " + oneOf(lower(PLACES)) + " " + NUMBER,
      VERB + " " + THING + " " + oneOf(lower(TOOLS)),
      // productDescription
      oneOf(BRANDS) + " " + ADJECTIVE + " (?<product>" + PRODUCT + ")" + q(" with ") + FEATURE
          + q(" and ") + FEATURE + q(". Designed for everyday use, this ") + "\\k<product>"
          + q(" weighs ") + NUMBER + q(" g and comes in ") + NUMBER + q(" colours."),
      // logLine
      "2025-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z " + oneOf(LEVELS) + " \\["
          + oneOf(SERVICES) + "\\] " + filled(LOG_EVENTS, "%d", NUMBER)
          + " request_id=[0-9a-f]{8}",
      // code
      q("def ") + FUNCTION + q("(items, threshold=") + NUMBER
          + q("):\n    return [x for x in items if x.") + COLUMN + q(" > threshold]"),
      q("SELECT ") + "(?<grouped>" + COLUMN + ")" + q(", COUNT(*) FROM ") + TABLE + q(" WHERE ")
          + COLUMN + q(" >= ? GROUP BY ") + "\\k<grouped>" + q(" ORDER BY 2 DESC LIMIT ")
          + NUMBER + q(";"),
      q("const ") + FUNCTION + q(" = async (id) => {\n  const res = await fetch(`/api/") + TABLE
          + q("/${id}`);\n  return res.json();\n};"),
      q("public List<") + oneOf(capitalised(TABLES)) + q("> ") + FUNCTION + q("(String ")
          + "(?<column>" + COLUMN + ")" + q(") { return repository.findBy")
          + oneOf(capitalised(COLUMNS)) + q("(") + "\\k<column>" + q("); }"),
      // review, support, news
      oneOf(OPINIONS) + q(". The ") + PRODUCT + q(" has ") + FEATURE + q(", but ") + PROBLEM
          + q(". ") + NUMBER + q(" stars."),
      q("Hi, I ordered the ") + ADJECTIVE + " " + PRODUCT + q(" (order #") + NUMBER + q(") and ")
          + PROBLEM + q(". Could you please ") + oneOf(REQUESTS) + q("? Thanks."),
      oneOf(ORGS) + q(" in ") + oneOf(PLACES) + q(" announced plans to ") + oneOf(ACTIONS)
          + q(" its work on ") + TOPIC + q(" by ") + NUMBER + q("."),
      // paragraph
      oneOf(capitalised(TOPICS)) + q(": an overview.") + "(?: " + oneOf(SENTENCE_OPENERS) + " "
          + filled(SENTENCE_BODIES, "%s", TOPIC) + q(".") + ")+")
      .map(Pattern::compile).toList();

  private final String model;

  SyntheticEmbeddings(String model) {
    this.model = model;
  }

  /**
   * Whether {@code request} is an embeddings request whose every input is one of this
   * generator's templates filled from its word lists, whatever the batch size, format or
   * dimensions. Never wrong about the generator's own requests; a user's input is taken for one
   * only if it is worded exactly as a template with the generator's words in every slot.
   */
  @Override
  public boolean produced(TaskRequest request) {
    if (!(request instanceof EmbeddingsRequest r)) {
      return false;
    }
    for (String text : r.input()) {
      if (TEXTS.stream().noneMatch(p -> p.matcher(text).matches())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public TaskRequest next(RandomGenerator random) {
    int count = inputCount(random);
    int kind = random.nextInt(KINDS);
    List<String> input = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      // Most batches are of one kind (a corpus being indexed); some mix kinds.
      int k = random.nextInt(5) == 0 ? random.nextInt(KINDS) : kind;
      input.add(text(k, random));
    }
    // OpenAI's official clients ask for base64 unless told otherwise; many other clients float.
    String format = random.nextInt(5) < 3 ? EmbeddingsRequest.BASE64 : EmbeddingsRequest.FLOAT;
    Integer dimensions = random.nextInt(20) == 0 ? MiniLmEngine.DIMENSION : null;
    return new EmbeddingsRequest(EmbeddingsRequest.PATH, model, input, format, dimensions, null);
  }

  private static int inputCount(RandomGenerator random) {
    int roll = random.nextInt(100);
    if (roll < 45) {
      return 1;
    }
    if (roll < 70) {
      return 2 + random.nextInt(3);
    }
    return 5 + random.nextInt(12);
  }

  private static final int KINDS = 9;

  private static String text(int kind, RandomGenerator r) {
    return switch (kind) {
      case 0 -> question(r);
      case 1 -> searchQuery(r);
      case 2 -> productDescription(r);
      case 3 -> logLine(r);
      case 4 -> code(r);
      case 5 -> review(r);
      case 6 -> support(r);
      case 7 -> news(r);
      default -> paragraph(r);
    };
  }

  private static String question(RandomGenerator r) {
    return switch (r.nextInt(4)) {
      case 0 -> "How do I " + pick(r, VERBS) + " " + pick(r, THINGS) + " in " + pick(r, TOOLS)
          + "?";
      case 1 -> "What is the difference between " + pick(r, TOPICS) + " and " + pick(r, TOPICS)
          + "?";
      case 2 -> "Why does " + pick(r, THINGS) + " fail after I " + pick(r, VERBS) + " "
          + pick(r, THINGS) + "?";
      default -> "Can you explain " + pick(r, TOPICS) + " to a beginner?";
    };
  }

  private static String searchQuery(RandomGenerator r) {
    return switch (r.nextInt(3)) {
      case 0 -> "best " + pick(r, ADJECTIVES) + " " + pick(r, PRODUCTS) + " under $"
          + (20 + r.nextInt(30) * 10);
      case 1 -> pick(r, TOPICS) + " " + pick(r, PLACES).toLowerCase(Locale.ROOT) + " "
          + (2015 + r.nextInt(11));
      default -> pick(r, VERBS) + " " + pick(r, THINGS) + " "
          + pick(r, TOOLS).toLowerCase(Locale.ROOT);
    };
  }

  private static String productDescription(RandomGenerator r) {
    String product = pick(r, PRODUCTS);
    return pick(r, BRANDS) + " " + pick(r, ADJECTIVES) + " " + product + " with "
        + pick(r, FEATURES) + " and " + pick(r, FEATURES) + ". Designed for everyday use, this "
        + product + " weighs " + (100 + r.nextInt(1900)) + " g and comes in "
        + (2 + r.nextInt(6)) + " colours.";
  }

  private static String logLine(RandomGenerator r) {
    String event = String.format(Locale.ROOT, pick(r, LOG_EVENTS), 1 + r.nextInt(5000));
    return String.format(Locale.ROOT,
        "2025-%02d-%02dT%02d:%02d:%02d.%03dZ %s [%s] %s request_id=%08x",
        1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60),
        r.nextInt(1000), pick(r, LEVELS), pick(r, SERVICES), event, r.nextInt());
  }

  private static String code(RandomGenerator r) {
    String table = pick(r, TABLES);
    String column = pick(r, COLUMNS);
    return switch (r.nextInt(4)) {
      case 0 -> "def " + pick(r, FUNCTIONS) + "(items, threshold=" + r.nextInt(100) + "):\n"
          + "    return [x for x in items if x." + column + " > threshold]";
      case 1 -> "SELECT " + column + ", COUNT(*) FROM " + table + " WHERE " + pick(r, COLUMNS)
          + " >= ? GROUP BY " + column + " ORDER BY 2 DESC LIMIT " + (5 + r.nextInt(95)) + ";";
      case 2 -> "const " + pick(r, FUNCTIONS) + " = async (id) => {\n"
          + "  const res = await fetch(`/api/" + table + "/${id}`);\n  return res.json();\n};";
      default -> "public List<" + capitalise(table) + "> " + pick(r, FUNCTIONS) + "(String "
          + column + ") { return repository.findBy" + capitalise(column) + "(" + column + "); }";
    };
  }

  private static String review(RandomGenerator r) {
    return pick(r, OPINIONS) + ". The " + pick(r, PRODUCTS) + " has " + pick(r, FEATURES)
        + ", but " + pick(r, PROBLEMS) + ". " + (1 + r.nextInt(5)) + " stars.";
  }

  private static String support(RandomGenerator r) {
    return "Hi, I ordered the " + pick(r, ADJECTIVES) + " " + pick(r, PRODUCTS) + " (order #"
        + (100000 + r.nextInt(900000)) + ") and " + pick(r, PROBLEMS) + ". Could you please "
        + pick(r, REQUESTS) + "? Thanks.";
  }

  private static String news(RandomGenerator r) {
    return pick(r, ORGS) + " in " + pick(r, PLACES) + " announced plans to " + pick(r, ACTIONS)
        + " its work on " + pick(r, TOPICS) + " by " + (2026 + r.nextInt(5)) + ".";
  }

  private static String paragraph(RandomGenerator r) {
    String topic = pick(r, TOPICS);
    StringBuilder text = new StringBuilder(capitalise(topic)).append(": an overview. ");
    int sentences = 3 + r.nextInt(8);
    for (int i = 0; i < sentences; i++) {
      text.append(pick(r, SENTENCE_OPENERS)).append(' ')
          .append(String.format(Locale.ROOT, pick(r, SENTENCE_BODIES),
              r.nextInt(3) == 0 ? pick(r, TOPICS) : topic))
          .append(". ");
    }
    return text.toString().strip();
  }

  private static String pick(RandomGenerator r, String[] words) {
    return words[r.nextInt(words.length)];
  }

  private static String capitalise(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String q(String literal) {
    return Pattern.quote(literal);
  }

  private static String oneOf(String[] words) {
    return Arrays.stream(words).map(Pattern::quote).collect(Collectors.joining("|", "(?:", ")"));
  }

  /** The templates as alternatives, each {@code placeholder} standing for {@code regex}. */
  private static String filled(String[] templates, String placeholder, String regex) {
    return Arrays.stream(templates)
        .map(t -> q(t).replace(placeholder, "\\E" + regex + "\\Q"))
        .collect(Collectors.joining("|", "(?:", ")"));
  }

  private static String[] lower(String[] words) {
    return Arrays.stream(words).map(w -> w.toLowerCase(Locale.ROOT)).toArray(String[]::new);
  }

  private static String[] capitalised(String[] words) {
    return Arrays.stream(words).map(SyntheticEmbeddings::capitalise).toArray(String[]::new);
  }
}
