#include "report/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>

#include <fmt/format.h>

namespace hesplit::report {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& path, std::string_view step, int error) {
  throw std::runtime_error(
      fmt::format("{}: cannot {}: {}", path.string(), step, std::strerror(error)));
}

// Closes the descriptor on every exit path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&&) = delete;
  int get() const { return fd_; }
  // Closing can report a delayed write error (e.g. NFS), so callers close explicitly.
  int release_and_close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// Removes the temporary file unless the rename consumed it.
class TempGuard {
 public:
  explicit TempGuard(fs::path path) : path_(std::move(path)) {}
  ~TempGuard() {
    if (!path_.empty()) {
      std::error_code ignored;
      fs::remove(path_, ignored);
    }
  }
  TempGuard(const TempGuard&) = delete;
  TempGuard& operator=(const TempGuard&) = delete;
  void dismiss() { path_.clear(); }

 private:
  fs::path path_;
};

fs::path parent_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

// A new file beside `path`, created exclusively (O_EXCL: never an existing file, never through a
// symlink planted at its name) so that concurrent writers never share one. The name ends in 64
// random bits: nobody can plant files at the names a writer will try. Mode 0666 minus the umask,
// like any ordinary file the user creates (0600 for secrets).
std::pair<fs::path, Fd> create_temp_beside(const fs::path& path, mode_t mode = 0666) {
  const std::string name = path.filename().string();
  std::random_device entropy;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const std::uint64_t nonce = (std::uint64_t{entropy()} << 32) | entropy();
    fs::path temp = parent_of(path) / fmt::format(".{}.tmp-{}-{:016x}", name, ::getpid(), nonce);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd >= 0) return {std::move(temp), Fd(fd)};
    if (errno != EEXIST) fail(temp, "create temporary file", errno);
  }
  throw std::runtime_error(
      fmt::format("{}: cannot create a temporary file beside it: too many "
                  "stale temporary files",
                  path.string()));
}

void write_all(const fs::path& temp, int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(temp, "write", errno);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void sync_and_close(const fs::path& temp, Fd& fd) {
  if (::fsync(fd.get()) != 0) fail(temp, "fsync", errno);
  if (fd.release_and_close() != 0) fail(temp, "close", errno);
}

// Makes the rename durable: the directory entry lives in the directory's own data.
void sync_directory(const fs::path& dir) {
  const int raw = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (raw < 0) fail(dir, "open directory for fsync", errno);
  Fd fd(raw);
  if (::fsync(fd.get()) != 0 && errno != EINVAL) fail(dir, "fsync directory", errno);
}

void commit(const fs::path& temp, const fs::path& path, TempGuard& guard) {
  if (::rename(temp.c_str(), path.c_str()) != 0) fail(path, "rename temporary file over", errno);
  guard.dismiss();
  sync_directory(parent_of(path));
}

void ensure_parent(const fs::path& path) {
  if (!path.has_parent_path()) return;
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error) {
    throw std::runtime_error(fmt::format("{}: cannot create directory: {}",
                                         path.parent_path().string(), error.message()));
  }
}

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view contents) {
  ensure_parent(path);
  auto [temp, fd] = create_temp_beside(path);
  TempGuard guard(temp);
  write_all(temp, fd.get(), contents);
  sync_and_close(temp, fd);
  commit(temp, path, guard);
}

void write_private_file_atomic(const fs::path& path, std::string_view contents) {
  ensure_parent(path);
  auto [temp, fd] = create_temp_beside(path, 0600);
  TempGuard guard(temp);
  // The umask can only remove bits; make sure no group/other bit survives either way.
  if (::fchmod(fd.get(), 0600) != 0) fail(temp, "chmod 0600", errno);
  write_all(temp, fd.get(), contents);
  sync_and_close(temp, fd);
  commit(temp, path, guard);
}

void write_file_atomic_with(const fs::path& path,
                            const std::function<void(const fs::path& temp)>& produce) {
  ensure_parent(path);
  auto [temp, reserved] = create_temp_beside(path);
  TempGuard guard(temp);
  if (reserved.release_and_close() != 0) fail(temp, "close", errno);
  produce(temp);
  const int raw = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (raw < 0) fail(temp, "reopen for fsync", errno);
  Fd fd(raw);
  sync_and_close(temp, fd);
  commit(temp, path, guard);
}

}  // namespace hesplit::report
