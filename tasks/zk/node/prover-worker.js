#!/usr/bin/env node
// Assay miner's Groth16 prover worker: a long-lived process driven over stdin/stdout by
// io.assay.task.zk.prover.NodeProver.
//
// Usage: NODE_PATH=<tasks/zk/node/node_modules> node prover-worker.js <circuits-dir>
//   <circuits-dir>/<name>/circuit.wasm and <circuits-dir>/<name>/circuit_final.zkey per circuit.
//
// Protocol: one JSON object per line each way.
//   request: {"id": n, "circuit": "<name>", "input": {<full circuit input, signals as decimal strings>}}
//   reply:   {"id": n, "proof": {<snarkjs proof>}, "publicSignals": ["..."], "millis": m}
//        or  {"id": n, "error": "<message>"}            (id is null when the line was not JSON)
// Requests are proved one at a time, in order. A bad request gets an error reply; the worker
// keeps serving. It exits once stdin closes and the requests already read are answered.
// stdout carries replies only; everything else (logs) goes to stderr.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');

console.log = (...args) => console.error(...args);
const snarkjs = require('snarkjs');
// snarkjs's own witness runtime: fullProve would compile the circuit's wasm for every proof
// (about 150 ms of a 3,000-constraint proof); a calculator built once is reused instead.
const { WitnessCalculatorBuilder } = require(require.resolve('circom_runtime',
  { paths: [path.dirname(require.resolve('snarkjs'))] }));

const circuitsDir = process.argv[2];
if (!circuitsDir || !fs.existsSync(circuitsDir)) {
  console.error(`prover-worker: circuits directory missing or not found: ${circuitsDir}`);
  process.exit(2);
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const artefacts = new Map(); // name -> {witness, zkey}: read once, reused for every proof

function load(name) {
  let a = artefacts.get(name);
  if (a) return a;
  if (typeof name !== 'string' || !NAME.test(name)) throw new Error(`bad circuit name: ${JSON.stringify(name)}`);
  const dir = path.join(circuitsDir, name);
  if (!fs.existsSync(dir)) throw new Error(`unknown circuit: ${name}`);
  a = {
    witness: WitnessCalculatorBuilder(new Uint8Array(fs.readFileSync(path.join(dir, 'circuit.wasm')))),
    zkey: new Uint8Array(fs.readFileSync(path.join(dir, 'circuit_final.zkey'))),
  };
  artefacts.set(name, a);
  return a;
}

function reply(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function message(err) {
  const text = err && err.message ? err.message : String(err);
  return text.split('\n')[0].slice(0, 500);
}

async function handle(line) {
  let req;
  try {
    req = JSON.parse(line);
  } catch (e) {
    reply({ id: null, error: `request is not JSON: ${message(e)}` });
    return;
  }
  const id = req && (typeof req.id === 'number' || typeof req.id === 'string') ? req.id : null;
  try {
    if (id === null) throw new Error('request has no id');
    if (!req.input || typeof req.input !== 'object') throw new Error('request has no input object');
    const a = load(req.circuit);
    const started = process.hrtime.bigint();
    // What groth16.fullProve does, with the witness calculator kept between proofs.
    const wtns = await (await a.witness).calculateWTNSBin(req.input, 0);
    const { proof, publicSignals } = await snarkjs.groth16.prove(
      { type: 'mem', data: a.zkey }, { type: 'mem', data: wtns });
    const millis = Number((process.hrtime.bigint() - started) / 1000000n);
    reply({ id, proof, publicSignals, millis });
  } catch (e) {
    reply({ id, error: message(e) });
  }
}

let chain = Promise.resolve();
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (line.trim() === '') return;
  chain = chain.then(() => handle(line));
});
rl.on('close', () => {
  // snarkjs keeps worker threads for its curves alive, so leave explicitly once all is answered.
  chain.then(() => process.stdout.write('', () => process.exit(0)));
});
