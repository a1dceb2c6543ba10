package io.assay.gateway.cli;

import io.assay.cli.CommandLines;
import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.auth.KeyCommands;
import io.assay.gateway.config.GatewayConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keys create|list|show|update|revoke}: API keys, on the configured Redis or beside the
 * running gateway on its data directory. The action is the second word, its options follow.
 */
@Command(name = "keys", description = "Makes, lists, shows, updates and revokes API keys.",
    subcommands = {KeysCommand.CreateKey.class, KeysCommand.ListKeys.class,
        KeysCommand.ShowKey.class, KeysCommand.UpdateKey.class, KeysCommand.RevokeKey.class})
final class KeysCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  /** {@code keys} alone. */
  @Override
  public Integer call() {
    throw CommandLines.usageError(spec,
        "keys needs an action: create, list, show, update or revoke");
  }

  /** A name that is there and not blank (a required option may still be given as ""). */
  private static String nonBlank(CommandSpec spec, String option, String value) {
    if (value == null || value.isBlank()) {
      throw CommandLines.usageError(spec, "keys " + spec.name() + " needs " + option
          + " (not blank)");
    }
    return value;
  }

  @Command(name = "create", description = "Makes a key and prints its token (shown this once).")
  static final class CreateKey implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ToolOptions tool;

    @Option(names = "--name", paramLabel = "NAME", required = true, description = "who it is for")
    private String name;

    @Option(names = "--admin", description = "an admin key (the operator API)")
    private boolean admin;

    @Option(names = "--rpm", paramLabel = "N", description = "requests per minute (0: no limit)")
    private int rpm;

    @Option(names = "--upm", paramLabel = "N",
        description = "work units per minute (0: no limit)")
    private long upm;

    @Option(names = "--credit", paramLabel = "C", converter = Credits.class,
        description = "a prepaid balance in credits (default: none, unmetered)")
    private Long credit;

    @Override
    public Integer call() throws Exception {
      nonBlank(spec, "--name NAME", name);
      GatewayConfig config = tool.load();
      return KeyCommands.create(config.redisUrl(), config.dataDir(), name, admin,
          new ApiKeys.Limits(rpm, upm, credit), System.out);
    }
  }

  @Command(name = "list", description = "Lists the keys: names and prefixes, never tokens.")
  static final class ListKeys implements Callable<Integer> {

    @Mixin
    private ToolOptions tool;

    @Override
    public Integer call() throws Exception {
      GatewayConfig config = tool.load();
      return KeyCommands.list(config.redisUrl(), config.dataDir(), System.out);
    }
  }

  @Command(name = "show", description = "Prints a key and its usage by day and task, as JSON.")
  static final class ShowKey implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ToolOptions tool;

    @Option(names = "--prefix", paramLabel = "P", required = true,
        description = "the key's prefix, as keys list shows it")
    private String prefix;

    @Override
    public Integer call() throws Exception {
      nonBlank(spec, "--prefix P", prefix);
      GatewayConfig config = tool.load();
      return KeyCommands.show(config.redisUrl(), config.dataDir(), prefix, System.out,
          System.err);
    }
  }

  @Command(name = "update", description = "Changes a key's limits or balance; what is not"
      + " given stays as it is.")
  static final class UpdateKey implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ToolOptions tool;

    @Option(names = "--prefix", paramLabel = "P", required = true,
        description = "the key's prefix, as keys list shows it")
    private String prefix;

    @Option(names = "--rpm", paramLabel = "N", description = "requests per minute (0: no limit)")
    private Integer rpm;

    @Option(names = "--upm", paramLabel = "N",
        description = "work units per minute (0: no limit)")
    private Long upm;

    @Option(names = "--credit", paramLabel = "C", converter = Credits.class,
        description = "sets the balance, in credits")
    private Long credit;

    @Option(names = "--add-credit", paramLabel = "C", converter = Credits.class,
        description = "adds to the balance, in credits")
    private Long addCredit;

    @Override
    public Integer call() throws Exception {
      nonBlank(spec, "--prefix P", prefix);
      GatewayConfig config = tool.load();
      return KeyCommands.update(config.redisUrl(), config.dataDir(), prefix, rpm, upm, credit,
          addCredit, System.out, System.err);
    }
  }

  @Command(name = "revoke", description = "Revokes the key of a name (and prefix, when one name"
      + " has several keys).")
  static final class RevokeKey implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ToolOptions tool;

    @Option(names = "--name", paramLabel = "NAME", required = true, description = "the key's name")
    private String name;

    @Option(names = "--prefix", paramLabel = "P",
        description = "which of the name's keys, as keys list shows it")
    private String prefix;

    @Override
    public Integer call() throws Exception {
      nonBlank(spec, "--name NAME", name);
      GatewayConfig config = tool.load();
      return KeyCommands.revoke(config.redisUrl(), config.dataDir(), name, prefix, System.out,
          System.err);
    }
  }
}
