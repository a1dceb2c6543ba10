package io.assay.gateway.attestation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A TCB status with the Intel security advisories (INTEL-SA-nnnnn) that explain it. */
record TcbResult(TcbStatus status, List<String> advisories) {

  TcbResult {
    advisories = List.copyOf(advisories);
  }

  /** The worse status of the two, with the advisories of both (each once, in order). */
  TcbResult merge(TcbResult other) {
    Set<String> all = new LinkedHashSet<>(advisories);
    all.addAll(other.advisories);
    return new TcbResult(status.worst(other.status), new ArrayList<>(all));
  }
}
