// Cross-check with Microsoft SEAL (node-seal 6.0.3 through tests/ckks/node/seal_oracle.js): on the
// same parameters (N = 8192, primes {60, 40, 40} + special 60, scale 2^40) and the same messages,
// the sequence encode, encrypt, multiply_plain, rescale, rotate, add must leave us at least SEAL's
// precision, and our fresh ciphertexts must serialize to no more bytes than SEAL's smallest
// encoding (any compression mode), full vs full and seeded vs seeded.

#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ckks/decryptor.hpp"
#include "ckks/encoder.hpp"
#include "ckks/encryptor.hpp"
#include "ckks/evaluator.hpp"
#include "ckks/keygen.hpp"
#include "ckks/seeded.hpp"
#include "ckks/serialization.hpp"
#include "ckks_test_util.hpp"
#include "test_data.hpp"

namespace hesplit::ckks {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kRotation = 3;
constexpr int kRuns = 4;  // fresh encryptions per side; precision is the worst over all runs
constexpr double kLog2Scale = 40;

fs::path oracle_dir() { return fs::path(HESPLIT_SOURCE_DIR) / "tests" / "ckks" / "node"; }

// Why the oracle cannot run here, or empty if it can.
std::string oracle_unavailable() {
  if (std::system("command -v node > /dev/null 2>&1") != 0) {
    return "node (Node.js) is not on PATH; install it (scripts/setup) to compare with SEAL";
  }
  if (!fs::exists(oracle_dir() / "node_modules" / "node-seal" / "throws_wasm_node_umd.js")) {
    return "node-seal is not installed: run `npm install` in tests/ckks/node (scripts/setup does)";
  }
  return {};
}

json run_oracle(const json& job, const std::string& name) {
  // The process id keeps the default-path and forced-path runs of this binary (issue 21), which
  // ctest may start side by side, out of each other's files.
  const fs::path dir =
      hesplit::test::scratch_dir("seal_compare_" + name + "_" + std::to_string(::getpid()));
  const fs::path job_file = dir / "job.json";
  const fs::path out_file = dir / "out.json";
  const fs::path err_file = dir / "err.txt";
  std::ofstream(job_file) << job.dump();
  const std::string command = "node \"" + (oracle_dir() / "seal_oracle.js").string() + "\" < \"" +
                              job_file.string() + "\" > \"" + out_file.string() + "\" 2> \"" +
                              err_file.string() + "\"";
  const int status = std::system(command.c_str());
  std::stringstream out;
  out << std::ifstream(out_file).rdbuf();
  std::stringstream err;
  err << std::ifstream(err_file).rdbuf();
  if (status != 0) {
    throw std::runtime_error("seal_oracle.js failed (" + std::to_string(status) +
                             "): " + out.str() + err.str());
  }
  return json::parse(out.str());
}

struct Messages {
  std::vector<double> m;
  std::vector<double> w;
  std::vector<double> expected;  // rot(m * w, k) + m * w
};

Messages make_messages(std::size_t slots) {
  Messages msg{test::real_message(slots, 2024), test::real_message(slots, 77), {}};
  std::vector<double> product(slots);
  for (std::size_t i = 0; i < slots; ++i) product[i] = msg.m[i] * msg.w[i];
  msg.expected.resize(slots);
  for (std::size_t i = 0; i < slots; ++i) {
    msg.expected[i] = product[(i + kRotation) % slots] + product[i];
  }
  return msg;
}

json seal_job(const Messages& msg, const char* key) {
  return json{{"n", 8192},
              {"bits", {60, 40, 40, 60}},
              {"log2_scale", kLog2Scale},
              {"message", msg.m},
              {"operands", {{"w", msg.w}}},
              {"repeat", kRuns},
              {"ops",
               {{{"op", "encrypt"}, {"key", key}},
                {{"op", "multiply_plain"}, {"operand", "w"}},
                {{"op", "rescale"}},
                {{"op", "save"}, {"name", "x"}},
                {{"op", "rotate"}, {"steps", kRotation}},
                {{"op", "add"}, {"name", "x"}}}}};
}

class SealCompare : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    context_ = CkksContext::create(preset("seal-8192"));
    keygen_ = std::make_unique<KeyGenerator>(context_);
  }
  static void TearDownTestSuite() {
    keygen_.reset();
    context_.reset();
  }

  // Our sequence, kRuns times; returns the worst precision in bits over all runs and slots.
  static double our_precision(const Messages& msg, bool public_key) {
    const CkksContext& ctx = *context_;
    const CkksEncoder encoder(context_);
    const Encryptor pk_encryptor(context_, keygen_->create_public_key());
    const Encryptor sk_encryptor(context_, keygen_->secret_key());
    const Decryptor decryptor(context_, keygen_->secret_key());
    const Evaluator evaluator(context_);
    const GaloisKeys galois = keygen_->create_galois_keys(std::vector<int>{kRotation}, false);
    const double scale = std::ldexp(1.0, static_cast<int>(kLog2Scale));
    double worst = 0.0;
    for (int run = 0; run < kRuns; ++run) {
      const Plaintext plain = encoder.encode(msg.m, scale, ctx.max_level());
      // The secret-key path goes through the seeded wire format, as the client's uploads do.
      Ciphertext ct =
          public_key
              ? pk_encryptor.encrypt(plain)
              : load_any_ciphertext(ctx, save(ctx, sk_encryptor.encrypt_symmetric_seeded(plain)));
      evaluator.multiply_plain_inplace(ct, encoder.encode(msg.w, scale, ct.level));
      evaluator.rescale_inplace(ct);
      const Ciphertext x = ct;
      ct = evaluator.rotate(ct, kRotation, galois);
      evaluator.add_inplace(ct, x);
      const std::vector<double> got = encoder.decode(decryptor.decrypt(ct));
      for (std::size_t i = 0; i < got.size(); ++i) {
        worst = std::max(worst, std::abs(got[i] - msg.expected[i]));
      }
    }
    return -std::log2(worst);
  }

  static std::shared_ptr<const CkksContext> context_;
  static std::unique_ptr<KeyGenerator> keygen_;
};

