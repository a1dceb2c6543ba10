package io.assay.task.zk.circuit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.InvalidRequestException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts between what a user sees and a circuit's signals, for circuits whose input is one
 * array of fixed-point numbers ({@code {"series":[12.5, 13.1, ...]}}).
 *
 * <p>A user number {@code v} becomes the integer {@code round(v * scale)} (ties to even), and a
 * negative integer {@code -a} the field element {@code r - a}. Output signals decode the other
 * way: elements above {@code r / 2} are negative, then divided by the scale. Immutable.
 */
public final class InputMapping {

  private final Circuit circuit;
  private final BigDecimal scale;

  InputMapping(Circuit circuit) {
    this.circuit = circuit;
    this.scale = BigDecimal.valueOf(circuit.fixedPointScale());
  }

  /**
   * Validates the user's input and returns the public input signal values, in layout order.
   *
   * @throws InvalidRequestException (param {@code input} or {@code input.<signal>[i]}) when the
   *     input is not an object, the array is missing or of the wrong length, a value is not a
   *     number or is out of range
   */
  public List<BigInteger> toSignals(JsonNode input) {
    String field = circuit.inputSignal();
    String param = "input." + field;
    int n = circuit.layout().inputs().size();
    if (input == null || !input.isObject()) {
      throw new InvalidRequestException("'input' must be a JSON object such as "
          + circuit.exampleInput() + ".", "input", "invalid_type");
    }
    JsonNode values = input.get(field);
    if (values == null || !values.isArray()) {
      throw new InvalidRequestException("'" + param + "' must be an array of " + n
          + " numbers, e.g. " + circuit.exampleInput().get(field) + ".", param, "invalid_type");
    }
    if (values.size() != n) {
      throw new InvalidRequestException("'" + param + "' must hold exactly " + n
          + " numbers; it has " + values.size() + ".", param, "invalid_value");
    }
    List<BigInteger> signals = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      JsonNode v = values.get(i);
      String at = param + "[" + i + "]";
      if (!v.isNumber()) {
        throw new InvalidRequestException("'" + at + "' must be a number; got " + v + ".",
            at, "invalid_type");
      }
      // A float too large for a double (1e400) reads as infinity, which has no decimal value.
      BigDecimal d = v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue())
          && !v.isBigDecimal() ? null : v.decimalValue();
      if (d == null || d.compareTo(circuit.inputMin()) < 0
          || d.compareTo(circuit.inputMax()) > 0) {
        throw new InvalidRequestException("'" + at + "' is " + v + "; values must lie in ["
            + circuit.inputMin().toPlainString() + ", " + circuit.inputMax().toPlainString()
            + "].", at, "invalid_value");
      }
      signals.add(encode(d));
    }
    return List.copyOf(signals);
  }

  /** A user number as a field element at the circuit's fixed-point scale. */
  public BigInteger encode(BigDecimal value) {
    BigInteger fixed = value.multiply(scale).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
    return circuit.curve().encode(fixed);
  }

  /** A field element at the fixed-point scale back to a number, exact for a power-of-two scale. */
  public BigDecimal decode(BigInteger signal) {
    BigDecimal signed = new BigDecimal(circuit.curve().decodeSigned(signal));
    BigDecimal value = signed.divide(scale, 12, RoundingMode.HALF_EVEN).stripTrailingZeros();
    return value.scale() < 0 ? value.setScale(0) : value;
  }

  /** The model's outputs (the prediction) decoded from a proof's public signals. */
  public List<BigDecimal> decodeOutputs(List<BigInteger> publicSignals) {
    requireSize(publicSignals);
    return circuit.layout().outputs().stream().map(i -> decode(publicSignals.get(i))).toList();
  }

  /**
   * The user-facing input that maps to these signals: {@code {"<signal>":[numbers]}}. Numbers
   * already at the fixed-point grid round-trip exactly.
   */
  public ObjectNode toUserInput(List<BigDecimal> values) {
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    ArrayNode array = input.putArray(circuit.inputSignal());
    values.forEach(array::add);
    return input;
  }

  /**
   * The full circuit input a prover needs: the public inputs, the nonce and the model's private
   * weights, every value a decimal string.
   *
   * @throws IllegalArgumentException when the count is wrong or a value is not a field element
   */
  public ObjectNode proverInput(List<BigInteger> inputSignals, BigInteger nonce) {
    if (inputSignals.size() != circuit.layout().inputs().size()) {
      throw new IllegalArgumentException(circuit.name() + " takes "
          + circuit.layout().inputs().size() + " inputs, got " + inputSignals.size());
    }
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    ArrayNode array = input.putArray(circuit.inputSignal());
    for (BigInteger s : inputSignals) {
      array.add(requireField(s, "input").toString());
    }
    input.put(circuit.nonceSignal(), requireField(nonce, "nonce").toString());
    input.setAll(circuit.privateInputs());
    return input;
  }

  /**
   * The public signals a valid answer to this request must carry: the prover's list with the
   * commitment, input and nonce positions overwritten by the expected values. Verifying a proof
   * against this list (rather than the miner's own) is what binds it to the request.
   */
  public List<BigInteger> expectedPublicSignals(
      List<BigInteger> minerSignals, List<BigInteger> inputSignals, BigInteger nonce) {
    requireSize(minerSignals);
    SignalLayout layout = circuit.layout();
    List<BigInteger> out = new ArrayList<>(minerSignals);
    out.set(layout.commitment(), circuit.modelCommitmentValue());
    for (int i = 0; i < layout.inputs().size(); i++) {
      out.set(layout.inputs().get(i), inputSignals.get(i));
    }
    out.set(layout.nonce(), nonce);
    return List.copyOf(out);
  }

  private void requireSize(List<BigInteger> publicSignals) {
    if (publicSignals.size() != circuit.nPublic()) {
      throw new IllegalArgumentException(circuit.name() + " has " + circuit.nPublic()
          + " public signals, got " + publicSignals.size());
    }
  }

  private BigInteger requireField(BigInteger value, String what) {
    if (value == null || !circuit.curve().inField(value)) {
      throw new IllegalArgumentException(what + " " + value + " is not an element of the "
          + circuit.curve().snarkjsName() + " scalar field");
    }
    return value;
  }
}
