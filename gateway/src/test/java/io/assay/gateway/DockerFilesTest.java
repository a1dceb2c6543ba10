package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.assay.cli.CommandRun;
import io.assay.checking.CheckingServerMain;
import io.assay.miner.ReferenceMinerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 8, without Docker (this machine has none): the compose file and the Dockerfile
 * refer only to files, jars, ports and commands that exist, every service has a health check,
 * the image runs as a user other than root, and each entry point answers {@code --help}.
 */
class DockerFilesTest {

  /** Tests run in the gateway module; the repository is its parent. */
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  /** The compose files: one host, and several gateways on a Redis Cluster. */
  private static final List<String> COMPOSE_FILES =
      List.of("docker/compose.yaml", "docker/compose-several.yaml");

  private static JsonNode compose(String file) throws java.io.IOException {
    return new ObjectMapper(new YAMLFactory()).readTree(REPO.resolve(file).toFile());
  }

  @Test
  void theComposeFilesAndDockerfile_referToWhatExists() throws Exception {
    for (String file : COMPOSE_FILES) {
      checkCompose(file, compose(file));
    }
    JsonNode compose = compose("docker/compose.yaml");
    String gatewayPort = compose("config/assay.yaml").path("gateway").path("port").asText();
    assertThat(compose.path("services").path("gateway").path("ports").get(0).asText())
        .isEqualTo(gatewayPort + ":" + gatewayPort);
    List<String> services = new ArrayList<>();
    compose.path("services").fieldNames().forEachRemaining(services::add);
    assertThat(services).contains("redis", "gateway", "checking-server", "miner");
    JsonNode several = compose("docker/compose-several.yaml").path("services");
    assertThat(several.has("gateway-3") && several.has("checking-2") && several.has("redis-6")
        && several.has("load-balancer")).as("compose-several.yaml's services").isTrue();
    String balanced = Files.readString(REPO.resolve("docker/nginx-several.conf"));
    for (int i = 1; i <= 3; i++) {
      assertThat(balanced).contains("server gateway-" + i + ":8080");
    }
  }

  private static void checkCompose(String file, JsonNode compose) throws Exception {
    Path dockerfile = REPO.resolve("docker/Dockerfile");
    List<String> lines = Files.readAllLines(dockerfile);

    // Files copied from the build context (the repository) exist; jars copied from the build
    // stage are the ones the modules' builds write.
    Map<String, String> inImage = new HashMap<>(); // path in the image -> where it comes from
    String user = null;
    for (String line : lines) {
      String[] words = line.trim().split("\\s+");
      if (words[0].equals("USER")) {
        user = words[1];
      }
      if (!words[0].equals("COPY")) {
        continue;
      }
      if (words[1].startsWith("--from=build")) {
        String built = words[2].replaceFirst("^/src/", "");
        String module = built.substring(0, built.indexOf("/target/"));
        assertThat(Files.readString(REPO.resolve(module).resolve("pom.xml")))
            .as(line).contains("${project.build.directory}/"
                + built.substring(built.lastIndexOf('/') + 1));
        inImage.put(words[3], built);
      } else if (!words[1].startsWith("--from=")) {
        for (int i = 1; i < words.length - 1; i++) {
          assertThat(REPO.resolve(words[i])).as(line).exists();
        }
        inImage.put(words[words.length - 1], words[1]);
      }
    }
    assertThat(user).as("the image's user").isNotNull().isNotEqualTo("root");

    compose.path("services").fields().forEachRemaining(e -> {
      String name = file + ": " + e.getKey();
      JsonNode service = e.getValue();
      // A service that runs once (restart: "no") needs no health check; the others do.
      boolean once = service.path("restart").asText().equals("no");
      assertThat(once || service.path("healthcheck").path("test").isArray())
          .as(name + " health check").isTrue();
      service.path("volumes").forEach(v -> {
        if (v.asText().startsWith("./")) {
          assertThat(REPO.resolve("docker").resolve(v.asText().split(":")[0])).as(name).exists();
        }
      });
      if (service.has("build")) {
        Path context = REPO.resolve("docker").resolve(service.path("build").path("context")
            .asText()).normalize();
        assertThat(context).isEqualTo(REPO);
        assertThat(context.resolve(service.path("build").path("dockerfile").asText()))
            .isEqualTo(dockerfile);
        List<String> command = new ArrayList<>();
        service.path("command").forEach(c -> command.add(c.asText()));
        assertThat(inImage).as(name + " runs " + command).containsKey(command.get(0));
        for (String arg : command) {
          if (arg.startsWith("/app/config/")) {
            assertThat(REPO.resolve("config").resolve(arg.substring("/app/config/".length())))
                .as(name).exists();
          }
        }
      }
    });
  }

  @Test
  void everyEntryPoint_answersHelp_andKnowsTheOptionsComposeGivesIt() throws Exception {
    Map<String, java.util.function.ToIntFunction<String[]>> mains = Map.of(
        "/app/assay-gateway.jar", GatewayMain::run,
        "/app/assay-miner.jar", ReferenceMinerMain::run,
        "/app/assay-checking-server.jar", CheckingServerMain::run);
    List<List<String>> commands = new ArrayList<>();
    for (String file : COMPOSE_FILES) {
      compose(file).path("services").forEach(service -> {
        if (service.has("build")) {
          List<String> command = new ArrayList<>();
          service.path("command").forEach(c -> command.add(c.asText()));
          commands.add(command);
        }
      });
    }
    assertThat(commands).hasSize(3 + 7);
    StringBuilder help = new StringBuilder();
    for (String jar : mains.keySet()) {
      CommandRun run = CommandRun.of(mains.get(jar), "--help");
      assertThat(run.exit()).as(jar).isZero();
      help.append(run.out());
    }
    assertThat(help.toString()).contains("Usage: assay-gateway").contains("devnet")
        .contains("Usage: assay-miner").contains("Usage: assay-checking-server");
    // Help after the arguments compose passes: an option the command does not know would be a
    // usage error (exit 2) before help is printed.
    for (List<String> command : commands) {
      List<String> args = new ArrayList<>(command.subList(1, command.size()));
      args.add("--help");
      CommandRun run = CommandRun.of(mains.get(command.get(0)), args.toArray(String[]::new));
      assertThat(run.exit()).as(command + " --help: " + run.err()).isZero();
    }
  }
}