std::shared_ptr<const CkksContext> SealCompare::context_;
std::unique_ptr<KeyGenerator> SealCompare::keygen_;

// The smallest of SEAL's encodings (none, zlib, zstd; null when a compressor is missing).
std::size_t smallest(const json& sizes) {
  std::size_t best = SIZE_MAX;
  for (const auto& [mode, bytes] : sizes.items()) {
    if (!bytes.is_null()) best = std::min(best, bytes.get<std::size_t>());
  }
  return best;
}

TEST_F(SealCompare, PrecisionAfterTheSameSequenceIsAtLeastSeals) {
  if (const std::string why = oracle_unavailable(); !why.empty()) GTEST_SKIP() << why;
  const Messages msg = make_messages(context_->slot_count());
  for (const bool public_key : {true, false}) {
    const char* key = public_key ? "public" : "secret";
    json job = seal_job(msg, key);
    job["sizes"] = false;
    const json seal = run_oracle(job, key);
    const double seal_bits = seal.at("precision_bits").get<double>();
    const double ours = our_precision(msg, public_key);
    std::cout << "precision after encode, encrypt (" << key
              << " key), multiply_plain, rescale, rotate " << kRotation << ", add; worst of "
              << kRuns << " runs x " << context_->slot_count() << " slots: ours " << ours
              << " bits, SEAL " << seal.at("seal_version").get<std::string>() << " " << seal_bits
              << " bits (SEAL per run: " << seal.at("run_precision_bits").dump() << ")\n";
    EXPECT_GE(ours, seal_bits) << key << "-key sequence: our precision is below SEAL's";
  }
}

TEST_F(SealCompare, FreshCiphertextsAreNoLargerThanSeals) {
  if (const std::string why = oracle_unavailable(); !why.empty()) GTEST_SKIP() << why;
  const CkksContext& ctx = *context_;
  const Messages msg = make_messages(ctx.slot_count());
  json job = seal_job(msg, "public");
  job["repeat"] = 1;  // the ops only fix which Galois key SEAL generates (step kRotation)
  const json seal = run_oracle(job, "sizes");
  const json& fresh = seal.at("fresh_ciphertext_bytes");

  const CkksEncoder encoder(context_);
  const Plaintext plain = encoder.encode(msg.m, std::ldexp(1.0, 40), ctx.max_level());
  const std::size_t ours_full_pk =
      save(ctx, Encryptor(context_, keygen_->create_public_key()).encrypt(plain)).size();
  const Encryptor sk_encryptor(context_, keygen_->secret_key());
  const std::size_t ours_full_sk = save(ctx, sk_encryptor.encrypt_symmetric(plain)).size();
  const std::size_t ours_seeded = save(ctx, sk_encryptor.encrypt_symmetric_seeded(plain)).size();

  std::cout << "fresh ciphertext bytes, N = 8192, primes {60,40,40}:\n"
            << "  full (public key): ours " << ours_full_pk << ", SEAL "
            << fresh.at("public_full").dump() << "\n  full (secret key): ours " << ours_full_sk
            << ", SEAL " << fresh.at("symmetric_full").dump() << "\n  seeded:            ours "
            << ours_seeded << ", SEAL " << fresh.at("symmetric_seeded").dump() << "\n";
  EXPECT_LE(ours_full_pk, smallest(fresh.at("public_full")));
  EXPECT_LE(ours_full_sk, smallest(fresh.at("symmetric_full")));
  EXPECT_LE(ours_seeded, smallest(fresh.at("symmetric_seeded")));

  // Key material, for the record (seeded forms are what a client sends).
  const json& keys = seal.at("key_bytes");
  const std::size_t our_pk = save(ctx, keygen_->create_public_key_seeded()).size();
  const std::size_t our_relin = save(ctx, keygen_->create_relin_keys_seeded()).size();
  const std::size_t our_galois =
      save(ctx, keygen_->create_galois_keys_seeded(std::vector<int>{kRotation}, false)).size();
  std::cout << "seeded key bytes: public ours " << our_pk << " SEAL "
            << keys.at("public_seeded").dump() << "; relinearisation ours " << our_relin << " SEAL "
            << keys.at("relin_seeded").dump() << "; Galois (1 step) ours " << our_galois << " SEAL "
            << keys.at("galois_seeded").dump() << "\n";
}

}  // namespace
}  // namespace hesplit::ckks
