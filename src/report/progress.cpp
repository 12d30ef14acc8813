#include "report/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <ostream>

#include <fmt/format.h>

namespace hesplit::report {
namespace {

// h:mm:ss, or m:ss under an hour.
std::string clock_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto total = static_cast<long long>(std::llround(seconds));
  const long long h = total / 3600, m = (total / 60) % 60, s = total % 60;
  if (h > 0) return fmt::format("{}:{:02}:{:02}", h, m, s);
  return fmt::format("{}:{:02}", m, s);
}

// Seconds with decimals for short epochs, h:mm:ss for long ones.
std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 10.0) return fmt::format("{:.2f} s", seconds);
  if (seconds < 60.0) return fmt::format("{:.1f} s", seconds);
  return clock_text(seconds);
}

std::string rate_text(std::uint64_t samples, double seconds) {
  if (seconds <= 0.0) return "- samples/s";
  const double rate = static_cast<double>(samples) / seconds;
  if (rate >= 100.0) return fmt::format("{:.0f} samples/s", rate);
  return fmt::format("{:.1f} samples/s", rate);
}

std::string accuracy_text(double fraction) { return fmt::format("{:.2f}%", 100.0 * fraction); }

std::size_t terminal_columns(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 0;
}

}  // namespace

Progress::Progress(std::string label, std::size_t total_batches, std::ostream& out,
                   bool is_terminal, ProgressClock clock, ProgressOptions options)
    : label_(std::move(label)),
      total_batches_(total_batches),
      out_(&out),
      is_terminal_(is_terminal),
      clock_(std::move(clock)),
      options_(options),
      start_(clock_()),
      last_output_(start_),
      last_update_(start_),
      log_step_(options.log_fraction > 0.0 && total_batches > 0
                    ? std::max<std::size_t>(
                          1, static_cast<std::size_t>(std::ceil(
                                 options.log_fraction * static_cast<double>(total_batches))))
                    : 0),
      next_log_batch_(log_step_) {}

Progress::~Progress() {
  // A half-drawn line would otherwise be overwritten by whatever is printed next (e.g. an error).
  break_line();
}

Progress::Progress(Progress&& other) noexcept
    : label_(std::move(other.label_)),
      total_batches_(other.total_batches_),
      out_(other.out_),
      is_terminal_(other.is_terminal_),
      clock_(std::move(other.clock_)),
      options_(other.options_),
      start_(other.start_),
      last_output_(other.last_output_),
      last_update_(other.last_update_),
      drawn_(other.drawn_),
      batches_done_(other.batches_done_),
      log_step_(other.log_step_),
      next_log_batch_(other.next_log_batch_),
      finished_(other.finished_) {
  other.finished_ = true;  // silent from now on, destructor included
}

Progress& Progress::operator=(Progress&& other) noexcept {
  if (this == &other) return *this;
  break_line();
  label_ = std::move(other.label_);
  total_batches_ = other.total_batches_;
  out_ = other.out_;
  is_terminal_ = other.is_terminal_;
  clock_ = std::move(other.clock_);
  options_ = other.options_;
  start_ = other.start_;
  last_output_ = other.last_output_;
  last_update_ = other.last_update_;
  drawn_ = other.drawn_;
  batches_done_ = other.batches_done_;
  log_step_ = other.log_step_;
  next_log_batch_ = other.next_log_batch_;
  finished_ = other.finished_;
  other.finished_ = true;
  return *this;
}

Progress Progress::on_stderr(std::string label, std::size_t total_batches,
                             ProgressOptions options) {
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  if (terminal && options.line_width == 0) options.line_width = terminal_columns(STDERR_FILENO);
  return Progress(std::move(label), total_batches, std::cerr, terminal, default_clock(), options);
}

ProgressClock Progress::default_clock() {
  return [] { return std::chrono::steady_clock::now(); };
}

double Progress::elapsed_seconds(std::chrono::steady_clock::time_point now) const {
  return std::chrono::duration<double>(now - start_).count();
}

std::string Progress::bar(std::size_t width) const {
  if (width == 0 || total_batches_ == 0) return {};
  const std::size_t filled = std::min(width, batches_done_ * width / total_batches_);
  std::string text(width + 3, ' ');  // "[", the bar, "] "
  text[0] = '[';
  std::fill_n(text.begin() + 1, filled, '=');
  if (filled < width) text[1 + filled] = '>';
  text[width + 1] = ']';
  return text;
}

