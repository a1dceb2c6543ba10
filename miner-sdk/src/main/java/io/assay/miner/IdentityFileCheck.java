package io.assay.miner;

import io.assay.doctor.Check;
import io.assay.doctor.Finding;
import io.assay.protocol.Identity;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code doctor} check of an identity key file (a miner's or a validator's): an existing
 * file must load, as {@link Identity#loadOrCreate} would read it at start; a missing one is made
 * at first start, so its folder must be writable (or creatable).
 */
public final class IdentityFileCheck {

  private IdentityFileCheck() {}

  /** @param setting the configuration key naming the file, for the fix */
  public static Check of(Path file, String setting) {
    Path target = file.toAbsolutePath();
    return Check.of("identity " + target, "restore the key file, or point " + setting
        + " at another", () -> probe(target, setting));
  }

  private static Finding probe(Path file, String setting) throws java.io.IOException {
    if (Files.exists(file)) {
      return Finding.ok("hotkey " + Identity.load(file).hotkey().value());
    }
    Path folder = file.getParent();
    while (folder != null && !Files.exists(folder)) {
      folder = folder.getParent();
    }
    if (folder != null && Files.isDirectory(folder) && Files.isWritable(folder)) {
      return Finding.ok("absent; a new one is written at first start");
    }
    return Finding.failed("absent, and " + folder + " is not a writable folder to make it in",
        "make " + file.getParent() + " writable, or point " + setting + " at a writable place");
  }
}
