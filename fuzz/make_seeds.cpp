// Writes the seed corpus of every fuzz target: small valid inputs made from our own code (CKKS
// objects under the fuzz parameters, synthetic WFDB files, a tiny beat dataset, encoded protocol
// messages). Never MIT-BIH data. Usage: make_seeds OUTPUT_DIR (creates OUTPUT_DIR/<target>/).
#include <cmath>
#include <complex>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "ckks/encoder.hpp"
#include "ckks/encryptor.hpp"
#include "ckks/keygen.hpp"
#include "ckks/seeded.hpp"
#include "ckks/serial_public_context.hpp"
#include "ckks/serialization.hpp"
#include "ckks_fixture.hpp"
#include "ecg/beat_dataset.hpp"
#include "ecg/beat_dataset_bytes.hpp"
#include "net/codec.hpp"
#include "split/protocols/sealed/sealed_layer_file.hpp"
#include "split/vector_file.hpp"
#include "wfdb_fixtures.hpp"

namespace {

namespace fs = std::filesystem;
using namespace hesplit;

class Corpus {
 public:
  explicit Corpus(fs::path root) : root_(std::move(root)) {}

  void add(const std::string& target, const std::string& name, const std::string& bytes) const {
    const fs::path folder = root_ / target;
    fs::create_directories(folder);
    std::ofstream(folder / name, std::ios::binary) << bytes;
  }
  template <typename Bytes>
  void add(const std::string& target, const std::string& name, const Bytes& bytes) const {
    add(target, name, std::string(bytes.begin(), bytes.end()));
  }

  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

void ckks_seeds(const Corpus& corpus) {
  using namespace hesplit::ckks;
  const auto context = fuzz::fuzz_context();
  const KeyGenerator keygen(context);
  const CkksEncoder encoder(context);
  std::vector<std::complex<double>> values(context->slot_count());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = {0.01 * double(i), -0.5};
  const Plaintext plain = encoder.encode(values, context->default_scale(), context->max_level());
  const PublicKey public_key = keygen.create_public_key();
  const Encryptor pk_encryptor(context, public_key);
  const Encryptor sk_encryptor(context, keygen.secret_key());
  const std::vector<int> steps{1};
  const auto seeded_pk = keygen.create_public_key_seeded();
  const auto seeded_relin = keygen.create_relin_keys_seeded();
  const auto seeded_galois = keygen.create_galois_keys_seeded(steps, true);

  const std::string t = "ckks_object";
  corpus.add(t, "plaintext", save(*context, plain));
  corpus.add(t, "ciphertext", save(*context, pk_encryptor.encrypt(plain)));
  corpus.add(
      t, "ciphertext-level0",
      save(*context, pk_encryptor.encrypt(encoder.encode(values, context->default_scale(), 0))));
  corpus.add(t, "seeded-ciphertext", save(*context, sk_encryptor.encrypt_symmetric_seeded(plain)));
  corpus.add(t, "public-key", save(*context, public_key));
  corpus.add(t, "seeded-public-key", save(*context, seeded_pk));
  corpus.add(t, "relin-keys", save(*context, expand_relin_keys(*context, seeded_relin)));
  corpus.add(t, "seeded-relin-keys", save(*context, seeded_relin));
  corpus.add(t, "galois-keys", save(*context, expand_galois_keys(*context, seeded_galois)));
  corpus.add(t, "seeded-galois-keys", save(*context, seeded_galois));
  corpus.add(t, "secret-key", save_secret_key(*context, keygen.secret_key()));

  corpus.add("ckks_context", "parameters", save_parameters(*context));
  PublicContext exported{context, seeded_pk, seeded_relin, seeded_galois};
  corpus.add("ckks_context", "public-context", save_public_context(exported));
  // A sealed server layer: 2 classes x 3 features in the clear, two encrypted diagonals.
  split::SealedLayerState layer;
  layer.classes = 2;
  layer.features = 3;
  layer.w0 = {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f};
  layer.b0 = {0.01f, -0.02f};
  layer.delta = {pk_encryptor.encrypt(plain), pk_encryptor.encrypt(plain)};
  const fs::path layer_file = corpus.root() / "sealed-layer.bin";
  split::save_sealed_layer(layer_file, *context, layer);
  std::ifstream layer_in(layer_file, std::ios::binary);
  corpus.add("sealed_layer", "two-diagonals",
             std::string(std::istreambuf_iterator<char>(layer_in), {}));
  fs::remove(layer_file);

  exported.relin_keys.reset();
  exported.galois_keys.reset();
  corpus.add("ckks_context", "public-context-pk-only", save_public_context(exported));
}

// A paper checkpoint's vector file of three values, prefixed by the count the loader expects.
void vector_file_seed(const Corpus& corpus) {
  const fs::path vector_file = corpus.root() / "vector.hsvd";
  split::save_vector_file(vector_file, std::vector<double>{0.25, -1.5, 3e-7});
  std::ifstream vector_in(vector_file, std::ios::binary);
  corpus.add(
      "vector_file", "three-values",
      std::string("\x03\0\0\0", 4) + std::string(std::istreambuf_iterator<char>(vector_in), {}));
  fs::remove(vector_file);
}

// Three samples per signal; the 212 record interleaves two signals.
const std::string kHeader212 =
    "fuzz 2 360 3 10:20:30 01/02/2003\n"
    "fuzz.dat 212 200 11 1024 995 4042 0 MLII\n"
    "fuzz.dat 212 200 11 1024 1011 -1037 0 V5\n"
    "# 69 M 1085 1629 x1\n";
const std::string kHeader16 =
    "rec16 1 250\n"
    "rec16.dat 16+4 100(5)/uV 16 0 -3 -4 0 lead I\n";

std::string length_prefixed(const std::string& header, const hesplit::test::Bytes& signal) {
  std::string out;
  out.push_back(static_cast<char>(header.size() & 0xFF));
  out.push_back(static_cast<char>(header.size() >> 8));
  return out + header + std::string(signal.begin(), signal.end());
}

void wfdb_seeds(const Corpus& corpus) {
  using hesplit::test::AnnotationWriter;
  corpus.add("wfdb_header", "format212", kHeader212);
  corpus.add("wfdb_header", "format16", kHeader16);
  corpus.add("wfdb_header", "record-line-only", std::string("r 1 360/180(0) 650000\n"));

  const std::vector<std::int32_t> interleaved{995, 1011, 1000, -2048, 2047, 0};
  corpus.add("wfdb_signals", "format212",
             length_prefixed(kHeader212, hesplit::test::pack212(interleaved)));
  hesplit::test::Bytes signal16{0, 0, 0, 0};  // the four bytes before the samples (+4)
  for (const auto b : hesplit::test::pack16({-3, 32767, -32768})) signal16.push_back(b);
  corpus.add("wfdb_signals", "format16", length_prefixed(kHeader16, signal16));

  AnnotationWriter table;
  table.annotation(22, 0)
      .aux("## time resolution: 360")
      .annotation(22, 0)
      .aux("## annotation type definitions");
  table.annotation(22, 0).aux("42 Q unusual beat").annotation(22, 0).aux("## end of definitions");
  table.annotation(1, 18).annotation(28, 0).aux("(N").annotation(42, 300).sub(3).num(-2).chn(1);
  table.skip(100000).annotation(5, 7).annotation(1, 1023).end();
  corpus.add("mit_annotations", "table-and-modifiers", table.bytes());
  AnnotationWriter plain;
  plain.annotation(1, 77).annotation(1, 290).annotation(5, 301).end();
  corpus.add("mit_annotations", "plain", plain.bytes());
}

void dataset_seed(const Corpus& corpus) {
  ecg::BeatDataset dataset;
  const auto fill = [](ecg::BeatSet& set, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < ecg::kBeatLength; ++k) {
        set.x.push_back(static_cast<float>(std::sin(0.1 * double(k + i))));
      }
      set.y.push_back(static_cast<std::int64_t>(i % 5));
      set.record.push_back(100 + static_cast<std::int32_t>(i));
      set.r_peak.push_back(360 * static_cast<std::int64_t>(i + 1));
    }
  };
  fill(dataset.train, 3);
  fill(dataset.test, 2);
  dataset.split = "beats";
  dataset.seed = 7;
  dataset.class_names = {"N", "L", "R", "A", "V"};
  dataset.extraction.records = {100, 101};
  dataset.extraction.extracted_per_class = {3, 1, 1, 0, 0};
  corpus.add("beat_dataset_bytes", "small", ecg::detail::encode_beat_dataset(dataset));
  const fs::path file = corpus.root() / "beat-dataset.h5";
  ecg::write_beat_dataset(file, dataset);
  std::ifstream in(file, std::ios::binary);
  corpus.add("hdf5_raw", "small", std::string(std::istreambuf_iterator<char>(in), {}));
  fs::remove(file);
  // beat_dataset reads its edits from the input (fuzz/beat_dataset.cpp): an empty input is the
  // unmodified valid file; byte patterns give a few different edit sequences to start from.
  corpus.add("beat_dataset", "unmodified", std::string());
  for (int pattern = 1; pattern <= 4; ++pattern) {
    std::string bytes;
    for (int i = 0; i < 64 * pattern; ++i)
      bytes.push_back(static_cast<char>((i * 37 * pattern) & 0xFF));
    corpus.add("beat_dataset", "edits-" + std::to_string(pattern), bytes);
  }
}

void message_seeds(const Corpus& corpus) {
  split::Message hello;
  hello.kind = split::MessageKind::kHello;
  hello.fields = {{"protocol", "plain"}, {"learning_rate", "0.001"}};
  hello.blobs.push_back({"public_context", std::string(40, '\x07')});
  corpus.add("protocol_message", "hello", net::detail::encode(hello).SerializeAsString());

  split::Message activations;
  activations.kind = split::MessageKind::kActivations;
  activations.epoch = 2;
  activations.batch = 17;
  activations.tensors.push_back({{2, 4}, {1, 2, 3, 4, -1, -2, -3, -4}});
  corpus.add("protocol_message", "activations",
             net::detail::encode(activations).SerializeAsString());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_seeds OUTPUT_DIR\n";
    return 2;
  }
  try {
    const Corpus corpus{fs::path(argv[1])};
    fs::create_directories(corpus.root());
    ckks_seeds(corpus);
    vector_file_seed(corpus);
    wfdb_seeds(corpus);
    dataset_seed(corpus);
    message_seeds(corpus);
  } catch (const std::exception& e) {
    std::cerr << "make_seeds: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
