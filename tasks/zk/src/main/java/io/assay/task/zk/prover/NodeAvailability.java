package io.assay.task.zk.prover;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Whether this machine can run {@link NodeProver}: a Node.js binary and a {@code node_modules}
 * holding snarkjs. Either both paths are set and {@link #reason()} is null, or the reason is one
 * sentence a miner logs once before declaring no zk capacity.
 *
 * <p>Node: system property {@code assay.node}, else env {@code ASSAY_NODE}, else {@code node} on
 * {@code PATH}. node_modules: system property {@code assay.zk.nodeDir}, else env
 * {@code ASSAY_ZK_NODE_DIR} (a directory holding {@code node_modules/snarkjs}), else the first
 * {@code tasks/zk/node} found walking up from where this code is (the jar in a checkout's
 * {@code target/}, or the classes of a build), else walking up from the working directory: so a
 * jar of a checkout finds the checkout's packages whichever folder it is started from.
 *
 * @param node the node executable, or null when unavailable
 * @param nodeModules the {@code node_modules} directory, or null when unavailable
 * @param reason why the prover cannot run, or null when it can
 */
public record NodeAvailability(Path node, Path nodeModules, String reason) {

  private static final String NPM_CI = "run 'npm ci' in tasks/zk/node";

  /** True when {@link NodeProver#start} can be called with this. */
  public boolean ready() {
    return reason == null;
  }

  /** Looks at this process's properties, environment, code location and working directory. */
  public static NodeAvailability detect() {
    return detect(System.getenv(), System.getProperties(), codeLocation(),
        Path.of("").toAbsolutePath());
  }

  /** The jar or classes directory this class was loaded from, or null when unknown. */
  static Path codeLocation() {
    try {
      java.security.CodeSource source =
          NodeAvailability.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath();
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  /** @param code where this code was loaded from (null: unknown), searched before {@code cwd} */
  static NodeAvailability detect(Map<String, String> env, Properties props, Path code,
      Path cwd) {
    String explicitNode = props.getProperty("assay.node", env.get("ASSAY_NODE"));
    Path node;
    if (explicitNode != null && !explicitNode.isBlank()) {
      node = Path.of(explicitNode);
      if (!Files.isRegularFile(node) || !Files.isExecutable(node)) {
        return unavailable("ASSAY_NODE / assay.node points to " + explicitNode
            + ", which is not an executable file.");
      }
    } else {
      node = onPath(env.getOrDefault("PATH", ""));
      if (node == null) {
        return unavailable("No 'node' binary on PATH: install Node.js 18 or later, or set"
            + " ASSAY_NODE.");
      }
    }
    String version = version(node);
    if (version == null) {
      return unavailable(node + " does not run as Node.js ('node --version' failed).");
    }

    String explicitDir = props.getProperty("assay.zk.nodeDir", env.get("ASSAY_ZK_NODE_DIR"));
    if (explicitDir != null && !explicitDir.isBlank()) {
      Path dir = Path.of(explicitDir).toAbsolutePath();
      return hasSnarkjs(dir) ? new NodeAvailability(node, dir.resolve("node_modules"), null)
          : unavailable("snarkjs is not installed in " + dir + " (ASSAY_ZK_NODE_DIR): " + NPM_CI
              + ".");
    }
    Path found = null;
    for (Path start : code == null ? List.of(cwd) : List.of(code, cwd)) {
      for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
        Path candidate = d.resolve("tasks").resolve("zk").resolve("node");
        if (Files.isDirectory(candidate)) {
          if (hasSnarkjs(candidate)) {
            return new NodeAvailability(node, candidate.resolve("node_modules"), null);
          }
          found = found == null ? candidate : found;
        }
      }
    }
    return unavailable(found != null
        ? "snarkjs is not installed in " + found + ": " + NPM_CI + "."
        : "snarkjs not found (no tasks/zk/node above " + (code == null ? "" : code + " or ")
            + cwd + "): " + NPM_CI + ", or set ASSAY_ZK_NODE_DIR.");
  }

  private static NodeAvailability unavailable(String reason) {
    return new NodeAvailability(null, null, reason);
  }

  private static boolean hasSnarkjs(Path dir) {
    return Files.isRegularFile(dir.resolve("node_modules/snarkjs/package.json"));
  }

  private static Path onPath(String path) {
    boolean windows = File.separatorChar == '\\';
    List<String> names = windows ? List.of("node.exe", "node.cmd") : List.of("node");
    for (String entry : path.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      for (String name : names) {
        Path p = Path.of(entry, name);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  private static String version(Path node) {
    try {
      Process p = new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readNBytes(200);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      String v = new String(out, StandardCharsets.UTF_8).trim();
      return p.exitValue() == 0 && v.startsWith("v") ? v : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
