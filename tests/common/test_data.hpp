#pragma once
// Where tests find the MIT-BIH database and other on-disk inputs. Tests that need the real data
// call mitdb_dir() and GTEST_SKIP() with a clear message when it returns nothing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace hesplit::test {

// $HESPLIT_MITDB, else data/mitdb in the source tree, else ../shared/data/mitdb beside it.
inline std::optional<std::filesystem::path> mitdb_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("HESPLIT_MITDB"); env != nullptr && *env != '\0') {
    if (fs::exists(fs::path(env) / "100.hea")) return fs::path(env);
  }
  const fs::path source(HESPLIT_SOURCE_DIR);
  for (const auto& candidate :
       {source / "data" / "mitdb", source / ".." / "shared" / "data" / "mitdb"}) {
    if (fs::exists(candidate / "100.hea")) return fs::canonical(candidate);
  }
  return std::nullopt;
}

// $HESPLIT_SVDB, else ../shared/data/svdb beside the source tree (PhysioNet svdb, 128 Hz).
inline std::optional<std::filesystem::path> svdb_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("HESPLIT_SVDB"); env != nullptr && *env != '\0') {
    if (fs::exists(fs::path(env) / "RECORDS")) return fs::path(env);
  }
  const fs::path candidate = fs::path(HESPLIT_SOURCE_DIR) / ".." / "shared" / "data" / "svdb";
  if (fs::exists(candidate / "RECORDS")) return fs::canonical(candidate);
  return std::nullopt;
}

inline constexpr const char* kNoSvdbMessage =
    "svdb data not found: set HESPLIT_SVDB to the folder of PhysioNet's Supraventricular "
    "Arrhythmia Database or place it at ../shared/data/svdb";

inline constexpr const char* kNoMitdbMessage =
    "MIT-BIH data not found: set HESPLIT_MITDB to the mitdb folder (PhysioNet mitdb 1.0.0) "
    "or place it at ../shared/data/mitdb";

// The whole content of a file (empty when it cannot be read).
inline std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh, empty scratch folder for one test, left in place afterwards for debugging. It lies under
// a folder named after the running gtest test, so tests that ctest runs in parallel processes
// never share (and never wipe) each other's folders, whatever `name` they pick.
inline std::filesystem::path scratch_dir(const std::string& name) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(HESPLIT_BINARY_DIR) / "test-scratch";
  if (const auto* test = ::testing::UnitTest::GetInstance()->current_test_info()) {
    dir /= std::string(test->test_suite_name()) + "." + test->name();
  }
  dir /= name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace hesplit::test
