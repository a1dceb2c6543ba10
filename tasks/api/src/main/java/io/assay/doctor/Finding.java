package io.assay.doctor;

import java.util.Objects;

/**
 * What one {@link Check} found: its status, what was seen, and, when it is not ok, how to fix it.
 *
 * @param status ok, missing (something is not installed or not there) or failed (it is there and
 *     does not work)
 * @param detail what was seen, one line: the file, the address, the error
 * @param fix what the operator does about it, one line; null when ok
 */
public record Finding(Status status, String detail, String fix) {

  /** Printed lower-case at the start of a check's line. */
  public enum Status { OK, MISSING, FAILED }

  public Finding {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
    if (status != Status.OK) {
      Objects.requireNonNull(fix, "a finding that is not ok says how to fix it");
    }
  }

  public static Finding ok(String detail) {
    return new Finding(Status.OK, detail, null);
  }

  public static Finding missing(String detail, String fix) {
    return new Finding(Status.MISSING, detail, fix);
  }

  public static Finding failed(String detail, String fix) {
    return new Finding(Status.FAILED, detail, fix);
  }

  public boolean ok() {
    return status == Status.OK;
  }
}
