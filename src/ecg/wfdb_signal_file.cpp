// A signal file read through one descriptor (size, identity and bytes from the same open file).
#include "wfdb_signal_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "wfdb_error.hpp"

namespace hesplit::ecg::detail {

SignalFile::SignalFile(const std::filesystem::path& path) : path_(path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd_ < 0) throw_wfdb(path, std::string("cannot read signal file: ") + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd_, &info) != 0) {
    const int error = errno;
    ::close(fd_);
    throw_wfdb(path, std::string("cannot stat signal file: ") + std::strerror(error));
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd_);
    throw_wfdb(path, "signal file is not a regular file");
  }
  size_ = static_cast<std::uint64_t>(info.st_size);
  identity_ = {info.st_dev, info.st_ino};
}

SignalFile::~SignalFile() { ::close(fd_); }

std::vector<unsigned char> SignalFile::read(std::uint64_t offset, std::uint64_t count) const {
  std::vector<unsigned char> bytes(count);
  std::uint64_t got = 0;
  while (got < count) {
    const ssize_t n =
        ::pread(fd_, bytes.data() + got, count - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw_wfdb_at(path_, offset + got, std::string("read error: ") + std::strerror(errno));
    if (n == 0) throw_wfdb_at(path_, offset + got, "short read (file changed while reading?)");
    got += static_cast<std::uint64_t>(n);
  }
  return bytes;
}

}  // namespace hesplit::ecg::detail
