// CKKS benchmarks (issue 6). Every benchmark reports "key_switches" per iteration (0 when the
// operation performs none). Presets: "seal-8192" = SEAL's benchmark parameters (N = 8192, primes
// {60,40,40} + 60), "sealed-8192" = the sealed protocol's ({50,50,40} + 60). The kernels run on
// the CPU's fastest path unless HESPLIT_CKKS_KERNELS=scalar|avx2|avx512|ifma forces one (issue 21);
// labels name the path (scheme operations) or the NTT kernel.
//   HESPLIT_CKKS_KERNELS=avx2 build/bench_ckks --benchmark_format=json
#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <cmath>
#include <complex>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ckks/decryptor.hpp"
#include "ckks/encoder.hpp"
#include "ckks/encryptor.hpp"
#include "ckks/evaluator.hpp"
#include "ckks/kernel_path.hpp"
#include "ckks/keygen.hpp"
#include "ckks/ntt.hpp"
#include "ckks/params.hpp"
#include "ckks/primes.hpp"
#include "packing/client_codec.hpp"
#include "packing/encrypted_layer.hpp"
#include "packing/worker_pool.hpp"

namespace {

using namespace hesplit;

// ---------------------------------------------------------------------------------------------
// NTT: one prime, degree N; prime bits 60, 49 (the IFMA and AVX2 double range is < 2^50) or 40
// (SEAL's data primes).

void ntt_setup(benchmark::State& state, std::unique_ptr<ckks::NttTables>& tables,
               ckks::U64Vector& values) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const int bits = static_cast<int>(state.range(1));
  const std::vector<int> sizes = {bits};
  const std::uint64_t q = ckks::generate_ntt_primes(sizes, n)[0];
  // kernel 0: the portable scalar kernel; 1: the default (fastest for this CPU and prime).
  const ckks::Modulus m(q);
  tables = state.range(2) == 0 ? std::make_unique<ckks::NttTables>(n, m, ckks::scalar_ntt_kernel())
                               : std::make_unique<ckks::NttTables>(n, m);
  values.resize(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = (i * 0x9E3779B97F4A7C15ULL) % q;
  state.SetLabel(std::string(tables->kernel().name));
  state.counters["key_switches"] = 0;
}

void BM_NttForward(benchmark::State& state) {
  std::unique_ptr<ckks::NttTables> tables;
  ckks::U64Vector values;
  ntt_setup(state, tables, values);
  for (auto _ : state) {
    tables->forward(values.data());
    benchmark::DoNotOptimize(values.data());
  }
}

void BM_NttInverse(benchmark::State& state) {
  std::unique_ptr<ckks::NttTables> tables;
  ckks::U64Vector values;
  ntt_setup(state, tables, values);
  for (auto _ : state) {
    tables->inverse(values.data());
    benchmark::DoNotOptimize(values.data());
  }
}

void ntt_args(benchmark::internal::Benchmark* b) {
  for (const int n : {4096, 8192, 16384}) {
    for (const int bits : {60, 49, 40}) {
      for (const int kernel : {0, 1}) b->Args({n, bits, kernel});
    }
  }
  b->ArgNames({"N", "bits", "best"});
}
BENCHMARK(BM_NttForward)->Apply(ntt_args);
BENCHMARK(BM_NttInverse)->Apply(ntt_args);

// ---------------------------------------------------------------------------------------------
// Scheme operations. One setup per preset, built once (key generation is slow).

struct Scheme {
  std::shared_ptr<const ckks::CkksContext> context;
  ckks::KeyGenerator keygen;
  ckks::PublicKey public_key;
  ckks::RelinKeys relin;
  ckks::GaloisKeys galois;
  ckks::CkksEncoder encoder;
  ckks::Encryptor pk_encryptor;
  ckks::Encryptor sk_encryptor;
  ckks::Decryptor decryptor;
  ckks::Evaluator evaluator;
  std::vector<std::complex<double>> message;
  ckks::Plaintext plain;
  ckks::Ciphertext cipher;

