#!/usr/bin/env node
// Microsoft SEAL (node-seal 6.0.3, WebAssembly) as an independent CKKS oracle for hesplit's tests.
//
// Reads one JSON job on stdin, runs a CKKS operation sequence with SEAL, prints one JSON object on
// stdout. Node 20 cannot load node-seal 7 (it needs Node 22's WebAssembly GC), hence the pinned 6.0.3.
//
// Job fields:
//   n            ring degree (power of two)
//   bits         coefficient modulus bit sizes; the last one is SEAL's special (key-switching) prime
//   log2_scale   encoding scale as a power of two (or "scale": a plain number)
//   security     "tc128" (default) or "none" (lets tests use small insecure parameters)
//   message      array of reals, or a generator {"generator":"sin","amplitude":a,"frequency":f,
//                "phase":p,"count":c}: value i = a*sin(f*i + p), i < c (default c = n/2)
//   operands     {name: array or generator} plaintext vectors for multiply_plain / add_plain
//   ops          sequence, applied to one "current" ciphertext:
//                  {"op":"encrypt","key":"public"|"secret"}   encode + encrypt the message
//                  {"op":"multiply_plain","operand":name,"log2_scale":s?}  (s defaults to the scale)
//                  {"op":"add_plain","operand":name}
//                  {"op":"rescale"}          divide by the last prime, drop it
//                  {"op":"mod_switch"}       drop the last prime without dividing
//                  {"op":"rotate","steps":k} slot i <- slot i+k (left rotation, k may be negative)
//                  {"op":"conjugate"}
//                  {"op":"save","name":x}    remember the current ciphertext (and its expected values)
//                  {"op":"add","name":x}     current += saved ciphertext x
//   repeat       run the sequence this many times with fresh encryptions (default 1)
//   sizes        true to report serialized sizes of fresh ciphertexts and keys (default true)
//   return_values  true to include the decrypted slots in the output
//
// Output: precision_bits = -log2(max |decrypted - expected|) over all n/2 slots of all runs (expected values
// computed in double precision from the same inputs), plus error statistics, the final level and
// scale, per-operation times and, when requested, serialized sizes in bytes for compression modes
// none / zlib / zstd: fresh ciphertexts encrypted with the public key (full), with the secret key
// (full) and with the secret key in seeded form; and the public, relinearisation and Galois keys.
'use strict';

const path = require('path');
const SEALModule = require(path.join(__dirname, 'node_modules', 'node-seal', 'throws_wasm_node_umd.js'));

function fail(message) {
  process.stdout.write(JSON.stringify({ error: message }) + '\n');
  process.exit(2);
}

function readStdin() {
  return require('fs').readFileSync(0, 'utf8');
}

