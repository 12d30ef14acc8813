#include "split/session/run_owner.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>

#include "report/atomic_file.hpp"
#include "split/transport.hpp"

namespace hesplit::split {

namespace fs = std::filesystem;

namespace {

constexpr const char* kOwnerFile = "owner.txt";
constexpr const char* kOwnerMagic = "hesplit-run-owner 1";
constexpr std::uintmax_t kMaxOwnerFileBytes = 4096;

std::string hex(const unsigned char* bytes, std::size_t size) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

// SHA-256 of a label and a text, in hex.
std::string labelled_sha256(std::string_view label, std::string_view text) {
  std::string input(label);
  input.append(text);
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  return hex(digest.data(), digest.size());
}

// What the server stores of a credential: never the credential itself.
std::string owner_digest(const std::string& credential) {
  return labelled_sha256("hesplit run owner 1", credential);
}

void check_credential(const std::string& field, const std::string& value) {
  const bool hex_digits = value.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (value.size() < 32 || value.size() > 128 || !hex_digits) {
    throw TransportError("hello: \"" + field +
                         "\" must be 32 to 128 lower-case hex digits (checkpoints need it)");
  }
}

// The owner digest recorded in `folder`, or "" when there is no (readable) record.
std::string recorded_owner(const fs::path& folder) {
  const fs::path file = folder / kOwnerFile;
  std::error_code error;
  const std::uintmax_t size = fs::file_size(file, error);
  if (error || size > kMaxOwnerFileBytes) return "";
  std::ifstream in(file, std::ios::binary);
  std::string magic, owner;
  if (!std::getline(in, magic) || magic != kOwnerMagic || !std::getline(in, owner) ||
      !owner.starts_with("sha256=")) {
    return "";
  }
  return owner.substr(7);
}

std::size_t run_folders(const fs::path& root) {
  std::size_t count = 0;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(root, error)) {
    if (entry.is_directory()) ++count;
  }
  return count;
}

}  // namespace

std::string new_run_secret() {
  std::random_device device;  // the kernel's entropy (getrandom) on Linux
  std::array<unsigned char, 32> bytes{};
  for (std::size_t i = 0; i < bytes.size(); i += 4) {
    const auto word = static_cast<std::uint32_t>(device());
    for (std::size_t j = 0; j < 4; ++j) bytes[i + j] = static_cast<unsigned char>(word >> (8 * j));
  }
  return hex(bytes.data(), bytes.size());
}

std::string run_proof(const std::string& secret) {
  return labelled_sha256("hesplit run proof 1", secret);
}

void admit_run(const fs::path& root, const std::string& run_id, const std::string& credential_field,
               const std::string& credential, std::size_t max_runs, bool create) {
  check_credential(credential_field, credential);
  const fs::path folder = root / run_id;
  // Concurrent sessions of one server: counting and making a folder must not interleave.
  static std::mutex mutex;
  const std::lock_guard lock(mutex);
  std::error_code error;
  if (fs::is_directory(folder, error)) {
    const std::string recorded = recorded_owner(folder);
    const std::string presented = owner_digest(credential);
    if (recorded.size() != presented.size() ||
        CRYPTO_memcmp(recorded.data(), presented.data(), presented.size()) != 0) {
      throw TransportError(
          "run " + run_id + " in " + root.string() + " belongs to another client (" +
          (recorded.empty() ? std::string("it has no owner record; remove the folder to reuse "
                                          "the run id")
                            : "its " + credential_field + " differs") +
          "); refused so that its checkpoints are not overwritten");
    }
    return;
  }
  if (!create) return;
  if (const std::size_t held = run_folders(root); held >= max_runs) {
    throw TransportError("this server already keeps checkpoints of " + std::to_string(held) +
                         " runs in " + root.string() + " (--max-checkpoint-runs " +
                         std::to_string(max_runs) + "); new run " + run_id +
                         " refused: remove finished runs' folders there or raise the limit");
  }
  fs::create_directories(folder);
  std::ostringstream record;
  record << kOwnerMagic << "\nsha256=" << owner_digest(credential) << "\n";
  report::write_file_atomic(folder / kOwnerFile, record.str());
}

}  // namespace hesplit::split
