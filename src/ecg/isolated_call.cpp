#include "ecg/isolated_call.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <new>
#include <utility>

namespace hesplit::ecg {
namespace {

// The first byte the child writes says how the rest reads: a result or an error message.
constexpr char kResult = 'R';
constexpr char kError = 'E';

void write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent went away: nothing left to tell
    done += static_cast<std::size_t>(n);
  }
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// The data memory this process holds now (VmData, what RLIMIT_DATA counts), 0 if unknown.
std::size_t data_bytes_in_use() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmData:") {
      std::size_t kib = 0;
      status >> kib;
      return kib * 1024;
    }
    status.ignore(1 << 12, '\n');
  }
  return 0;
}

// Caps the child's heap at what it inherited plus `budget` (the fork copied the parent's
// mappings, which count too). Without /proc the cap is skipped rather than guessed.
void cap_memory(std::size_t budget) {
  if (budget == 0 || kSanitized) return;
  const std::size_t in_use = data_bytes_in_use();
  if (in_use == 0) return;
  const rlimit limit{in_use + budget, in_use + budget};
  ::setrlimit(RLIMIT_DATA, &limit);
}

// A fault in the child ends it by its signal, whatever handlers the parent had installed (a
// sanitizer's, which would turn the fault into an ordinary exit), so the parent can say "crashed".
void restore_default_fault_handling() {
  for (const int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(signal, SIG_DFL);
}

[[noreturn]] void run_child(int fd, const std::function<std::string()>& work,
                            std::size_t memory_budget) {
  restore_default_fault_handling();
  std::string out;
  try {
    cap_memory(memory_budget);
    out = kResult + work();
  } catch (const std::bad_alloc&) {
    out = kError + std::string("ran out of its memory budget (") + std::to_string(memory_budget) +
          " bytes)";
  } catch (const std::exception& e) {
    out = kError + std::string(e.what());
  } catch (...) {
    out = kError + std::string("unknown error");
  }
  write_all(fd, out);
  ::close(fd);
  ::_exit(0);  // no atexit handlers, no flushing of the parent's copied stdio buffers
}

// Owns the child: kills and reaps it unless it was reaped already.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      reap();
    }
  }
  int reap() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

class Pipe {
 public:
  Pipe() {
    // Close-on-exec: a process another thread starts meanwhile must not hold the write end open
    // (the parent would then wait for an end of file that never comes).
    if (::pipe2(fds_, O_CLOEXEC) != 0) {
      throw IsolatedCallError(std::string("cannot create a pipe: ") + std::strerror(errno));
    }
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    close_read();
    close_write();
  }
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void close_read() { close_fd(fds_[0]); }
  void close_write() { close_fd(fds_[1]); }

 private:
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  int fds_[2] = {-1, -1};
};

// Reads until end of file, the deadline or the size limit.
std::string read_output(int fd, const IsolationLimits& limits) {
  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      throw IsolatedCallError("gave no answer within " +
                              std::to_string(limits.timeout.count() / 1000) +
                              " s (the parser hung) and was stopped");
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) {
      throw IsolatedCallError(std::string("poll failed: ") + std::strerror(errno));
    }
    if (ready <= 0) continue;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    if (out.size() + static_cast<std::size_t>(n) > limits.max_output_bytes + 1) {
      throw IsolatedCallError("produced more than " + std::to_string(limits.max_output_bytes) +
                              " bytes and was stopped");
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string isolated_call(const std::function<std::string()>& work, const IsolationLimits& limits) {
  Pipe pipe;
  const pid_t pid = ::fork();
  if (pid < 0) throw IsolatedCallError(std::string("cannot fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(pipe.read_end());
    run_child(pipe.write_end(), work, limits.max_memory_bytes);
  }
  Child child(pid);
  pipe.close_write();
  std::string out = read_output(pipe.read_end(), limits);
  const int status = child.reap();
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    throw IsolatedCallError("crashed (signal " + std::to_string(signal) + ", " +
                            std::string(strsignal(signal)) + ")");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || out.empty()) {
    throw IsolatedCallError("ended without an answer (exit status " +
                            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  }
  const char kind = out.front();
  out.erase(0, 1);
  if (kind == kError) throw IsolatedWorkError(out);
  if (kind != kResult) throw IsolatedCallError("answered in an unknown form");
  return out;
}

}  // namespace hesplit::ecg
