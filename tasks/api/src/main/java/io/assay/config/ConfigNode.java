package io.assay.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A read-only view of one section of a YAML configuration, with checked, typed getters.
 *
 * <p>Every scalar can be overridden by an environment variable named after its path: {@code
 * gateway.port} by {@code ASSAY_GATEWAY_PORT}, {@code tasks[0].weight} by {@code
 * ASSAY_TASKS_0_WEIGHT}. Every getter fails with a {@link ConfigException} naming the key, the
 * value and what was expected. Keys present in the file but never read are refused by {@link
 * #rejectUnknownKeys()}, so a typo does not silently leave a default in force.
 *
 * <p>Not thread-safe; used once at start-up.
 */
public final class ConfigNode {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private final String path;
  private final JsonNode node;
  private final Map<String, String> env;
  private final Set<String> read = new TreeSet<>();
  private final List<ConfigNode> children = new ArrayList<>();

  private ConfigNode(String path, JsonNode node, Map<String, String> env) {
    this.path = path;
    this.node = node == null || node.isNull() ? JsonNodeFactory.instance.objectNode() : node;
    this.env = env;
    if (!this.node.isObject()) {
      throw new ConfigException(where("") + ": expected a mapping, found " + this.node);
    }
  }

  /** The root of a parsed document; {@code env} supplies overrides (usually System.getenv()). */
  public static ConfigNode root(JsonNode document, Map<String, String> env) {
    return new ConfigNode("", document, env);
  }

  /** Parses a YAML file; a missing or unreadable file is a {@link ConfigException}. */
  public static ConfigNode load(java.nio.file.Path file, Map<String, String> env) {
    try {
      JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper(
          new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(file.toFile());
      return root(doc, env);
    } catch (java.io.IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses YAML text, e.g. a default configuration bundled as a resource. */
  public static ConfigNode parse(String yaml, Map<String, String> env) {
    try {
      JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper(
          new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(yaml);
      return root(doc, env);
    } catch (java.io.IOException e) {
      throw new ConfigException("cannot parse configuration: " + e.getMessage(), e);
    }
  }

  /**
   * A section read later, apart from the document it came from (a task kind's checker settings,
   * read when its checker is made): {@code path} names its keys in messages and environment
   * variables as if it were still in place.
   */
  public static ConfigNode at(String path, JsonNode node, Map<String, String> env) {
    return new ConfigNode(path, node, env);
  }

  /**
   * The mappings under {@code key} by name, as they are, for sections read later with {@link
   * #at}; their keys are then checked by whoever reads them, not by {@link #rejectUnknownKeys}
   * here.
   */
  public Map<String, JsonNode> subtrees(String key) {
    read.add(key);
    JsonNode child = node.get(key);
    Map<String, JsonNode> out = new java.util.TreeMap<>();
    if (child == null || child.isNull()) {
      return out;
    }
    if (!child.isObject()) {
      throw new ConfigException(where(key) + ": expected a mapping, found " + child);
    }
    child.fields().forEachRemaining(e -> {
      if (!e.getValue().isObject()) {
        throw new ConfigException(where(key) + "." + e.getKey() + ": expected a mapping, found "
            + e.getValue());
      }
      out.put(e.getKey(), e.getValue().deepCopy());
    });
    return out;
  }

  /** An empty section, for defaults. */
  public static ConfigNode empty(Map<String, String> env) {
    return new ConfigNode("", new ObjectNode(JsonNodeFactory.instance), env);
  }

  public String path() {
    return path;
  }

  public boolean has(String key) {
    return raw(key) != null;
  }

  public ConfigNode section(String key) {
    read.add(key);
    JsonNode child = node.get(key);
    if (child != null && !child.isNull() && !child.isObject()) {
      throw new ConfigException(where(key) + ": expected a mapping, found " + child);
    }
    ConfigNode section = new ConfigNode(join(key), child, env);
    children.add(section);
    return section;
  }

  /** The entries of a list of mappings; empty when the key is absent. */
  public List<ConfigNode> sections(String key) {
    read.add(key);
    JsonNode child = node.get(key);
    List<ConfigNode> out = new ArrayList<>();
    if (child == null || child.isNull()) {
      return out;
    }
    if (!child.isArray()) {
      throw new ConfigException(where(key) + ": expected a list, found " + child);
    }
    for (int i = 0; i < child.size(); i++) {
      ConfigNode section = new ConfigNode(join(key) + "[" + i + "]", child.get(i), env);
      children.add(section);
      out.add(section);
    }
    return out;
  }

  /** A list of strings; a comma-separated string (as from an environment variable) also works. */
  public List<String> strings(String key) {
    String override = env.get(envName(key));
    read.add(key);
    List<String> out = new ArrayList<>();
    if (override != null) {
      return splitCommas(override);
    }
    JsonNode child = node.get(key);
    if (child == null || child.isNull()) {
      return out;
    }
    if (child.isTextual()) {
      return splitCommas(child.asText());
    }
    if (!child.isArray()) {
      throw new ConfigException(where(key) + ": expected a list of strings, found " + child);
    }
    for (JsonNode item : child) {
      if (!item.isValueNode()) {
        throw new ConfigException(where(key) + ": expected a list of strings, found " + child);
      }
      out.add(item.asText());
    }
    return out;
  }

  private static List<String> splitCommas(String csv) {
    List<String> out = new ArrayList<>();
    for (String part : csv.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  public String string(String key, String fallback) {
    String value = raw(key);
    return value == null ? fallback : value;
  }

  public String requiredString(String key) {
    String value = raw(key);
    if (value == null || value.isBlank()) {
      throw new ConfigException(where(key) + " is required (or set " + envName(key) + ")");
    }
    return value;
  }

  public int integer(String key, int fallback, int min, int max) {
    long value = longValue(key, fallback, min, max);
    return (int) value;
  }

  public long longValue(String key, long fallback, long min, long max) {
    String value = raw(key);
    if (value == null) {
      return fallback;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new ConfigException(where(key) + ": expected a whole number, found '" + value + "'");
    }
    if (parsed < min || parsed > max) {
      throw new ConfigException(
          where(key) + ": expected " + min + " to " + max + ", found " + parsed);
    }
    return parsed;
  }

  public double decimal(String key, double fallback, double min, double max) {
    String value = raw(key);
    if (value == null) {
      return fallback;
    }
    double parsed;
    try {
      parsed = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(where(key) + ": expected a number, found '" + value + "'");
    }
    if (!(parsed >= min && parsed <= max)) {
      throw new ConfigException(
          where(key) + ": expected " + min + " to " + max + ", found " + value);
    }
    return parsed;
  }

  public boolean bool(String key, boolean fallback) {
    String value = raw(key);
    if (value == null) {
      return fallback;
    }
    return switch (value.trim().toLowerCase()) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new ConfigException(
          where(key) + ": expected true or false, found '" + value + "'");
    };
  }

  /** A duration such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}. */
  public Duration duration(String key, Duration fallback) {
    String value = raw(key);
    if (value == null) {
      return fallback;
    }
    Matcher m = DURATION.matcher(value.trim());
    if (!m.matches()) {
      throw new ConfigException(where(key) + ": expected a duration like 500ms, 30s, 5m, 2h or 1d,"
          + " found '" + value + "'");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    if (d.isZero()) {
      throw new ConfigException(where(key) + ": must be longer than zero");
    }
    return d;
  }

  /** Refuses keys in the file that nothing read: almost always a typo. */
  public void rejectUnknownKeys() {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!read.contains(name)) {
        throw new ConfigException(where(name) + " is not a known setting");
      }
    }
    for (ConfigNode child : children) {
      child.rejectUnknownKeys();
    }
  }

  /** The name of the environment variable that overrides {@code key} here. */
  public String envName(String key) {
    return "ASSAY_" + join(key).replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_$", "").toUpperCase();
  }

  private String raw(String key) {
    read.add(key);
    String override = env.get(envName(key));
    if (override != null) {
      return override;
    }
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isValueNode()) {
      throw new ConfigException(where(key) + ": expected a single value, found " + value);
    }
    return value.asText();
  }

  private String join(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private String where(String key) {
    String full = key.isEmpty() ? path : join(key);
    return "config key '" + (full.isEmpty() ? "<root>" : full) + "'";
  }
}
