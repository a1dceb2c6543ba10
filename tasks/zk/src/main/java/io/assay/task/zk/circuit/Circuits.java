package io.assay.task.zk.circuit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Json;
import io.assay.task.zk.groth16.Curve;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The circuits shipped on the classpath. {@code io/assay/task/zk/circuits/index.json} lists their
 * names ({@code {"circuits":[...]}}); each lives in {@code io/assay/task/zk/circuits/<name>/}
 * with {@code circuit.json}, {@code verification_key.json}, {@code model.json},
 * {@code circuit.wasm} and {@code circuit_final.zkey} (built by {@code tasks/zk/node/build-circuits.sh}).
 *
 * <p>Loading reads the small files only; the wasm and zkey stay resources until a prover
 * extracts them. Immutable and thread-safe once built.
 */
public final class Circuits {

  public static final String ROOT = "io/assay/task/zk/circuits/";

  private final Map<String, Circuit> byName;
  private final Map<String, Circuit> byId;
  private final List<Circuit> all;

  private Circuits(List<Circuit> circuits) {
    Map<String, Circuit> names = new LinkedHashMap<>();
    Map<String, Circuit> ids = new LinkedHashMap<>();
    for (Circuit c : circuits) {
      if (names.put(c.name(), c) != null || ids.put(c.id(), c) != null) {
        throw new IllegalStateException("circuit " + c.name() + " is listed twice or shares its"
            + " verification key with another circuit");
      }
    }
    this.byName = Map.copyOf(names);
    this.byId = Map.copyOf(ids);
    this.all = List.copyOf(circuits);
  }

  /**
   * Loads the built-in circuits from this class's class loader.
   *
   * @throws IllegalStateException naming the resource when one is missing or malformed
   */
  public static Circuits builtIn() {
    return load(Circuits.class.getClassLoader());
  }

  /** Loads every circuit listed in {@code io/assay/task/zk/circuits/index.json} of a class loader. */
  public static Circuits load(ClassLoader loader) {
    JsonNode index = readJson(loader, ROOT + "index.json");
    List<Circuit> circuits = new ArrayList<>();
    for (JsonNode name : index.path("circuits")) {
      circuits.add(loadOne(loader, name.asText()));
    }
    return new Circuits(circuits);
  }

  /** Every circuit, in index order. */
  public List<Circuit> all() {
    return all;
  }

  public Optional<Circuit> byName(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** By id: the lower-case hex SHA-256 of the verification key. */
  public Optional<Circuit> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  private static Circuit loadOne(ClassLoader loader, String name) {
    String dir = ROOT + name + "/";
    String metaPath = dir + "circuit.json";
    JsonNode meta = readJson(loader, metaPath);
    byte[] vk = read(loader, dir + "verification_key.json");
    JsonNode model = readJson(loader, dir + "model.json");
    try {
      Curve curve = Curve.fromSnarkjs(text(meta, "curve", metaPath));
      JsonNode layoutNode = meta.path("public_signals");
      SignalLayout layout = new SignalLayout(
          ints(layoutNode.path("outputs")),
          required(layoutNode, "commitment", metaPath).asInt(),
          ints(layoutNode.path("inputs")),
          required(layoutNode, "nonce", metaPath).asInt());
      int nPublic = required(meta, "n_public", metaPath).asInt();
      if (layout.size() != nPublic) {
        throw new IllegalStateException(metaPath + ": public_signals names " + layout.size()
            + " positions but n_public is " + nPublic);
      }
      JsonNode range = meta.path("input_range");
      return new Circuit(
          text(meta, "name", metaPath),
          sha256Hex(vk),
          curve,
          text(meta, "description", metaPath),
          layout,
          nPublic,
          required(meta, "constraints", metaPath).asInt(),
          Duration.ofMillis(required(meta, "timeout_ms", metaPath).asLong()),
          required(meta, "work_units", metaPath).asInt(),
          text(meta, "input_description", metaPath),
          required(meta, "example_input", metaPath),
          text(meta, "model_commitment", metaPath),
          vk,
          text(meta, "input_signal", metaPath),
          text(meta, "nonce_signal", metaPath),
          required(meta, "fixed_point_scale", metaPath).asInt(),
          required(range, "min", metaPath).decimalValue(),
          required(range, "max", metaPath).decimalValue(),
          encodeSignals(curve, required(model, "private_signals", dir + "model.json")),
          dir);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(metaPath + ": " + e.getMessage(), e);
    }
  }

  private static ObjectNode encodeSignals(Curve curve, JsonNode signals) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    signals.fields().forEachRemaining(e -> out.set(e.getKey(), encode(curve, e.getValue())));
    return out;
  }

  private static JsonNode encode(Curve curve, JsonNode value) {
    if (value.isArray()) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      value.forEach(v -> array.add(encode(curve, v)));
      return array;
    }
    BigInteger integer = value.isIntegralNumber() ? value.bigIntegerValue()
        : new BigDecimal(value.asText()).toBigIntegerExact();
    return JsonNodeFactory.instance.textNode(curve.encode(integer).toString());
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asInt()));
    return out;
  }

  private static JsonNode required(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalStateException(where + ": missing '" + field + "'");
    }
    return v;
  }

  private static String text(JsonNode node, String field, String where) {
    return required(node, field, where).asText();
  }

  private static JsonNode readJson(ClassLoader loader, String resource) {
    try {
      return Json.MAPPER.readTree(read(loader, resource));
    } catch (IOException e) {
      throw new IllegalStateException("resource " + resource + " is not valid JSON", e);
    }
  }

  static byte[] read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " not found on the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read resource " + resource, e);
    }
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is always present", e);
    }
  }
}
