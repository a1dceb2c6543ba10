package io.assay.task.zk.prover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeAvailabilityTest {

  @TempDir Path temp;

  private static Map<String, String> env(String... kv) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }

  @Test
  void fromTheModuleDirectory_findsNodeAndSnarkjs() {
    NodeAvailability a = NodeAvailability.detect(env(), new Properties(), null,
        Path.of("").toAbsolutePath());
    assertThat(a.ready()).as(a.reason()).isTrue();
    assertThat(a.nodeModules().resolve("snarkjs")).isDirectory();
  }

  @Test
  void fromAnotherFolder_findsTheCheckoutsPackagesByWhereTheCodeIs() {
    // As "cd ~ && java -jar <checkout>/miner-sdk/target/assay-miner.jar": the working directory
    // is outside the checkout; the code (here the module's classes) is inside it.
    NodeAvailability a = NodeAvailability.detect(env(), new Properties(),
        NodeAvailability.codeLocation(), temp);
    assertThat(a.ready()).as(a.reason()).isTrue();
    assertThat(a.nodeModules().resolve("snarkjs")).isDirectory();
  }

  @Test
  void nodeDirWithoutNodeModules_saysToRunNpmCi() {
    NodeAvailability a = NodeAvailability.detect(
        env("ASSAY_ZK_NODE_DIR", temp.toString()), new Properties(), null, temp);
    assertThat(a.ready()).isFalse();
    assertThat(a.reason()).contains("snarkjs is not installed in " + temp).contains("npm ci");
  }

  @Test
  void checkoutWithoutNodeModules_namesTheDirectory() throws Exception {
    Path nodeDir = Files.createDirectories(temp.resolve("tasks/zk/node"));
    Path cwd = Files.createDirectories(temp.resolve("miner"));
    NodeAvailability a = NodeAvailability.detect(env(), new Properties(), null, cwd);
    assertThat(a.reason()).isEqualTo("snarkjs is not installed in " + nodeDir
        + ": run 'npm ci' in tasks/zk/node.");
  }

  @Test
  void noNodeOnPath_saysSoInOneSentence() {
    Map<String, String> env = env();
    env.put("PATH", temp.toString());
    NodeAvailability a = NodeAvailability.detect(env, new Properties(), null, temp);
    assertThat(a.ready()).isFalse();
    assertThat(a.node()).isNull();
    assertThat(a.reason()).startsWith("No 'node' binary on PATH");
  }

  @Test
  void explicitNodeThatIsNotExecutable_isRefused() {
    Properties props = new Properties();
    props.setProperty("assay.node", temp.resolve("missing-node").toString());
    assertThat(NodeAvailability.detect(env(), props, null, temp).reason())
        .contains("not an executable file");
  }
}
