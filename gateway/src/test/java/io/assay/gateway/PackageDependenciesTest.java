package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The gateway's packages point one way: no package reaches itself through the others. Read from
 * the sources (imports and fully qualified names), so a new cycle fails here with the files
 * that make it. The root package ({@link Gateway}, the command line) wires everything and is
 * left out.
 */
class PackageDependenciesTest {

  private static final Path SOURCES = Path.of("src/main/java/io/assay/gateway");
  private static final Pattern REFERENCE =
      Pattern.compile("io\\.assay\\.gateway\\.([a-z]+)\\.[A-Z]");

  @Test
  void gatewayPackages_haveNoCycles() throws IOException {
    Map<String, Map<String, Set<String>>> uses = dependencies();
    assertThat(uses).containsKeys("api", "routing", "scoring", "weights");

    List<String> cycles = new ArrayList<>();
    for (String start : uses.keySet()) {
      List<String> path = cycleThrough(start, uses);
      if (path != null) {
        cycles.add(describe(path, uses));
      }
    }
    assertThat(cycles).as("package cycles").isEmpty();
  }

  /** Package to the packages it uses, each with the files that use it. */
  private static Map<String, Map<String, Set<String>>> dependencies() throws IOException {
    Map<String, Map<String, Set<String>>> uses = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path relative = SOURCES.relativize(file);
        if (relative.getNameCount() < 2) {
          continue;
        }
        String from = relative.getName(0).toString();
        Map<String, Set<String>> out = uses.computeIfAbsent(from, k -> new TreeMap<>());
        Matcher m = REFERENCE.matcher(Files.readString(file));
        while (m.find()) {
          if (!m.group(1).equals(from)) {
            out.computeIfAbsent(m.group(1), k -> new TreeSet<>())
                .add(relative.getFileName().toString());
          }
        }
      }
    }
    return uses;
  }

  /** A path from {@code start} back to it, or null; depth-first. */
  private static List<String> cycleThrough(String start,
      Map<String, Map<String, Set<String>>> uses) {
    Map<String, String> cameFrom = new HashMap<>();
    List<String> stack = new ArrayList<>(List.of(start));
    while (!stack.isEmpty()) {
      String at = stack.remove(stack.size() - 1);
      for (String next : uses.getOrDefault(at, Map.of()).keySet()) {
        if (next.equals(start)) {
          List<String> path = new ArrayList<>(List.of(start));
          for (String p = at; !p.equals(start); p = cameFrom.get(p)) {
            path.add(1, p);
          }
          path.add(start);
          return path;
        }
        if (!cameFrom.containsKey(next) && !next.equals(start)) {
          cameFrom.put(next, at);
          stack.add(next);
        }
      }
    }
    return null;
  }

  private static String describe(List<String> path, Map<String, Map<String, Set<String>>> uses) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i + 1 < path.size(); i++) {
      s.append(path.get(i)).append(" -> ").append(path.get(i + 1))
          .append(' ').append(uses.get(path.get(i)).get(path.get(i + 1))).append("; ");
    }
    return s.toString();
  }
}
