package io.assay.task.llm.model;

import java.util.List;

/** Finding stop strings in generated text, whole or still forming. Stateless. */
final class StopStrings {

  private StopStrings() {}

  static int longest(List<String> stops) {
    int max = 0;
    for (String s : stops) {
      max = Math.max(max, s.length());
    }
    return max;
  }

  /** Start of the earliest whole stop string in {@code text} at or after {@code from}, or -1. */
  static int firstMatch(CharSequence text, List<String> stops, int from) {
    int first = -1;
    for (String stop : stops) {
      int at = text instanceof StringBuilder b
          ? b.indexOf(stop, from) : text.toString().indexOf(stop, from);
      if (at >= 0 && (first < 0 || at < first)) {
        first = at;
      }
    }
    return first;
  }

  /**
   * Length of the longest suffix of {@code text} that is a proper prefix of some stop string:
   * text that may yet turn into a stop string.
   */
  static int formingSuffix(CharSequence text, List<String> stops) {
    int longest = 0;
    int n = text.length();
    for (String stop : stops) {
      for (int k = Math.min(stop.length() - 1, n); k > longest; k--) {
        if (regionEquals(text, n - k, stop, k)) {
          longest = k;
          break;
        }
      }
    }
    return longest;
  }

  private static boolean regionEquals(CharSequence text, int from, String stop, int k) {
    for (int i = 0; i < k; i++) {
      if (text.charAt(from + i) != stop.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** See {@link ReferenceLm#safePrefixLength}. */
  static int safePrefixLength(String text, List<String> stops) {
    int match = firstMatch(text, stops, 0);
    return match >= 0 ? match : text.length() - formingSuffix(text, stops);
  }
}
