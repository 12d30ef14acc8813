#pragma once
// One WFDB signal file, opened once: its size and identity (device and inode) come from the open
// descriptor, and its bytes are read from that same descriptor, so a file swapped or grown between
// the checks and the read is never what gets read. Internal to the ecg layer (wfdb_signals.cpp).
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <vector>

namespace hesplit::ecg::detail {

// Which file a descriptor refers to, whatever name reached it (links, symlinks).
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  bool operator==(const FileIdentity&) const = default;
};

class SignalFile {
 public:
  // Opens `path` for reading; throws WfdbError naming it when it cannot be opened or is not a
  // regular file (a FIFO or a device has no size to check against the header).
  explicit SignalFile(const std::filesystem::path& path);
  ~SignalFile();
  SignalFile(const SignalFile&) = delete;
  SignalFile& operator=(const SignalFile&) = delete;

  std::uint64_t size() const { return size_; }
  FileIdentity identity() const { return identity_; }
  // Exactly `count` bytes from byte `offset`; a short read is an error naming the offset.
  std::vector<unsigned char> read(std::uint64_t offset, std::uint64_t count) const;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  FileIdentity identity_;
};

}  // namespace hesplit::ecg::detail
