#pragma once
// Progress of one training epoch. On a terminal: a single line redrawn in place ("\r"), at most
// every `min_redraw_interval`, with label, bar, batch k/K, samples/s, ETA, running loss and
// accuracy. Elsewhere (logs, CI, pipes): a plain line each time another `log_fraction` of the
// batches is done or `log_interval` has passed, whichever comes first. finish() always prints one
// final line for the epoch. The clock is injected so tests drive time; no global state.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace hesplit::report {

using ProgressClock = std::function<std::chrono::steady_clock::time_point()>;

struct ProgressOptions {
  std::chrono::milliseconds min_redraw_interval{100};  // terminal: at most 10 redraws per second
  double log_fraction = 0.1;                           // plain: a line every 10% of the batches
  std::chrono::seconds log_interval{30};               // plain: ... or every 30 s
  std::size_t bar_width = 24;
  std::size_t line_width = 0;  // terminal columns: the line is fitted to them (0: no limit)
};

class Progress {
 public:
  // `label` names the epoch, e.g. "epoch 3/10"; `total_batches` may be 0 when unknown.
  Progress(std::string label, std::size_t total_batches, std::ostream& out, bool is_terminal,
           ProgressClock clock = default_clock(), ProgressOptions options = {});
  // Terminal: ends the line if finish() was not called, so later output starts on a fresh line.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  // Moving hands the open line over: the moved-from object prints nothing more. Assigning over a
  // Progress with an open terminal line ends that line first.
  Progress(Progress&& other) noexcept;
  Progress& operator=(Progress&& other) noexcept;

  // Progress on std::cerr, redrawn in place when stderr is a terminal (isatty), with the line
  // truncated to the terminal's width.
  static Progress on_stderr(std::string label, std::size_t total_batches,
                            ProgressOptions options = {});

  // Call after each batch: `batch_index` is the 0-based index of the batch just finished,
  // `samples_done` the samples trained so far this epoch, running loss/accuracy (accuracy as a
  // fraction in [0, 1]) over those samples.
  void update(std::size_t batch_index, std::uint64_t samples_done, double running_loss,
              double running_accuracy);
  // Ends the epoch with one final line: totals, training time and rate (up to the last update(),
  // so a test evaluation run before finish() does not count), loss and accuracy, then `suffix`
  // (e.g. "test acc 93.10%"). Idempotent: later calls do nothing.
  void finish(std::uint64_t samples_done, double loss, double accuracy,
              std::string_view suffix = {});

  // Terminal: ends the partial line so that other output (a log message) starts on a line of its
  // own; the next update() draws afresh. Does nothing elsewhere.
  void break_line();

  static ProgressClock default_clock();

 private:
  std::string status_text(std::chrono::steady_clock::time_point now, std::uint64_t samples_done,
                          double loss, double accuracy, bool with_percent,
                          std::string_view gap) const;
  std::string terminal_line(std::chrono::steady_clock::time_point now, std::uint64_t samples_done,
                            double loss, double accuracy) const;
  std::string bar(std::size_t width) const;
  void redraw(const std::string& line);
  double elapsed_seconds(std::chrono::steady_clock::time_point now) const;

  std::string label_;
  std::size_t total_batches_;
  std::ostream* out_;  // never null
  bool is_terminal_;
  ProgressClock clock_;
  ProgressOptions options_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_output_;
  std::chrono::steady_clock::time_point last_update_;  // end of the last batch reported
  bool drawn_ = false;                                 // terminal: a partial line is open
  std::size_t batches_done_ = 0;
  std::size_t log_step_;        // plain: batches between fraction lines (0: time-based only)
  std::size_t next_log_batch_;  // plain: batches done at which the next fraction line is due
  bool finished_ = false;
};

}  // namespace hesplit::report