// A vector of slot values: explicit array, or a deterministic generator the C++ side can reproduce.
function makeVector(spec, slots, what) {
  if (Array.isArray(spec)) {
    if (spec.length > slots) fail(`${what}: ${spec.length} values exceed ${slots} slots`);
    const v = new Float64Array(slots);
    spec.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${what}[${i}] is not a finite number`);
      v[i] = x;
    });
    return v;
  }
  if (spec && spec.generator === 'sin') {
    const a = spec.amplitude ?? 1.0;
    const f = spec.frequency ?? 1.0;
    const p = spec.phase ?? 0.0;
    const count = spec.count ?? slots;
    if (count > slots) fail(`${what}: count ${count} exceeds ${slots} slots`);
    const v = new Float64Array(slots);
    for (let i = 0; i < count; i++) v[i] = a * Math.sin(f * i + p);
    return v;
  }
  fail(`${what}: expected an array or {"generator":"sin",...}`);
  return null;
}

function rotateLeft(v, k) {
  const n = v.length;
  const s = ((k % n) + n) % n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = v[(i + s) % n];
  return out;
}

function sizesOf(seal, object) {
  const modes = { none: seal.ComprModeType.none, zlib: seal.ComprModeType.zlib, zstd: seal.ComprModeType.zstd };
  const out = {};
  for (const [name, mode] of Object.entries(modes)) {
    try {
      out[name] = object.saveArray(mode).length;
    } catch (e) {
      out[name] = null; // this build lacks the compressor
    }
  }
  return out;
}

function stats(decoded, expected) {
  let maxErr = 0;
  let sumErr = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(decoded[i] - expected[i]);
    if (!(e <= maxErr)) maxErr = e; // NaN propagates as "worse"
    sumErr += e;
  }
  return { max_abs_error: maxErr, mean_abs_error: sumErr / expected.length, precision_bits: -Math.log2(maxErr) };
}

async function main() {
  let job;
  try {
    job = JSON.parse(readStdin());
  } catch (e) {
    fail(`job is not valid JSON: ${e.message}`);
  }
  const seal = await SEALModule();
  const n = job.n;
  if (!Number.isInteger(n) || n < 1024 || n > 65536 || (n & (n - 1)) !== 0) fail(`n = ${n} is not a power of two in [1024, 65536]`);
  const bits = job.bits;
  if (!Array.isArray(bits) || bits.length < 2) fail('bits: need at least one data prime and one special prime');
  const scale = job.scale ?? Math.pow(2, job.log2_scale ?? 40);
  const slots = n / 2;

  const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
  parms.setPolyModulusDegree(n);
  parms.setCoeffModulus(seal.CoeffModulus.Create(n, Int32Array.from(bits)));
  const security = job.security === 'none' ? seal.SecurityLevel.none : seal.SecurityLevel.tc128;
  const context = seal.Context(parms, true, security);
  if (!context.parametersSet()) {
    fail(`SEAL refused the parameters n=${n} bits=${JSON.stringify(bits)}; security ${job.security ?? "tc128"} bounds log2(q) by the HE standard table`);
  }

  const keygen = seal.KeyGenerator(context);
  const secretKey = keygen.secretKey();
  const publicKey = keygen.createPublicKey();
  const relinKeys = keygen.createRelinKeys();
  const steps = (job.ops || []).filter((o) => o.op === 'rotate').map((o) => o.steps);
  const galoisKeys = keygen.createGaloisKeys(Int32Array.from(steps));
  const encoder = seal.CKKSEncoder(context);
  const encryptor = seal.Encryptor(context, publicKey, secretKey);
  const decryptor = seal.Decryptor(context, secretKey);
  const evaluator = seal.Evaluator(context);

  const message = makeVector(job.message ?? { generator: 'sin' }, slots, 'message');
  const operands = {};
  for (const [name, spec] of Object.entries(job.operands || {})) operands[name] = makeVector(spec, slots, `operands.${name}`);

  const encodeAt = (values, s, parmsId) => {
    const plain = encoder.encode(values, s);
    if (parmsId) evaluator.plainModSwitchTo(plain, parmsId, plain);
    return plain;
  };

  // One pass of the operation sequence; returns the final ciphertext and the expected slots.
  const runSequence = (timings) => {
    let ct = null;
    let expected = null;
    const saved = {};
    for (const [index, o] of (job.ops || []).entries()) {
      const started = process.hrtime.bigint();
      const needCt = () => {
        if (!ct) fail(`ops[${index}] (${o.op}) comes before encrypt`);
      };
      switch (o.op) {
        case 'encrypt': {
          const plain = encodeAt(message, scale, null);
          ct = seal.CipherText();
          if (o.key === 'secret') encryptor.encryptSymmetric(plain, ct);
          else encryptor.encrypt(plain, ct);
          expected = Float64Array.from(message);
          break;
        }
        case 'multiply_plain': {
          needCt();
          const w = operands[o.operand];
          if (!w) fail(`ops[${index}]: unknown operand ${o.operand}`);
          const plainScale = o.log2_scale !== undefined ? Math.pow(2, o.log2_scale) : scale;
          evaluator.multiplyPlain(ct, encodeAt(w, plainScale, ct.parmsId), ct);
          expected = expected.map((x, i) => x * w[i]);
          break;
        }
        case 'add_plain': {
          needCt();
          const w = operands[o.operand];
          if (!w) fail(`ops[${index}]: unknown operand ${o.operand}`);
          evaluator.addPlain(ct, encodeAt(w, ct.scale, ct.parmsId), ct);
          expected = expected.map((x, i) => x + w[i]);
          break;
        }
        case 'rescale':
          needCt();
          evaluator.rescaleToNext(ct, ct);
          break;
        case 'mod_switch':
          needCt();
          evaluator.cipherModSwitchToNext(ct, ct);
          break;
        case 'rotate':
          needCt();
          evaluator.rotateVector(ct, o.steps, galoisKeys, ct);
          expected = rotateLeft(expected, o.steps);
          break;
        case 'conjugate':
          needCt();
          evaluator.complexConjugate(ct, galoisKeys, ct); // real slots: values unchanged
          break;
        case 'save':
          needCt();
          saved[o.name] = { ct: ct.clone(), expected: Float64Array.from(expected) };
          break;
        case 'add': {
          needCt();
          const other = saved[o.name];
          if (!other) fail(`ops[${index}]: nothing saved as ${o.name}`);
          evaluator.add(ct, other.ct, ct);
          expected = expected.map((x, i) => x + other.expected[i]);
          break;
        }
        default:
          fail(`ops[${index}]: unknown op ${JSON.stringify(o.op)}`);
      }
      timings.push({ op: o.op, ms: Number(process.hrtime.bigint() - started) / 1e6 });
    }
    return { ct, expected };
  };

  const repeat = job.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) fail(`repeat = ${repeat} not in [1, 100]`);
  const runs = [];
  let last = null;
  const timings = [];
  for (let r = 0; r < repeat; r++) {
    last = runSequence(r === 0 ? timings : []);
    if (last.ct) {
      const decoded = encoder.decode(decryptor.decrypt(last.ct));
      runs.push({ ...stats(decoded, last.expected), values: job.return_values ? Array.from(decoded) : undefined });
    }
  }

  const out = { seal_version: seal.Version, node_version: process.version, n, bits, scale };
  if (runs.length > 0) {
    // Worst case over all runs (the precision a user can count on), and per-run figures.
    const worst = Math.max(...runs.map((r) => r.max_abs_error));
    out.max_abs_error = worst;
    out.precision_bits = -Math.log2(worst);
    out.mean_abs_error = runs.reduce((a, r) => a + r.mean_abs_error, 0) / runs.length;
    out.run_precision_bits = runs.map((r) => r.precision_bits);
    out.final_primes = context.getContextData(last.ct.parmsId).parms.coeffModulus.length;
    out.final_scale = last.ct.scale;
    out.final_size_none = last.ct.saveArray(seal.ComprModeType.none).length;
    if (job.return_values) out.values = runs[runs.length - 1].values;
  }
  out.timings_ms = timings;

  if (job.sizes !== false) {
    const plain = encodeAt(message, scale, null);
    const fresh = {};
    const full = encryptor.encrypt(plain);
    fresh.public_full = sizesOf(seal, full);
    const sym = encryptor.encryptSymmetric(plain);
    fresh.symmetric_full = sizesOf(seal, sym);
    fresh.symmetric_seeded = sizesOf(seal, encryptor.encryptSymmetricSerializable(plain));
    out.fresh_ciphertext_bytes = fresh;
    out.key_bytes = {
      public_full: sizesOf(seal, publicKey),
      public_seeded: sizesOf(seal, keygen.createPublicKeySerializable()),
      relin_full: sizesOf(seal, relinKeys),
      relin_seeded: sizesOf(seal, keygen.createRelinKeysSerializable()),
      galois_full: sizesOf(seal, galoisKeys),
      galois_seeded: sizesOf(seal, keygen.createGaloisKeysSerializable(Int32Array.from(steps))),
      galois_steps: steps,
    };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => fail(`SEAL raised: ${e && e.message ? e.message : String(e)}`));
