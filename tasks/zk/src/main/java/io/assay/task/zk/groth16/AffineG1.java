package io.assay.task.zk.groth16;

import java.math.BigInteger;

/** A G1 point as snarkjs writes it, decoded to integers but not yet checked against a curve. */
record AffineG1(String name, BigInteger x, BigInteger y, boolean infinity) {}
