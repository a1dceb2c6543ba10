#!/usr/bin/env bash
# Rebuilds every zk-proof circuit artefact from source with the npm circom2 and snarkjs.
#
# Usage:  tasks/zk/node/build-circuits.sh [--ptau FILE] [--only NAME] [--no-fixtures]
#         (or set ASSAY_PTAU=FILE)
#
# For each circuit below it: compiles the circom source (--O2), takes a powers of tau file
# (a public ceremony's file given with --ptau / ASSAY_PTAU, or a locally generated one sized to
# the circuit: FOR DEVELOPMENT ONLY, see README.md), runs the Groth16 phase 2 (setup, one
# contribution, a beacon), exports the verification key, computes the model commitment with a
# real proof, verifies that proof, and writes to
#   tasks/zk/src/main/resources/io/assay/task/zk/circuits/<name>/
#     circuit.wasm  circuit_final.zkey  verification_key.json  circuit.json  model.json
# plus index.json listing all circuits, and (unless --no-fixtures) three valid proofs per circuit to
#   tasks/zk/src/test/resources/io/assay/task/zk/fixtures/<name>/{proof,public}-<i>.json
#
# Determinism: compilation, powers-of-tau "new", prepare phase2, groth16 setup and beacons are
# deterministic, but snarkjs mixes OS randomness into every contribution, so the zkey and the
# verification key (and so the circuit id, the SHA-256 of verification_key.json) change on every
# rebuild. That is on purpose: a setup with no secret randomness would let anyone forge proofs.
# The fixed ASSAY_ZK_ENTROPY string only adds to that randomness.
#
# Needs: Node 20+, and `npm ci` run in tasks/zk/node. Takes one to three minutes per curve on 2 cores.
set -euo pipefail

NODE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ZK_DIR="$(dirname "$NODE_DIR")"
SRC_DIR="$ZK_DIR/circuits"
OUT_ROOT="$ZK_DIR/src/main/resources/io/assay/task/zk/circuits"
FIXTURE_ROOT="$ZK_DIR/src/test/resources/io/assay/task/zk/fixtures"
WORK="${ASSAY_ZK_BUILD_DIR:-$ZK_DIR/target/circuit-build}"
ENTROPY="${ASSAY_ZK_ENTROPY:-assay development setup, not for production}"
BEACON="0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
PTAU="${ASSAY_PTAU:-}"
ONLY=""
FIXTURES=1

while [ $# -gt 0 ]; do
  case "$1" in
    --ptau) PTAU="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --no-fixtures) FIXTURES=0; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

CIRCOM="$NODE_DIR/node_modules/.bin/circom2"
SNARKJS="$NODE_DIR/node_modules/.bin/snarkjs"
[ -x "$SNARKJS" ] && [ -x "$CIRCOM" ] || { echo "circom2/snarkjs missing: run 'npm ci' in $NODE_DIR" >&2; exit 1; }
if [ -n "$PTAU" ] && [ ! -f "$PTAU" ]; then echo "ptau file not found: $PTAU" >&2; exit 1; fi

# name | circom prime | snarkjs curve | source | model | timeout_ms | description
CIRCUITS=(
  "timeseries-mlp-bn128|bn128|bn128|timeseries_mlp.circom|timeseries_mlp.model.json|10000|5-value time series -> 8 ReLU neurons -> next-value prediction, fixed point 1/256, Groth16 on BN254 (bn128)"
  "timeseries-mlp-bls12381|bls12381|bls12381|timeseries_mlp.circom|timeseries_mlp.model.json|20000|5-value time series -> 8 ReLU neurons -> next-value prediction, fixed point 1/256, Groth16 on BLS12-381"
)

# Inputs shared by every circuit of this family: user-facing series (decimals) and the nonce.
EXAMPLE_SERIES='[12.5, 13.1, 13.75, 14.2, 15.0]'
FIXTURE_SERIES=('[12.5, 13.1, 13.75, 14.2, 15.0]' '[-3.25, -1.5, 0.0, 2.75, 1.125]' '[999.99, -1000, 0.00390625, -0.5, 640.5]')
FIXTURE_NONCES=('1' '340282366920938463463374607431768211455' '123456789012345678901234567890')

