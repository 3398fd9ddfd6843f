// Micro-benchmark of the wasm kernels that dominate SasRec on wasm (see bench/README.md, "SASRec speed vs PyTorch"),
// each against a candidate replacement, with a check that the replacement gives the same result.
// Usage (repo root): NODE_PATH=node_modules node bench/baselines/speed/wasm-kernels.cjs
const tf = require('@tensorflow/tfjs-core');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);

function time(name, f) {
  tf.tidy(() => void f().dataSync()); // warm-up
  const t = performance.now();
  const out = tf.tidy(() => {
    const o = f();
    o.dataSync();
    return o.clone();
  });
  console.log(`${name}: ${(performance.now() - t).toFixed(0)} ms`);
  return out;
}

const maxDiff = (a, b) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  // 1. Gradient of the item-table gather: 256 × 50 ids (≈ 89% padding id 0, whose gradient is masked to zero) into [9923, 64].
  const rows = 9923, n = 12800, d = 64;
  const host = Int32Array.from({ length: n }, (_, i) => (i % 50 < 45 ? 0 : 1 + ((i * 7919) % 997)));
  const ids = tf.tensor1d(host, 'int32');
  const dy = tf.tidy(() => tf.mul(tf.randomNormal([n, d], 0, 1, 'float32', 1), tf.expandDims(tf.cast(tf.notEqual(ids, 0), 'float32'), 1)));
  const ref = time('gather grad, shipped (oneHot(ids)ᵀ · dy)', () => tf.matMul(tf.oneHot(ids, rows, 1, 0, 'float32'), dy, true, false));
  const bad = time('gather grad, scatterND of all ids as they are', () => tf.scatterND(tf.reshape(ids, [n, 1]), dy, [rows, d]));
  console.log(`  scatterND max |diff| = ${maxDiff(ref, bad).toFixed(3)} (differs: duplicate ids are not summed on wasm)`);
  // candidate: on the host, drop padding and map ids to their unique set; sum duplicates with a small one-hot product, then scatter.
  const keep = [], uniq = [], inv = [], where = new Map();
  host.forEach((id, i) => {
    if (id === 0) return;
    keep.push(i);
    if (!where.has(id)) where.set(id, uniq.push(id) - 1);
    inv.push(where.get(id));
  });
  const cand = time('gather grad, candidate (host dedupe + oneHot(unique)ᵀ · dy + scatterND)', () => {
    const sums = tf.matMul(tf.oneHot(tf.tensor1d(inv, 'int32'), uniq.length, 1, 0, 'float32'), tf.gather(dy, tf.tensor1d(keep, 'int32')), true, false);
    return tf.scatterND(tf.tensor2d(uniq, [uniq.length, 1], 'int32'), sums, [rows, d]);
  });
  console.log(`  candidate max |diff| = ${maxDiff(ref, cand).toExponential(2)} (${keep.length} real ids, ${uniq.length} unique)`);
  // 2. Pessimistic-tie rank count of one eval batch: broadcast GreaterEqual vs a subtraction first.
  const s = tf.randomNormal([512, 9922], 0, 1, 'float32', 2);
  const tg = tf.slice(s, [0, 17], [512, 1]);
  const r1 = time('rank count, shipped (greaterEqual(s, t[:, None]))', () => tf.sum(tf.cast(tf.greaterEqual(s, tg), 'int32'), 1));
  const r2 = time('rank count, candidate (greaterEqual(s − t, 0); finite scores only)', () => tf.sum(tf.cast(tf.greaterEqual(tf.sub(s, tg), tf.scalar(0)), 'int32'), 1));
  console.log(`  rank max |diff| = ${maxDiff(r1, r2)}`);
  // 3. Score matmul of one eval batch: transposeB flag vs a pre-transposed item table.
  const h = tf.randomNormal([512, 64], 0, 1, 'float32', 3);
  const e = tf.randomNormal([9922, 64], 0, 1, 'float32', 4);
  const et = tf.transpose(e);
  const m1 = time('scores, shipped (matMul(h, E, false, true))', () => tf.matMul(h, e, false, true));
  const m2 = time('scores, candidate (matMul(h, Eᵀ) with Eᵀ kept)', () => tf.matMul(h, et));
  console.log(`  scores max |diff| = ${maxDiff(m1, m2).toExponential(2)}`);
})();