  explicit Scheme(const std::string& name, std::span<const int> steps)
      : context(ckks::CkksContext::create(ckks::preset(name))),
        keygen(context),
        public_key(keygen.create_public_key()),
        relin(keygen.create_relin_keys()),
        galois(keygen.create_galois_keys(steps, true)),
        encoder(context),
        pk_encryptor(context, public_key),
        sk_encryptor(context, keygen.secret_key()),
        decryptor(context, keygen.secret_key()),
        evaluator(context) {
    message.resize(context->slot_count());
    for (std::size_t i = 0; i < message.size(); ++i) {
      message[i] = {std::sin(0.1 * static_cast<double>(i)), 0.0};
    }
    plain = encoder.encode(message, context->default_scale(), context->max_level());
    cipher = pk_encryptor.encrypt(plain);
  }
};

const std::vector<std::string> kPresets = {"seal-8192", "sealed-8192"};

Scheme& scheme(std::size_t index) {
  static std::map<std::size_t, std::unique_ptr<Scheme>> cache;
  auto& slot = cache[index];
  if (!slot) {
    const packing::SplitLayout layout(4096, 256, 5);
    std::vector<int> steps = layout.galois_steps();
    for (const int s : {5, 6, 7}) steps.push_back(s);  // 8 hoisted rotations: 0..7
    slot = std::make_unique<Scheme>(kPresets[index], steps);
  }
  return *slot;
}

Scheme& preset_of(benchmark::State& state) {
  Scheme& s = scheme(static_cast<std::size_t>(state.range(0)));
  state.SetLabel(kPresets[static_cast<std::size_t>(state.range(0))] + " " +
                 std::string(ckks::kernel_path_name(ckks::active_kernel_path())));
  return s;
}

void BM_Encode(benchmark::State& state) {
  Scheme& s = preset_of(state);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        s.encoder.encode(s.message, s.context->default_scale(), s.context->max_level()));
  }
  state.counters["key_switches"] = 0;
}

void BM_EncryptPublicKey(benchmark::State& state) {
  Scheme& s = preset_of(state);
  for (auto _ : state) benchmark::DoNotOptimize(s.pk_encryptor.encrypt(s.plain));
  state.counters["key_switches"] = 0;
}

void BM_EncryptSecretKeySeeded(benchmark::State& state) {
  Scheme& s = preset_of(state);
  for (auto _ : state) benchmark::DoNotOptimize(s.sk_encryptor.encrypt_symmetric_seeded(s.plain));
  state.counters["key_switches"] = 0;
}

void BM_Decrypt(benchmark::State& state) {
  Scheme& s = preset_of(state);
  for (auto _ : state) benchmark::DoNotOptimize(s.decryptor.decrypt(s.cipher));
  state.counters["key_switches"] = 0;
}

void BM_MultiplyPlain(benchmark::State& state) {
  Scheme& s = preset_of(state);
  for (auto _ : state) benchmark::DoNotOptimize(s.evaluator.multiply_plain(s.cipher, s.plain));
  state.counters["key_switches"] = 0;
}

void BM_Multiply(benchmark::State& state) {
  Scheme& s = preset_of(state);
  for (auto _ : state) benchmark::DoNotOptimize(s.evaluator.multiply(s.cipher, s.cipher));
  state.counters["key_switches"] = 0;
}

void BM_Relinearize(benchmark::State& state) {
  Scheme& s = preset_of(state);
  const ckks::Ciphertext three = s.evaluator.multiply(s.cipher, s.cipher);
  for (auto _ : state) benchmark::DoNotOptimize(s.evaluator.relinearize(three, s.relin));
  state.counters["key_switches"] = 1;
}

void BM_MultiplyRelinearize(benchmark::State& state) {
  Scheme& s = preset_of(state);
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.evaluator.multiply_relin(s.cipher, s.cipher, s.relin));
  }
  state.counters["key_switches"] = 1;
}