# snarkjs logs every step at INFO; keep warnings and errors. Failures surface in the checks below.
snarkjs() { "$SNARKJS" "$@" 2>&1 | grep -v -e 'Unknown user config' -e 'INFO' -e $'^\t\t' || true; }

# Writes the full circuit input (public series and nonce, private weights) as snarkjs input JSON.
# Negative integers become p - |x| in the curve's scalar field; decimals are rounded to 1/scale.
make_input() { # curve model series nonce out
  node - "$@" <<'JS'
const fs = require('fs');
const [curve, modelFile, seriesJson, nonce, out] = process.argv.slice(2);
const P = { bn128: 21888242871839275222246405745257275088548364400416034343698204186575808495617n,
            bls12381: 52435875175126190479447740508185965837690552500527637822603658699938581184513n }[curve];
const model = JSON.parse(fs.readFileSync(modelFile, 'utf8'));
const enc = (x) => { const v = BigInt(x); return (((v % P) + P) % P).toString(); };
const fixed = (d) => enc(Math.round(d * model.scale));
const deep = (v) => (Array.isArray(v) ? v.map(deep) : enc(v));
const input = { series: JSON.parse(seriesJson).map(fixed), nonce: enc(nonce) };
for (const [signal, value] of Object.entries(model.private_signals)) input[signal] = deep(value);
fs.writeFileSync(out, JSON.stringify(input));
JS
}

