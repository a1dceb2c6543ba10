pragma circom 2.0.0;

// Assay reference circuit: a tiny fixed-point MLP that predicts the next value of a time series,
// with its weights private and bound by a Poseidon commitment (the model "fingerprint").
//
// Fixed point: every real number v is the integer round(v * S) with S = 2^8 = 256.
// A negative integer -a is the field element p - a (p = the curve's scalar field order).
// All arithmetic is exact integer arithmetic; the only rounding is two floor divisions by S,
// done with a bit decomposition (Num2Bits) that also range-checks the value to |v| < 2^40.
//
//   h[j]       = sum_i w1[j][i] * series[i] + b1[j] * S          (scale S^2)
//   r[j]       = h[j] >= 0 ? floor(h[j] / S) : 0                   (ReLU, scale S)
//   y          = sum_j w2[j] * r[j] + b2 * S                       (scale S^2)
//   prediction = floor(y / S)                                      (scale S, signed floor)
//
// Commitment: the N*H + 2H + 1 weights in the order w1 (row-major), b1, w2, b2 are split into
// chunks of 16 (the last one shorter); commitment = Poseidon(Poseidon(chunk_0), ..., Poseidon(chunk_k)).
//
// Public signals (snarkjs order: outputs, then public inputs in declaration order):
//   [prediction, commitment, series[0..N-1], nonce]
// The nonce is a per-request value the validator picks; nonceSquare constrains it so the proof binds it.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

// Signed floor division by 2^SHIFT of a value v with -2^(BITS-1) <= v < 2^(BITS-1).
// Also outputs nonNegative = (v >= 0).
template SignedShift(BITS, SHIFT) {
    signal input in;
    signal output quotient;
    signal output nonNegative;

    component bits = Num2Bits(BITS);
    bits.in <== in + (1 << (BITS - 1));

    var acc = 0;
    for (var i = SHIFT; i < BITS; i++) {
        acc += bits.out[i] * (1 << (i - SHIFT));
    }
    // floor((v + 2^(BITS-1)) / 2^SHIFT) - 2^(BITS-1-SHIFT) = floor(v / 2^SHIFT)
    quotient <== acc - (1 << (BITS - 1 - SHIFT));
    nonNegative <== bits.out[BITS - 1];
}

// ReLU followed by floor division by 2^SHIFT: nonNegative(v) * floor(v / 2^SHIFT).
template ReluShift(BITS, SHIFT) {
    signal input in;
    signal output out;

    component s = SignedShift(BITS, SHIFT);
    s.in <== in;
    out <== s.nonNegative * s.quotient;
}

// Poseidon over any number of values: chunks of 16, then Poseidon over the chunk hashes.
template ChunkedPoseidon(COUNT) {
    signal input in[COUNT];
    signal output out;

    var CHUNKS = (COUNT + 15) \ 16;
    component chunk[CHUNKS];
    for (var c = 0; c < CHUNKS; c++) {
        var size = COUNT - c * 16 < 16 ? COUNT - c * 16 : 16;
        chunk[c] = Poseidon(size);
        for (var k = 0; k < size; k++) {
            chunk[c].inputs[k] <== in[c * 16 + k];
        }
    }
    component root = Poseidon(CHUNKS);
    for (var c = 0; c < CHUNKS; c++) {
        root.inputs[c] <== chunk[c].out;
    }
    out <== root.out;
}

template TimeseriesMlp(N, H) {
    var SHIFT = 8;       // S = 2^8
    var BITS = 41;       // intermediate values must satisfy |v| < 2^40

    signal input series[N];
    signal input nonce;
    signal input w1[H][N];
    signal input b1[H];
    signal input w2[H];
    signal input b2;

    signal output prediction;
    signal output commitment;

    signal nonceSquare;
    nonceSquare <== nonce * nonce;

    // Hidden layer.
    signal prod1[H][N];
    component relu[H];
    for (var j = 0; j < H; j++) {
        var h = b1[j] * (1 << SHIFT);
        for (var i = 0; i < N; i++) {
            prod1[j][i] <== w1[j][i] * series[i];
            h += prod1[j][i];
        }
        relu[j] = ReluShift(BITS, SHIFT);
        relu[j].in <== h;
    }

    // Output layer.
    signal prod2[H];
    var y = b2 * (1 << SHIFT);
    for (var j = 0; j < H; j++) {
        prod2[j] <== w2[j] * relu[j].out;
        y += prod2[j];
    }
    component out = SignedShift(BITS, SHIFT);
    out.in <== y;
    prediction <== out.quotient;

    // Commitment to the private weights.
    var COUNT = H * N + 2 * H + 1;
    component hash = ChunkedPoseidon(COUNT);
    var k = 0;
    for (var j = 0; j < H; j++) {
        for (var i = 0; i < N; i++) {
            hash.in[k] <== w1[j][i];
            k++;
        }
    }
    for (var j = 0; j < H; j++) {
        hash.in[k] <== b1[j];
        k++;
    }
    for (var j = 0; j < H; j++) {
        hash.in[k] <== w2[j];
        k++;
    }
    hash.in[k] <== b2;
    commitment <== hash.out;
}

component main {public [series, nonce]} = TimeseriesMlp(5, 8);