void BM_Rescale(benchmark::State& state) {
  Scheme& s = preset_of(state);
  const ckks::Ciphertext product = s.evaluator.multiply_relin(s.cipher, s.cipher, s.relin);
  for (auto _ : state) benchmark::DoNotOptimize(s.evaluator.rescale(product));
  state.counters["key_switches"] = 0;
}

void BM_Rotate(benchmark::State& state) {
  Scheme& s = preset_of(state);
  for (auto _ : state) benchmark::DoNotOptimize(s.evaluator.rotate(s.cipher, 1, s.galois));
  state.counters["key_switches"] = 1;
}

void BM_RotateHoisted8(benchmark::State& state) {
  Scheme& s = preset_of(state);
  // Steps 1..8 would need a key for 8 too; 0..7 would include a free copy. Use 1..7 and 8 (in
  // the key set via the layout's RaS steps): eight real key switches.
  const std::vector<int> steps = {1, 2, 3, 4, 5, 6, 7, 8};
  for (auto _ : state)
    benchmark::DoNotOptimize(s.evaluator.rotate_hoisted(s.cipher, steps, s.galois));
  state.counters["key_switches"] = 8;
}

void scheme_args(benchmark::internal::Benchmark* b) {
  for (std::size_t i = 0; i < kPresets.size(); ++i) b->Arg(static_cast<int>(i));
  b->ArgName("preset")->Unit(benchmark::kMicrosecond);
}
BENCHMARK(BM_Encode)->Apply(scheme_args);
BENCHMARK(BM_EncryptPublicKey)->Apply(scheme_args);
BENCHMARK(BM_EncryptSecretKeySeeded)->Apply(scheme_args);
BENCHMARK(BM_Decrypt)->Apply(scheme_args);
BENCHMARK(BM_MultiplyPlain)->Apply(scheme_args);
BENCHMARK(BM_Multiply)->Apply(scheme_args);
BENCHMARK(BM_Relinearize)->Apply(scheme_args);
BENCHMARK(BM_MultiplyRelinearize)->Apply(scheme_args);
BENCHMARK(BM_Rescale)->Apply(scheme_args);
BENCHMARK(BM_Rotate)->Apply(scheme_args);
BENCHMARK(BM_RotateHoisted8)->Apply(scheme_args);

// ---------------------------------------------------------------------------------------------
// The sealed protocol's split layer, 16 samples in one ciphertext, N = 8192 (sealed-8192).

constexpr double kScaleA = 1099511627776.0;     // 2^40
constexpr double kScaleG = 1125899906842624.0;  // 2^50

struct SplitFixture {
  Scheme& s = scheme(1);
  packing::SplitLayout layout{s.context->slot_count(), 256, 5};
  packing::SplitClientCodec codec{layout};
  packing::EncryptedSplitLayer layer;
  ckks::Ciphertext enc_a, enc_g;

  static std::vector<double> values(std::size_t n, double amplitude) {
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = amplitude * std::sin(0.37 * static_cast<double>(i));
    return v;
  }

  SplitFixture()
      : layer(s.context, layout, values(5 * 256, 0.1), values(5, 0.1), {kScaleA, kScaleG}) {
    const std::size_t top = s.context->max_level();
    enc_a = s.sk_encryptor.encrypt_symmetric(
        s.encoder.encode(codec.pack_activations(values(16 * 256, 1.0), 16), kScaleA, top));
    enc_g = s.sk_encryptor.encrypt_symmetric(
        s.encoder.encode(codec.pack_gradients(values(16 * 5, 0.3), 16, 0.01), kScaleG, top));
    // One update first, so that Delta is a real ciphertext (not a transparent zero).
    packing::KeySwitchCount count;
    const packing::ShiftedActivations shifted = layer.shift(enc_a, keys(), count);
    layer.update({&shifted, 1}, {&enc_g, 1}, keys(), count);
  }
  packing::SplitEvalKeys keys() const { return {s.relin, s.galois}; }
};

SplitFixture& split() {
  static SplitFixture f;
  return f;
}

