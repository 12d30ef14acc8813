#pragma once
// A private temporary folder for fuzz targets that must hand a loader a file: created once per
// process (named after the pid so parallel fuzz jobs do not collide), removed at exit.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <system_error>

namespace hesplit::fuzz {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("hesplit-fuzz-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Replaces the folder's contents with nothing (stale files from the previous input would
  // otherwise leak into this one).
  void clear() const {
    for (const auto& entry : std::filesystem::directory_iterator(path_)) {
      std::filesystem::remove_all(entry.path());
    }
  }

  std::filesystem::path write(const std::string& file, std::span<const std::uint8_t> bytes) const {
    const std::filesystem::path out = path_ / file;
    std::ofstream stream(out, std::ios::binary | std::ios::trunc);
    stream.write(reinterpret_cast<const char*>(bytes.data()),
                 static_cast<std::streamsize>(bytes.size()));
    return out;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace hesplit::fuzz
