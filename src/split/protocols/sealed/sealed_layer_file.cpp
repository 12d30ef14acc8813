#include "split/protocols/sealed/sealed_layer_file.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "ckks/serialization.hpp"
#include "report/atomic_file.hpp"

namespace hesplit::split {

namespace {

constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kMaxDim = 1 << 16;
constexpr std::uint32_t kMaxCiphertexts = 64;

template <typename T>
void put(std::string& out, T value) {
  char raw[sizeof(T)];
  std::memcpy(raw, &value, sizeof(T));
  out.append(raw, sizeof(T));
}

class Reader {
 public:
  Reader(const std::vector<std::uint8_t>& bytes, const std::filesystem::path& file)
      : bytes_(bytes), file_(file) {}
  template <typename T>
  T get(const char* what) {
    need(sizeof(T), what);
    T value;
    std::memcpy(&value, bytes_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return value;
  }
  std::span<const std::uint8_t> take(std::size_t n, const char* what) {
    need(n, what);
    const std::span<const std::uint8_t> s(bytes_.data() + offset_, n);
    offset_ += n;
    return s;
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("sealed server layer " + file_.string() + ": " + why +
                             " (byte offset " + std::to_string(offset_) + ")");
  }
  std::size_t offset() const { return offset_; }
  std::size_t size() const { return bytes_.size(); }

 private:
  void need(std::size_t n, const char* what) const {
    if (n > bytes_.size() - offset_) fail(std::string("truncated in ") + what);
  }
  const std::vector<std::uint8_t>& bytes_;
  const std::filesystem::path& file_;
  std::size_t offset_ = 0;
};

}  // namespace

void save_sealed_layer(const std::filesystem::path& file, const ckks::CkksContext& context,
                       const SealedLayerState& state) {
  std::string out = "HSSL";
  put(out, kVersion);
  put(out, state.classes);
  put(out, state.features);
  for (const float v : state.w0) put(out, v);
  for (const float v : state.b0) put(out, v);
  put(out, static_cast<std::uint32_t>(state.delta.size()));
  for (const ckks::Ciphertext& c : state.delta) {
    const ckks::Bytes bytes = ckks::save(context, c);
    put(out, static_cast<std::uint64_t>(bytes.size()));
    out.append(bytes.begin(), bytes.end());
  }
  // Temp file, fsync, rename, fsync of the folder: a checkpoint never holds a torn layer.
  report::write_file_atomic(file, out);
}

SealedLayerState load_sealed_layer(const std::filesystem::path& file,
                                   const ckks::CkksContext& context) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("sealed server layer " + file.string() + ": cannot open");
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  Reader r(bytes, file);
  const auto magic = r.take(4, "magic");
  if (std::memcmp(magic.data(), "HSSL", 4) != 0) r.fail("not a sealed server layer (magic)");
  if (r.get<std::uint32_t>("version") != kVersion) r.fail("unknown version");
  SealedLayerState state;
  state.classes = r.get<std::uint32_t>("classes");
  state.features = r.get<std::uint32_t>("features");
  if (state.classes < 2 || state.classes > kMaxDim || state.features < 1 ||
      state.features > kMaxDim) {
    r.fail("classes or features out of range");
  }
  const std::size_t weights = std::size_t{state.classes} * state.features;
  if (weights * sizeof(float) > r.size() - r.offset()) r.fail("truncated in W0");
  for (std::size_t i = 0; i < weights; ++i) state.w0.push_back(r.get<float>("W0"));
  for (std::size_t i = 0; i < state.classes; ++i) state.b0.push_back(r.get<float>("b0"));
  const std::uint32_t count = r.get<std::uint32_t>("ciphertext count");
  if (count > kMaxCiphertexts) r.fail("too many ciphertexts");
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint64_t length = r.get<std::uint64_t>("ciphertext length");
    if (length > r.size() - r.offset()) r.fail("ciphertext longer than the file");
    try {
      state.delta.push_back(
          ckks::load_ciphertext(context, r.take(static_cast<std::size_t>(length), "ciphertext")));
    } catch (const std::exception& e) {
      r.fail(std::string("ciphertext ") + std::to_string(i) + ": " + e.what());
    }
  }
  if (r.offset() != r.size()) r.fail("trailing bytes");
  return state;
}

}  // namespace hesplit::split
