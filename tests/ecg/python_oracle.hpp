#pragma once
// Runs a Python oracle script from tests/ecg with Debian's /usr/bin/python3 (which has numpy,
// scipy, pywt and h5py; the python3 on PATH may not) and returns its exit status and output.
#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace hesplit::test {

struct OracleResult {
  int status = -1;
  std::string output;
};

inline bool python_oracle_available() { return std::filesystem::exists("/usr/bin/python3"); }

inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// args are passed to the script quoted; stderr is folded into the output for failure messages.
inline OracleResult run_python_oracle(const std::string& script,
                                      const std::initializer_list<std::string>& args) {
  // Appended piece by piece: GCC 12 -O3 warns falsely (-Wrestrict) on "literal" + std::string&&.
  std::string command = "/usr/bin/python3 ";
  command += shell_quote((std::filesystem::path(HESPLIT_ECG_TEST_DIR) / script).string());
  for (const auto& arg : args) {
    command += ' ';
    command += shell_quote(arg);
  }
  command += " 2>&1";
  OracleResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
    result.output += buffer.data();
  }
  const int raw = pclose(pipe);
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return result;
}

}  // namespace hesplit::test
