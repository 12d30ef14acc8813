#include "ckks/serial_format.hpp"

#include <algorithm>
#include <string>

namespace hesplit::ckks {
namespace {

constexpr std::size_t kBodyLengthOffset = 40;

bool known_type(std::uint16_t value) {
  return value >= static_cast<std::uint16_t>(ObjectType::kParameters) &&
         value <= static_cast<std::uint16_t>(ObjectType::kPublicContext);
}

}  // namespace

std::string_view object_type_name(ObjectType type) noexcept {
  switch (type) {
    case ObjectType::kParameters:
      return "parameters";
    case ObjectType::kPlaintext:
      return "plaintext";
    case ObjectType::kCiphertext:
      return "ciphertext";
    case ObjectType::kSeededCiphertext:
      return "seeded ciphertext";
    case ObjectType::kPublicKey:
      return "public key";
    case ObjectType::kSeededPublicKey:
      return "seeded public key";
    case ObjectType::kRelinKeys:
      return "relinearisation keys";
    case ObjectType::kSeededRelinKeys:
      return "seeded relinearisation keys";
    case ObjectType::kGaloisKeys:
      return "Galois keys";
    case ObjectType::kSeededGaloisKeys:
      return "seeded Galois keys";
    case ObjectType::kSecretKey:
      return "secret key";
    case ObjectType::kPublicContext:
      return "public context";
  }
  return "unknown object";
}

ObjectHeader read_header(ByteReader& reader) {
  const std::size_t start = reader.offset();
  const auto magic = reader.bytes(kSerialMagic.size(), "magic");
  if (!std::equal(magic.begin(), magic.end(), kSerialMagic.begin())) {
    ByteReader::fail_at(start, "magic", "not a hesplit CKKS object (expected \"HSCK\")");
  }
  ObjectHeader header;
  header.version = reader.u16("format version");
  if (header.version != kSerialVersion) {
    ByteReader::fail_at(start + 4, "format version",
                        "version " + std::to_string(header.version) + " is not supported (this " +
                            "build reads version " + std::to_string(kSerialVersion) + ")");
  }
  const std::uint16_t type = reader.u16("object type");
  if (!known_type(type)) {
    ByteReader::fail_at(start + 6, "object type", "unknown type " + std::to_string(type));
  }
  header.type = static_cast<ObjectType>(type);
  const auto fp = reader.bytes(header.fingerprint.size(), "parameter fingerprint");
  std::copy(fp.begin(), fp.end(), header.fingerprint.begin());
  header.body_length = reader.u64("body length");
  if (header.body_length != reader.remaining()) {
    ByteReader::fail_at(start + kBodyLengthOffset, "body length",
                        "says " + std::to_string(header.body_length) + " bytes but " +
                            std::to_string(reader.remaining()) + " follow the header");
  }
  return header;
}

ObjectHeader inspect_object(std::span<const std::uint8_t> bytes) {
  ByteReader reader(bytes);
  return read_header(reader);
}

void read_header_for(ByteReader& reader, ObjectType expected, const CkksContext& context) {
  const std::size_t start = reader.offset();
  const ObjectHeader header = read_header(reader);
  if (header.type != expected) {
    ByteReader::fail_at(start + 6, "object type",
                        "holds " + std::string(object_type_name(header.type)) + ", expected " +
                            std::string(object_type_name(expected)));
  }
  if (header.fingerprint != context.fingerprint()) {
    ByteReader::fail_at(start + 8, "parameter fingerprint",
                        "the object was made for other CKKS parameters than this context's");
  }
}

std::size_t begin_object(ByteWriter& writer, ObjectType type, const ParamsFingerprint& fp) {
  const std::size_t offset = writer.size();
  writer.bytes(kSerialMagic);
  writer.u16(kSerialVersion);
  writer.u16(static_cast<std::uint16_t>(type));
  writer.bytes(fp);
  writer.u64(0);
  return offset;
}

void end_object(ByteWriter& writer, std::size_t header_offset) {
  writer.patch_u64(header_offset + kBodyLengthOffset, writer.size() - header_offset - kHeaderBytes);
}

}  // namespace hesplit::ckks
