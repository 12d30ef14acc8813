#pragma once
// Human-readable numbers for report.html: decimal byte units (kB, MB, GB as the issues quote
// traffic), durations, percentages.
#include <cstdint>
#include <string>

namespace hesplit::report {

std::string format_bytes(double bytes);       // "0 B", "812 B", "4.53 kB", "239.5 GB"
std::string format_duration(double seconds);  // "0.84 s", "12.3 s", "4 min 05 s", "2 h 03 min"
std::string format_percent(double fraction, int decimals = 2);  // 0.9312 -> "93.12%"

}  // namespace hesplit::report