build_one() {
  local name="$1" prime="$2" curve="$3" src="$4" model="$5" timeout="$6" desc="$7"
  local w="$WORK/$name" out="$OUT_ROOT/$name" base
  base="$(basename "$src" .circom)"
  echo "== $name ($curve)"
  rm -rf "$w"; mkdir -p "$w" "$out"

  "$CIRCOM" "$SRC_DIR/$src" --O2 --prime "$prime" --r1cs --wasm -l "$NODE_DIR/node_modules" -o "$w" 2>&1 \
    | grep -v 'Unknown user config'
  local r1cs="$w/$base.r1cs" wasm="$w/${base}_js/$base.wasm"

  local info constraints npub power
  info="$(node -e '
    const r1cs = require(process.argv[1] + "/node_modules/r1csfile");
    r1cs.readR1cs(process.argv[2], { loadConstraints: false, loadMap: false }).then((c) => {
      console.log(c.nConstraints, c.nOutputs + c.nPubInputs);
      process.exit(0);
    });' "$NODE_DIR" "$r1cs")"
  read -r constraints npub <<<"$info"
  # Groth16 needs a domain of at least constraints + public signals + 1 points.
  power=8
  while [ $((1 << power)) -lt $((constraints + npub + 1)) ]; do power=$((power + 1)); done
  echo "   constraints=$constraints public=$npub power=$power"

  local ptau="$PTAU"
  if [ -z "$ptau" ]; then
    # DEVELOPMENT ONLY: a one-party powers of tau made on this machine.
    snarkjs powersoftau new "$curve" "$power" "$w/pot_0.ptau"
    snarkjs powersoftau contribute "$w/pot_0.ptau" "$w/pot_1.ptau" --name="assay dev" -e="$ENTROPY"
    snarkjs powersoftau beacon "$w/pot_1.ptau" "$w/pot_2.ptau" "$BEACON" 10 -n="assay dev beacon"
    snarkjs powersoftau prepare phase2 "$w/pot_2.ptau" "$w/pot_final.ptau"
    ptau="$w/pot_final.ptau"
  fi

  snarkjs groth16 setup "$r1cs" "$ptau" "$w/circuit_0.zkey"
  snarkjs zkey contribute "$w/circuit_0.zkey" "$w/circuit_1.zkey" --name="assay dev phase2" -e="$ENTROPY"
  snarkjs zkey beacon "$w/circuit_1.zkey" "$w/circuit_final.zkey" "$BEACON" 10 -n="assay phase2 beacon"
  snarkjs zkey export verificationkey "$w/circuit_final.zkey" "$w/verification_key.json"
  [ -s "$w/verification_key.json" ] || { echo "setup failed for $name" >&2; exit 1; }

  cp "$wasm" "$out/circuit.wasm"
  cp "$w/circuit_final.zkey" "$out/circuit_final.zkey"
  cp "$w/verification_key.json" "$out/verification_key.json"
  cp "$SRC_DIR/$model" "$out/model.json"

  # A real proof of the example input gives the model commitment and checks the artefacts.
  make_input "$curve" "$out/model.json" "$EXAMPLE_SERIES" 7 "$w/input.json"
  snarkjs groth16 fullprove "$w/input.json" "$out/circuit.wasm" "$out/circuit_final.zkey" "$w/proof.json" "$w/public.json"
  "$SNARKJS" groth16 verify "$out/verification_key.json" "$w/public.json" "$w/proof.json" 2>&1 | grep -q 'OK' \
    || { echo "example proof does not verify for $name" >&2; exit 1; }

  node - "$out/circuit.json" "$name" "$curve" "$desc" "$constraints" "$npub" "$timeout" "$w/public.json" "$EXAMPLE_SERIES" <<'JS'
const fs = require('fs');
const [file, name, curve, description, constraints, npub, timeout, publicFile, series] = process.argv.slice(2);
const pub = JSON.parse(fs.readFileSync(publicFile, 'utf8'));
const meta = {
  name,
  curve,
  description,
  public_signals: { outputs: [0], commitment: 1, inputs: [2, 3, 4, 5, 6], nonce: 7 },
  input_signal: 'series',
  nonce_signal: 'nonce',
  n_public: Number(npub),
  constraints: Number(constraints),
  timeout_ms: Number(timeout),
  work_units: Math.ceil(Number(constraints) / 1000),
  fixed_point_scale: 256,
  input_range: { min: -1000, max: 1000 },
  input_description: 'series: the last 5 values of a time series, oldest first, each a number in [-1000, 1000], rounded to a multiple of 1/256; the output is the predicted next value, also a multiple of 1/256.',
  example_input: { series: JSON.parse(series) },
  model_commitment: pub[1],
};
if (pub.length !== meta.n_public) throw new Error(`expected ${meta.n_public} public signals, got ${pub.length}`);
fs.writeFileSync(file, JSON.stringify(meta, null, 2) + '\n');
JS

  if [ "$FIXTURES" = 1 ]; then
    local fx="$FIXTURE_ROOT/$name" i
    mkdir -p "$fx"
    for i in 0 1 2; do
      make_input "$curve" "$out/model.json" "${FIXTURE_SERIES[$i]}" "${FIXTURE_NONCES[$i]}" "$w/input-$i.json"
      snarkjs groth16 fullprove "$w/input-$i.json" "$out/circuit.wasm" "$out/circuit_final.zkey" \
        "$fx/proof-$((i + 1)).json" "$fx/public-$((i + 1)).json"
      "$SNARKJS" groth16 verify "$out/verification_key.json" "$fx/public-$((i + 1)).json" "$fx/proof-$((i + 1)).json" 2>&1 \
        | grep -q 'OK' || { echo "fixture $i does not verify for $name" >&2; exit 1; }
    done
  fi
  echo "   wrote $out"
}

mkdir -p "$WORK" "$OUT_ROOT"
names=()
for spec in "${CIRCUITS[@]}"; do
  IFS='|' read -r name prime curve src model timeout desc <<<"$spec"
  names+=("$name")
  if [ -z "$ONLY" ] || [ "$ONLY" = "$name" ]; then
    build_one "$name" "$prime" "$curve" "$src" "$model" "$timeout" "$desc"
  fi
done

node -e 'console.log(JSON.stringify({ circuits: process.argv.slice(1) }, null, 2))' "${names[@]}" > "$OUT_ROOT/index.json"
echo "done: $OUT_ROOT"