void report(benchmark::State& state, const packing::KeySwitchCount& count) {
  const double iterations = static_cast<double>(state.iterations());
  state.counters["key_switches"] = static_cast<double>(count.total()) / iterations;
  state.counters["relinearizations"] = static_cast<double>(count.relinearizations) / iterations;
  state.counters["rotations"] = static_cast<double>(count.rotations) / iterations;
}

// The pool for state.range(0) threads (1 = no pool); real time is what the threads shorten.
std::unique_ptr<packing::WorkerPool> pool_for(benchmark::State& state) {
  const auto threads = static_cast<std::size_t>(state.range(0));
  state.counters["threads"] = static_cast<double>(threads);
  return threads > 1 ? std::make_unique<packing::WorkerPool>(threads) : nullptr;
}

// Step 2: hoisted shifts of Enc(A) + forward to Enc(Z).
void BM_SplitForward(benchmark::State& state) {
  SplitFixture& f = split();
  const auto pool = pool_for(state);
  packing::KeySwitchCount count;
  for (auto _ : state) {
    const packing::ShiftedActivations shifted = f.layer.shift(f.enc_a, f.keys(), count, pool.get());
    benchmark::DoNotOptimize(f.layer.forward(shifted, f.keys(), count, pool.get()));
  }
  report(state, count);
}

// Step 2a alone: the three hoisted shifts of Enc(A) at the top level.
void BM_SplitShift(benchmark::State& state) {
  SplitFixture& f = split();
  const auto pool = pool_for(state);
  packing::KeySwitchCount count;
  for (auto _ : state)
    benchmark::DoNotOptimize(f.layer.shift(f.enc_a, f.keys(), count, pool.get()));
  report(state, count);
}

// Step 4: Enc(eta dL/dA) = Enc(eta G) (W0 + Enc(Delta)).
void BM_SplitBackwardInputGradient(benchmark::State& state) {
  SplitFixture& f = split();
  const auto pool = pool_for(state);
  packing::KeySwitchCount count;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.layer.backward(f.enc_g, f.keys(), count, pool.get()));
  }
  report(state, count);
}

// Step 5: Delta -= eta G^T A (and the bias), with the shifts kept from the forward.
void BM_SplitBackwardUpdate(benchmark::State& state) {
  SplitFixture& f = split();
  const auto pool = pool_for(state);
  packing::KeySwitchCount count;
  const packing::ShiftedActivations shifted = f.layer.shift(f.enc_a, f.keys(), count);
  count = {};
  for (auto _ : state) f.layer.update({&shifted, 1}, {&f.enc_g, 1}, f.keys(), count, pool.get());
  report(state, count);
}

// Both backward products (steps 4 and 5, combined: one parallel loop).
void BM_SplitBackward(benchmark::State& state) {
  SplitFixture& f = split();
  const auto pool = pool_for(state);
  packing::KeySwitchCount count;
  const packing::ShiftedActivations shifted = f.layer.shift(f.enc_a, f.keys(), count);
  count = {};
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        f.layer.backward_and_update(shifted, f.enc_g, f.keys(), count, pool.get()));
  }
  report(state, count);
}

// The whole server side of one batch of 16 (steps 2, 4 and 5).
void BM_SplitLayerBatch(benchmark::State& state) {
  SplitFixture& f = split();
  const auto pool = pool_for(state);
  packing::KeySwitchCount count;
  // Wall time of each step inside the batch (they differ from the separate benchmarks: the
  // batch's keys and temporaries share the caches).
  using Clock = std::chrono::steady_clock;
  std::array<Clock::duration, 3> parts{};
  for (auto _ : state) {
    const Clock::time_point t0 = Clock::now();
    const packing::ShiftedActivations shifted = f.layer.shift(f.enc_a, f.keys(), count, pool.get());
    const Clock::time_point t1 = Clock::now();
    benchmark::DoNotOptimize(f.layer.forward(shifted, f.keys(), count, pool.get()));
    const Clock::time_point t2 = Clock::now();
    benchmark::DoNotOptimize(
        f.layer.backward_and_update(shifted, f.enc_g, f.keys(), count, pool.get()));
    parts[0] += t1 - t0;
    parts[1] += t2 - t1;
    parts[2] += Clock::now() - t2;
  }
  const auto per_iteration_us = [&](Clock::duration d) {
    return std::chrono::duration<double, std::micro>(d).count() /
           static_cast<double>(state.iterations());
  };
  state.counters["shift_us"] = per_iteration_us(parts[0]);
  state.counters["forward_us"] = per_iteration_us(parts[1]);
  state.counters["backward_us"] = per_iteration_us(parts[2]);
  report(state, count);
}

