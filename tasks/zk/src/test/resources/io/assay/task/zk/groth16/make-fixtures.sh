#!/usr/bin/env bash
# Regenerates the groth16 test fixtures: two tiny circuits (mul, square), each set up on bn128
# and bls12381 with snarkjs, and four proofs per circuit and curve. Not run by the build; the
# outputs are committed. Needs node and tasks/zk/node/node_modules (npm ci there).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(cd "$here/../../../../../../../../node/node_modules/.bin" && pwd)"
snarkjs() { node "$bin/snarkjs" "$@"; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

cat > "$work/mul.circom" <<'C'
pragma circom 2.0.0;
// c = a * b + k, with k public: two public signals (c, k).
template Mul() { signal input a; signal input b; signal input k; signal output c; c <== a * b + k; }
component main {public [k]} = Mul();
C
cat > "$work/square.circom" <<'C'
pragma circom 2.0.0;
// y = x * x: one public signal (y); a different key, to check keys are not interchangeable.
template Square() { signal input x; signal output y; y <== x * x; }
component main = Square();
C

for curve in bn128 bls12381; do
  ptau="$work/$curve.ptau"
  snarkjs powersoftau new "$curve" 4 "$work/pot0.ptau" >/dev/null
  snarkjs powersoftau contribute "$work/pot0.ptau" "$work/pot1.ptau" --name=fixtures -e="fixture entropy $curve" >/dev/null
  snarkjs powersoftau prepare phase2 "$work/pot1.ptau" "$ptau" >/dev/null
  for circuit in mul square; do
    out="$here/$curve/$circuit"; mkdir -p "$out"
    node "$bin/circom2" "$work/$circuit.circom" --r1cs --wasm -p "$curve" -o "$work" >/dev/null
    snarkjs groth16 setup "$work/$circuit.r1cs" "$ptau" "$work/${circuit}0.zkey" >/dev/null
    snarkjs zkey contribute "$work/${circuit}0.zkey" "$work/$circuit.zkey" --name=fixtures -e="zkey entropy $curve $circuit" >/dev/null
    snarkjs zkey export verificationkey "$work/$circuit.zkey" "$out/verification_key.json" >/dev/null
    for i in 0 1 2 3; do
      if [ "$circuit" = mul ]; then input="{\"a\":\"$((i + 3))\",\"b\":\"$((i * 7 + 11))\",\"k\":\"$((i * 1000 + 5))\"}";
      else input="{\"x\":\"$((i * 13 + 2))\"}"; fi
      echo "$input" > "$work/input.json"
      snarkjs groth16 fullprove "$work/input.json" "$work/${circuit}_js/$circuit.wasm" "$work/$circuit.zkey" \
        "$out/proof-$i.json" "$out/public-$i.json" >/dev/null
    done
  done
done