std::string Progress::status_text(std::chrono::steady_clock::time_point now,
                                  std::uint64_t samples_done, double loss, double accuracy,
                                  bool with_percent, std::string_view gap) const {
  const double elapsed = elapsed_seconds(now);
  std::string batches = total_batches_ > 0
                            ? fmt::format("batch {}/{}", batches_done_, total_batches_)
                            : fmt::format("batch {}", batches_done_);
  if (with_percent && total_batches_ > 0) {
    batches += fmt::format(" ({}%)", batches_done_ * 100 / total_batches_);
  }
  std::string eta = "?";
  if (total_batches_ > 0 && batches_done_ > 0) {
    const std::size_t left = total_batches_ - std::min(batches_done_, total_batches_);
    eta = clock_text(elapsed / static_cast<double>(batches_done_) * static_cast<double>(left));
  }
  return fmt::format("{1}{0}{2}{0}ETA {3}{0}loss {4:.4f}{0}acc {5}", gap, batches,
                     rate_text(samples_done, elapsed), eta, loss, accuracy_text(accuracy));
}

// Fits the terminal, giving things up in this order: the bar's length (down to 8 columns), the
// double spacing, the bar, and at last the end of the line.
std::string Progress::terminal_line(std::chrono::steady_clock::time_point now,
                                    std::uint64_t samples_done, double loss,
                                    double accuracy) const {
  const std::size_t limit = options_.line_width > 1 ? options_.line_width - 1 : 0;
  if (limit == 0) {
    return fmt::format("{} {}{}", label_, bar(options_.bar_width),
                       status_text(now, samples_done, loss, accuracy, false, "  "));
  }
  constexpr std::size_t kMinBar = 8, kBarFrame = 3;  // "[", "] "
  for (const std::string_view gap : {"  ", " "}) {
    const std::string figures = status_text(now, samples_done, loss, accuracy, false, gap);
    const std::size_t fixed = label_.size() + 1 + figures.size();
    if (options_.bar_width > 0 && fixed + kBarFrame + kMinBar <= limit) {
      const std::size_t width = std::min(options_.bar_width, limit - fixed - kBarFrame);
      return fmt::format("{} {}{}", label_, bar(width), figures);
    }
  }
  std::string figures = status_text(now, samples_done, loss, accuracy, false, "  ");
  if (label_.size() + 1 + figures.size() > limit) {
    figures = status_text(now, samples_done, loss, accuracy, false, " ");
  }
  return fmt::format("{} {}", label_, figures);
}

void Progress::redraw(const std::string& line) {
  std::string shown = line;
  if (options_.line_width > 1 && shown.size() >= options_.line_width) {
    shown.resize(options_.line_width - 1);  // the last column would wrap on some terminals
  }
  *out_ << '\r' << shown << "\x1b[K";  // erase what a longer previous line left behind
  out_->flush();
  drawn_ = true;
}

void Progress::update(std::size_t batch_index, std::uint64_t samples_done, double running_loss,
                      double running_accuracy) {
  if (finished_) return;
  batches_done_ = batch_index + 1;
  const auto now = clock_();
  last_update_ = now;
  const bool last = total_batches_ > 0 && batches_done_ >= total_batches_;
  if (is_terminal_) {
    if (drawn_ && !last && now - last_output_ < options_.min_redraw_interval) return;
    redraw(terminal_line(now, samples_done, running_loss, running_accuracy));
    last_output_ = now;
    return;
  }
  // Plain: fraction milestones short of the end (finish() reports the end), or a heartbeat.
  const bool milestone = log_step_ > 0 && batches_done_ >= next_log_batch_ && !last;
  const bool heartbeat = now - last_output_ >= options_.log_interval;
  if (!milestone && !heartbeat) return;
  *out_ << label_ << ": "
        << status_text(now, samples_done, running_loss, running_accuracy, /*with_percent=*/true,
                       "  ")
        << '\n';
  out_->flush();
  last_output_ = now;
  if (log_step_ > 0) next_log_batch_ = (batches_done_ / log_step_ + 1) * log_step_;
}

void Progress::break_line() {
  if (!is_terminal_ || !drawn_ || finished_) return;
  *out_ << '\n';
  out_->flush();
  drawn_ = false;  // so the next update draws at once instead of waiting for the rate limit
}

void Progress::finish(std::uint64_t samples_done, double loss, double accuracy,
                      std::string_view suffix) {
  if (finished_) return;
  finished_ = true;
  const double elapsed = elapsed_seconds(batches_done_ > 0 ? last_update_ : clock_());
  std::string line = fmt::format("{}: {} batches, {} samples in {} ({})  loss {:.4f}  acc {}",
                                 label_, batches_done_, samples_done, duration_text(elapsed),
                                 rate_text(samples_done, elapsed), loss, accuracy_text(accuracy));
  if (!suffix.empty()) line += fmt::format("  {}", suffix);
  if (is_terminal_) {
    *out_ << '\r' << line << "\x1b[K\n";  // the final line is kept whole, even if it wraps
  } else {
    *out_ << line << '\n';
  }
  out_->flush();
}

}  // namespace hesplit::report
