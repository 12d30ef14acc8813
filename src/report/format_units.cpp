#include "report/format_units.hpp"

#include <array>
#include <cmath>

#include <fmt/format.h>

namespace hesplit::report {

std::string format_bytes(double bytes) {
  if (!std::isfinite(bytes)) return "?";
  if (std::abs(bytes) < 1000.0) return fmt::format("{:.0f} B", bytes);
  static constexpr std::array<const char*, 6> kUnits = {"kB", "MB", "GB", "TB", "PB", "EB"};
  double value = bytes / 1000.0;
  std::size_t unit = 0;
  while (std::abs(value) >= 999.95 && unit + 1 < kUnits.size()) {
    value /= 1000.0;
    ++unit;
  }
  // Three significant digits keep columns readable; 239.5 GB keeps one decimal at any size.
  const int decimals = std::abs(value) < 10.0 ? 2 : 1;
  return fmt::format("{:.{}f} {}", value, decimals, kUnits[unit]);
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0.0) return "?";
  if (seconds < 10.0) return fmt::format("{:.2f} s", seconds);
  if (seconds < 60.0) return fmt::format("{:.1f} s", seconds);
  const auto total = static_cast<long long>(std::llround(seconds));
  if (total < 3600) return fmt::format("{} min {:02} s", total / 60, total % 60);
  return fmt::format("{} h {:02} min", total / 3600, (total / 60) % 60);
}

std::string format_percent(double fraction, int decimals) {
  if (!std::isfinite(fraction)) return "?";
  return fmt::format("{:.{}f}%", 100.0 * fraction, decimals);
}

}  // namespace hesplit::report
