package io.assay.gateway.routing;

/** Who asked: a user, or the validator's own synthetic test. Miners are never told. */
public enum Origin {
  ORGANIC,
  SYNTHETIC
}
