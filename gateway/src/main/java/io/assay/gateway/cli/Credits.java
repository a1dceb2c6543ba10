package io.assay.gateway.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A number of credits ({@code --credit 25}, {@code --add-credit 0.5}) as millionths. */
final class Credits implements ITypeConverter<Long> {

  /** The most credits one option may carry: far above any balance, far below overflow. */
  private static final double MAX = 1e12;

  @Override
  public Long convert(String value) {
    try {
      double credits = Double.parseDouble(value);
      if (credits >= 0 && credits <= MAX) {
        return Math.round(credits * 1e6);
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new TypeConversionException("expects a number of credits >= 0, got '" + value + "'");
  }
}
