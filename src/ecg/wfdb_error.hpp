#pragma once
// Errors in WFDB input (headers, signal files, annotation files). The message always names the
// file and, for binary files, the byte offset where the problem was found, so that a user can look
// at it with a hex dump.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace hesplit::ecg {

class WfdbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "FILE: MESSAGE"
[[noreturn]] inline void throw_wfdb(const std::filesystem::path& file, const std::string& message) {
  throw WfdbError(file.string() + ": " + message);
}

// "FILE: byte offset N: MESSAGE"
[[noreturn]] inline void throw_wfdb_at(const std::filesystem::path& file, std::uint64_t offset,
                                       const std::string& message) {
  throw WfdbError(file.string() + ": byte offset " + std::to_string(offset) + ": " + message);
}

// "FILE: line N: MESSAGE" (text headers)
[[noreturn]] inline void throw_wfdb_line(const std::filesystem::path& file, std::size_t line,
                                         const std::string& message) {
  throw WfdbError(file.string() + ": line " + std::to_string(line) + ": " + message);
}

}  // namespace hesplit::ecg
