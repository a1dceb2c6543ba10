package io.assay.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Redis Cluster on loopback for tests: three masters and a replica of each, Debian's
 * {@code redis-server} in cluster mode with append-only files ({@code appendfsync everysec}) in a
 * temporary directory, made into a cluster by {@code redis-cli --cluster create}. It can fail a
 * master over to its replica, gracefully ({@code CLUSTER FAILOVER}, no write lost) or by killing
 * it (SIGKILL, the replica promotes itself). {@link #close} kills every server and deletes the
 * directory.
 *
 * <p>Nodes declare a master failed after {@link #NODE_TIMEOUT_MILLIS} without an answer, so a
 * killed master is replaced within a few seconds; long enough that a loaded two-core machine does
 * not fail masters over by itself, and a replica out of touch with its master for ten times that
 * (Redis's default validity factor) does not take over with stale data. Tests are skipped, with a message saying what to install, only
 * where {@code redis-server} or {@code redis-cli} is missing; CI installs both.
 */
public final class RedisCluster implements AutoCloseable {

  /** How long a silent node may go before the others mark it failed. */
  public static final int NODE_TIMEOUT_MILLIS = 2_000;

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final int MASTERS = 3;

  private final Path dir;
  private final Map<Integer, Process> servers = new LinkedHashMap<>();

  private RedisCluster(Path dir) {
    this.dir = dir;
  }

  /**
   * Starts six servers and makes them a cluster; returns once every node reports {@code
   * cluster_state:ok} and all agree on the slots. Skips the calling test when Redis is not
   * installed.
   */
  public static RedisCluster start() {
    assumeTrue(installed("redis-server") && installed("redis-cli"), "redis-server and redis-cli"
        + " are not on PATH: install Debian's redis-server and redis-tools (.ci/run does)");
    RedisCluster cluster;
    try {
      cluster = new RedisCluster(Files.createTempDirectory("assay-redis-cluster"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      List<Integer> ports = freePortPairs(2 * MASTERS);
      for (int port : ports) {
        cluster.startServer(port);
      }
      for (int port : ports) {
        await("redis-server on " + port).atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
            .until(() -> cluster.answers(port));
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      ports.forEach(p -> create.add("127.0.0.1:" + p));
      create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      run(create);
      cluster.awaitHealthy();
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** The cluster as {@code redis.url} names it: every master as a seed. */
  public String url() {
    return "redis-cluster://" + masters().stream().map(p -> "127.0.0.1:" + p)
        .collect(Collectors.joining(","));
  }

  /** Ports of the masters serving slots now, as the first live node sees them. */
  public List<Integer> masters() {
    return nodes().stream().filter(n -> n.master() && !n.failed() && !n.slots().isEmpty())
        .map(Node::port).sorted().toList();
  }

  /** Port of the master serving {@code key}'s slot. */
  public int masterOf(String key) {
    int slot = Integer.parseInt(cli(anyLivePort(), "cluster", "keyslot", key).trim());
    return nodes().stream()
        .filter(n -> n.master() && !n.failed() && n.serves(slot)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no master serves slot " + slot))
        .port();
  }

  /**
   * Fails {@code master} over to its replica the graceful way: the replica asks for {@code
   * CLUSTER FAILOVER}, the master stops taking writes until the replica has them all, and the
   * replica takes its slots. Returns once the replica is master and the cluster is healthy.
   *
   * @return the new master's port
   */
  public int failover(int master) {
    int replica = replicaOf(master);
    cli(replica, "cluster", "failover");
    awaitPromoted(replica);
    return replica;
  }

  /**
   * Waits until {@code master}'s replica has every write the master had taken when this was
   * called (its replication offset has reached the master's), so that what was written before
   * survives a {@link #kill}: replication is asynchronous, and on a loaded machine a replica can
   * lag by seconds.
   */
  public void awaitReplicated(int master) {
    long offset = offset(cli(master, "info", "replication"), "master_repl_offset:");
    int replica = replicaOf(master);
    await(replica + " replicated " + master + " to offset " + offset).atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> offset(cli(replica, "info", "replication"), "slave_repl_offset:")
            >= offset);
  }

  private static long offset(String info, String field) {
    for (String line : info.split("\\R")) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).trim());
      }
    }
    throw new IllegalStateException("no " + field + " in " + info);
  }

  /**
   * Kills {@code master} (SIGKILL: no goodbye, writes acknowledged but not yet sent to its
   * replica are gone) and waits until its replica has taken its slots and the cluster is
   * healthy again.
   *
   * @return the new master's port
   */
  public int kill(int master) {
    int replica = replicaOf(master);
    Process process = servers.get(master);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing " + master, e);
    }
    awaitPromoted(replica);
    return replica;
  }

  /** Runs {@code redis-cli -p port args...} and returns what it printed. */
  public String cli(int port, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p",
        Integer.toString(port)));
    command.addAll(List.of(args));
    return run(command);
  }

  /** Kills every server and deletes their files. */
  @Override
  public void close() {
    servers.values().forEach(Process::destroyForcibly);
    for (Process p : servers.values()) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!Files.exists(dir)) {
      return; // closed before
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startServer(int port) {
    Path nodeDir = dir.resolve(Integer.toString(port));
    try {
      Files.createDirectories(nodeDir);
      servers.put(port, new ProcessBuilder("redis-server",
          "--port", Integer.toString(port), "--bind", "127.0.0.1", "--daemonize", "no",
          "--dir", nodeDir.toString(), "--logfile", "redis.log", "--save", "",
          "--appendonly", "yes", "--appendfsync", "everysec",
          "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
          "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MILLIS))
          .redirectErrorStream(true)
          .redirectOutput(nodeDir.resolve("stdout.log").toFile())
          .start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server on " + port, e);
    }
  }

  private void awaitPromoted(int replica) {
    await("replica " + replica + " promoted").atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> node(replica).map(Node::master).orElse(false));
    awaitHealthy();
  }

  /**
   * Every live node says the cluster is ok, each sees the same masters serving slots, and every
   * live replica is linked to its master (a replica that never synced would, promoted, bring an
   * empty slot range).
   */
  private void awaitHealthy() {
    await("cluster healthy").atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> {
      List<Integer> masters = null;
      for (int port : livePorts()) {
        if (!cli(port, "cluster", "info").contains("cluster_state:ok")) {
          return false;
        }
        String replication = cli(port, "info", "replication");
        if (replication.contains("role:slave")
            && !replication.contains("master_link_status:up")) {
          return false;
        }
        List<Integer> seen = nodes(port).stream()
            .filter(n -> n.master() && !n.failed() && !n.slots().isEmpty())
            .map(Node::port).sorted().toList();
        if (seen.size() != MASTERS || masters != null && !masters.equals(seen)) {
          return false;
        }
        masters = seen;
      }
      return true;
    });
  }

  /**
   * The live replica of {@code master}, as the master itself sees it, once its link to the master
   * is up: just after a failover the old master joins the new one as its replica, other nodes
   * learn of it by gossip a little later, and it resyncs, so this waits (up to {@code PATIENCE}).
   */
  private int replicaOf(int master) {
    String id = node(master).orElseThrow(() -> new IllegalArgumentException(master
        + " is no node of this cluster")).id();
    int[] replica = {-1};
    await(master + " has a live replica").atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          replica[0] = nodes(master).stream()
              .filter(n -> id.equals(n.masterId()) && !n.failed()
                  && servers.containsKey(n.port()) && servers.get(n.port()).isAlive())
              .mapToInt(Node::port).findFirst().orElse(-1);
          // In sync with it, too: a graceful failover needs the replica's link up.
          return replica[0] > 0 && cli(replica[0], "info", "replication")
              .contains("master_link_status:up");
        });
    return replica[0];
  }

  private Optional<Node> node(int port) {
    return nodes().stream().filter(n -> n.port() == port).findFirst();
  }

  private List<Node> nodes() {
    return nodes(anyLivePort());
  }

  /** {@code CLUSTER NODES} as {@code port} sees it. */
  private List<Node> nodes(int port) {
    return cli(port, "cluster", "nodes").lines().filter(l -> !l.isBlank()).map(Node::parse)
        .toList();
  }

  private int anyLivePort() {
    return livePorts().stream().findFirst()
        .orElseThrow(() -> new IllegalStateException("no redis-server of the cluster runs"));
  }

  private List<Integer> livePorts() {
    return servers.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey)
        .toList();
  }

  private boolean answers(int port) {
    try {
      return cli(port, "ping").trim().equals("PONG");
    } catch (IllegalStateException notYet) {
      return false;
    }
  }

  /** One line of {@code CLUSTER NODES}. */
  private record Node(String id, int port, boolean master, boolean failed, String masterId,
      List<int[]> slots) {

    static Node parse(String line) {
      String[] f = line.trim().split(" ");
      String address = f[1].substring(0, f[1].indexOf('@'));
      int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
      List<String> flags = List.of(f[2].split(","));
      List<int[]> slots = new ArrayList<>();
      for (int i = 8; i < f.length; i++) {
        if (f[i].startsWith("[")) {
          continue; // a slot being migrated
        }
        String[] range = f[i].split("-");
        int from = Integer.parseInt(range[0]);
        slots.add(new int[] {from, range.length > 1 ? Integer.parseInt(range[1]) : from});
      }
      return new Node(f[0], port, flags.contains("master"),
          flags.contains("fail") || flags.contains("fail?"), f[3], slots);
    }

    boolean serves(int slot) {
      return slots.stream().anyMatch(r -> r[0] <= slot && slot <= r[1]);
    }
  }

  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0
          || out.startsWith("Could not connect")) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }

  private static boolean installed(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }

  /**
   * {@code count} loopback ports, each free with its cluster bus port (the port + 10000), drawn
   * from 20000-29999 where both fit below 65536 and away from the ephemeral range.
   */
  private static List<Integer> freePortPairs(int count) {
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < count) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
      if (!ports.contains(port) && free(port) && free(port + 10_000)) {
        ports.add(port);
      }
    }
    return ports;
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }
}
