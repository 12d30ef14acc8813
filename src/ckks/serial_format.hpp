#pragma once
// The common header of every serialized CKKS object (format described in docs/ckks.md,
// "Serialized format"): magic, format version, object type, parameter fingerprint, body length.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ckks/context.hpp"
#include "ckks/serial_io.hpp"

namespace hesplit::ckks {

inline constexpr std::array<std::uint8_t, 4> kSerialMagic{'H', 'S', 'C', 'K'};
inline constexpr std::uint16_t kSerialVersion = 1;
inline constexpr std::size_t kHeaderBytes = 48;

// Numbers are part of the format: never reuse or renumber them.
enum class ObjectType : std::uint16_t {
  kParameters = 1,
  kPlaintext = 2,
  kCiphertext = 3,
  kSeededCiphertext = 4,
  kPublicKey = 5,
  kSeededPublicKey = 6,
  kRelinKeys = 7,
  kSeededRelinKeys = 8,
  kGaloisKeys = 9,
  kSeededGaloisKeys = 10,
  kSecretKey = 11,
  kPublicContext = 12,
};

// How to load parameters found in serialized bytes.
struct LoadOptions {
  // Accept parameter sets below the 128-bit security table (tests only). Decided by the caller,
  // never read from the bytes.
  bool allow_insecure = false;
  // If not empty, only these parameter sets are accepted, checked on the header before any
  // context is built (a server should list the presets it serves: building a context for large
  // foreign parameters costs time and memory).
  std::vector<ParamsFingerprint> accepted_fingerprints;

  // Options for tests on small insecure parameters.
  static LoadOptions insecure_for_tests() {
    LoadOptions options;
    options.allow_insecure = true;
    return options;
  }
};

std::string_view object_type_name(ObjectType type) noexcept;

struct ObjectHeader {
  std::uint16_t version = 0;
  ObjectType type{};
  ParamsFingerprint fingerprint{};
  std::uint64_t body_length = 0;
};

// Reads and checks the header of a whole serialized object: magic, version, a known type, and a
// body length equal to the bytes that follow the header. Does not check the fingerprint.
ObjectHeader read_header(ByteReader& reader);
// Reads the header of `bytes` (for dispatch on the type before loading).
ObjectHeader inspect_object(std::span<const std::uint8_t> bytes);

// read_header() plus: the type is `expected` and the fingerprint is `context`'s.
void read_header_for(ByteReader& reader, ObjectType expected, const CkksContext& context);

// Writes a header with a zero body length and returns its offset; end_object() fills it in.
std::size_t begin_object(ByteWriter& writer, ObjectType type, const ParamsFingerprint& fp);
void end_object(ByteWriter& writer, std::size_t header_offset);

}  // namespace hesplit::ckks
