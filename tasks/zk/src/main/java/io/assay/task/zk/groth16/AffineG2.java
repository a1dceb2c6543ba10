package io.assay.task.zk.groth16;

import java.math.BigInteger;

/**
 * A G2 point as snarkjs writes it (x = x0 + x1 u, y = y0 + y1 u), decoded to integers but not
 * yet checked against a curve.
 */
record AffineG2(String name, BigInteger x0, BigInteger x1, BigInteger y0, BigInteger y1, boolean infinity) {}