// Any shape (issue 19): the whole server side of one batch of samples_per_ciphertext() samples
// (one ciphertext each way) for Linear(d, c), one thread, with the layout's own keys.
struct ShapeFixture {
  packing::SplitLayout layout;
  Scheme scheme;
  packing::SplitClientCodec codec{layout};
  packing::EncryptedSplitLayer layer;
  ckks::Ciphertext enc_a, enc_g;

  ShapeFixture(std::size_t d, std::size_t c)
      : layout(4096, d, c),
        scheme("sealed-8192", layout.galois_steps()),
        layer(scheme.context, layout, SplitFixture::values(c * d, 0.1),
              SplitFixture::values(c, 0.1), {kScaleA, kScaleG}) {
    const std::size_t top = scheme.context->max_level();
    const std::size_t n = layout.samples_per_ciphertext();
    enc_a = scheme.sk_encryptor.encrypt_symmetric(scheme.encoder.encode(
        codec.pack_activations(SplitFixture::values(n * d, 1.0), n), kScaleA, top));
    enc_g = scheme.sk_encryptor.encrypt_symmetric(scheme.encoder.encode(
        codec.pack_gradients(SplitFixture::values(n * c, 0.3), n, 0.01), kScaleG, top));
  }
  packing::SplitEvalKeys keys() const { return {scheme.relin, scheme.galois}; }
};

void BM_SplitLayerShape(benchmark::State& state) {
  static std::map<std::pair<std::int64_t, std::int64_t>, std::unique_ptr<ShapeFixture>> cache;
  auto& slot = cache[{state.range(0), state.range(1)}];
  if (!slot) {
    slot = std::make_unique<ShapeFixture>(static_cast<std::size_t>(state.range(0)),
                                          static_cast<std::size_t>(state.range(1)));
  }
  ShapeFixture& f = *slot;
  packing::KeySwitchCount count;
  for (auto _ : state) {
    const packing::ShiftedActivations shifted = f.layer.shift(f.enc_a, f.keys(), count);
    benchmark::DoNotOptimize(f.layer.forward(shifted, f.keys(), count));
    benchmark::DoNotOptimize(f.layer.backward_and_update(shifted, f.enc_g, f.keys(), count));
  }
  state.counters["samples"] = static_cast<double>(f.layout.samples_per_ciphertext());
  state.counters["galois_keys"] = static_cast<double>(f.layout.galois_steps().size() + 1);
  report(state, count);
}
BENCHMARK(BM_SplitLayerShape)
    ->ArgNames({"d", "c"})
    ->Args({64, 2})
    ->Args({256, 5})
    ->Args({200, 15})
    ->Args({512, 17})
    ->Args({2048, 5})
    ->Args({256, 64})
    ->Unit(benchmark::kMillisecond);

void split_args(benchmark::internal::Benchmark* b) {
  b->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();
}
BENCHMARK(BM_SplitShift)->Apply(split_args);
BENCHMARK(BM_SplitForward)->Apply(split_args);
BENCHMARK(BM_SplitBackwardInputGradient)->Apply(split_args);
BENCHMARK(BM_SplitBackwardUpdate)->Apply(split_args);
BENCHMARK(BM_SplitBackward)->Apply(split_args);
BENCHMARK(BM_SplitLayerBatch)->Apply(split_args);

}  // namespace

BENCHMARK_MAIN();
