#include "split/vector_file.hpp"

#include <bit>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

#include "report/atomic_file.hpp"

namespace hesplit::split {

namespace {

static_assert(std::endian::native == std::endian::little, "the file format is little-endian");

constexpr char kMagic[4] = {'H', 'S', 'V', 'D'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeader = 4 + 4 + 8;

template <typename T>
void put(std::string& out, T value) {
  char raw[sizeof(T)];
  std::memcpy(raw, &value, sizeof(T));
  out.append(raw, sizeof(T));
}

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& why,
                       std::size_t offset) {
  throw std::runtime_error("checkpoint file " + file.string() + ": " + why + " (byte offset " +
                           std::to_string(offset) + ")");
}

}  // namespace

void save_vector_file(const std::filesystem::path& file, std::span<const double> values) {
  std::string out(kMagic, sizeof kMagic);
  put(out, kVersion);
  put(out, static_cast<std::uint64_t>(values.size()));
  for (const double v : values) put(out, v);
  report::write_file_atomic(file, out);
}

std::vector<double> load_vector_file(const std::filesystem::path& file, std::size_t expected) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("checkpoint file " + file.string() + ": cannot open");
  const std::streamoff size = in.tellg();
  // The size is known before anything is read: exactly the header and `expected` doubles (a
  // count whose byte size would overflow is refused first).
  if (expected > (SIZE_MAX - kHeader) / sizeof(double)) {
    fail(file, "cannot hold " + std::to_string(expected) + " values", 0);
  }
  const std::size_t want = kHeader + expected * sizeof(double);
  if (size < 0 || static_cast<std::size_t>(size) != want) {
    fail(file,
         "is " + std::to_string(size) + " bytes, expected " + std::to_string(want) + " (" +
             std::to_string(expected) + " values)",
         0);
  }
  std::string bytes(want, '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(want))) fail(file, "cannot read", 0);
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) fail(file, "not a vector file", 0);
  std::uint32_t version = 0;
  std::memcpy(&version, bytes.data() + 4, 4);
  if (version != kVersion) fail(file, "unknown version " + std::to_string(version), 4);
  std::uint64_t count = 0;
  std::memcpy(&count, bytes.data() + 8, 8);
  if (count != expected) {
    fail(file, "holds " + std::to_string(count) + " values, expected " + std::to_string(expected),
         8);
  }
  std::vector<double> values(expected);
  std::memcpy(values.data(), bytes.data() + kHeader, expected * sizeof(double));
  return values;
}

}  // namespace hesplit::split
