#pragma once
// Runs a function in a forked child process and returns the bytes it produced. For parsers we do
// not trust with hostile input: libhdf5 1.10 crashes (heap overflows, use after free) and hangs on
// malformed files (docs/security.md), and inside a child that only ends the child. The parent
// gets a clear error instead, and a hung child is killed after a timeout.
#include <chrono>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>

namespace hesplit::ecg {

// The child crashed, hung, or produced too much; or the work threw (its message is kept).
class IsolatedCallError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The work itself threw: what() is its message, unchanged.
class IsolatedWorkError : public IsolatedCallError {
 public:
  using IsolatedCallError::IsolatedCallError;
};

struct IsolationLimits {
  std::chrono::milliseconds timeout{120'000};
  std::size_t max_output_bytes = std::size_t{1} << 34;  // 16 GiB
  // Heap the child may allocate beyond what it inherited (RLIMIT_DATA); 0: no cap. A hostile file
  // can make a parser ask for terabytes; capped, the child fails instead of the machine swapping.
  // Not applied in sanitizer builds, whose shadow memory counts against the same limit.
  std::size_t max_memory_bytes = 0;
};

// Calls `work` in a child process (fork, no exec) and returns its result. An exception thrown by
// `work` comes back as IsolatedWorkError with the same message (running out of the memory cap
// says so); a child killed by a signal, one
// that outlives the timeout (it is then killed) or one that writes more than the limit throws
// IsolatedCallError saying so. The child must not rely on other threads of the parent (they do
// not exist after fork): `work` should be a self-contained parser.
std::string isolated_call(const std::function<std::string()>& work, const IsolationLimits& limits);

}  // namespace hesplit::ecg
