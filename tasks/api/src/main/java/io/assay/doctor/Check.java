package io.assay.doctor;

import java.util.Objects;

/**
 * One thing a {@code doctor} command looks at (the configuration, Redis, a port, a model), named
 * as its line says it.
 *
 * <p>A check is required unless made {@link #optional}: an optional one is reported like the
 * others but does not make the doctor fail, for what only some uses of a program need (the
 * devnet's miners, in the gateway).
 *
 * @param name what is checked, e.g. {@code redis} or {@code port 127.0.0.1:8080}; checks of one
 *     name are one check (two tasks needing one model)
 * @param optionalFor who needs an optional check; null for a required one
 * @param probe looks; may block (it may connect, bind or load a model)
 * @param fixWhenThrown the fix printed when the probe throws instead of answering
 */
public record Check(String name, String optionalFor, Probe probe, String fixWhenThrown) {

  /** Looks at one thing. Throwing counts as {@link Finding.Status#FAILED}. */
  @FunctionalInterface
  public interface Probe {
    Finding look() throws Exception;
  }

  public Check {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(fixWhenThrown, "fixWhenThrown");
  }

  /** A required check. */
  public static Check of(String name, String fixWhenThrown, Probe probe) {
    return new Check(name, null, probe, fixWhenThrown);
  }

  /** A check whose outcome is known already (the configuration, read before the others). */
  public static Check found(String name, Finding finding) {
    return of(name, finding.ok() ? "" : finding.fix(), () -> finding);
  }

  /** The same check, reported but not required; {@code who} says who needs it. */
  public Check optional(String who) {
    return new Check(name, Objects.requireNonNull(who, "who"), probe, fixWhenThrown);
  }

  public boolean required() {
    return optionalFor == null;
  }

  /** Runs the probe; a probe that throws has failed, with its message. */
  Finding run() {
    try {
      return probe.look();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Finding.failed("interrupted", fixWhenThrown);
    } catch (Exception | LinkageError e) {
      return Finding.failed(Doctor.oneLine(e), fixWhenThrown);
    }
  }
}
