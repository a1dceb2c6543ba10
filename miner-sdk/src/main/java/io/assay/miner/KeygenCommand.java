package io.assay.miner;

import io.assay.protocol.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keygen --out FILE}: writes a new identity and prints its hotkey. The miner's and the
 * gateway's command lines share it; an existing file is never overwritten (exit 1).
 */
@Command(name = "keygen", description = "Writes a new identity key file and prints its hotkey.")
public final class KeygenCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--out", paramLabel = "FILE", required = true,
      description = "where to write the key (mode 0600); an existing file is kept")
  private Path out;

  @Override
  public Integer call() throws java.io.IOException {
    if (Files.exists(out)) {
      System.err.println(spec.root().name() + ": " + out
          + " exists; refusing to overwrite an identity");
      return 1;
    }
    Identity identity = Identity.generate();
    identity.save(out);
    System.out.println(identity.hotkey().value());
    return 0;
  }
}
