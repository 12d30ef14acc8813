#pragma once
// WFDB header (.hea) files: the record line and one signal specification line per signal, as in
// PhysioNet's "header" format page. Fields missing from a line take the documented defaults (a
// gain of 0 or none means 200 adu per unit, a missing baseline equals the ADC zero, units default
// to mV, the ADC resolution to 12 bits, the initial value to the ADC zero, ...). Only single-
// segment records with one sample per frame, no skew, and formats 212 and 16 are accepted.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hesplit::ecg {

inline constexpr double kWfdbDefaultGain = 200.0;
inline constexpr double kWfdbDefaultFrequency = 250.0;

struct SignalSpec {
  std::string file_name;           // signal file in the header's folder: a plain name, no '/'
  int format = 0;                  // 212 or 16
  std::uint64_t byte_offset = 0;   // "+N" suffix of the format field: bytes before the samples
  double gain = kWfdbDefaultGain;  // adu per physical unit (a 0 in the file means the default)
  bool gain_given = false;         // false when the file had no gain or a gain of 0
  std::int32_t baseline = 0;       // adu value of 0 physical units
  std::string units = "mV";
  int adc_resolution = 12;  // bits
  std::int32_t adc_zero = 0;
  std::int32_t initial_value = 0;
  std::optional<std::int32_t> checksum;  // 16-bit sum of all samples, when present
  std::int32_t block_size = 0;
  std::string description;

  double to_physical(std::int32_t adu) const { return (adu - baseline) / gain; }
};

struct RecordHeader {
  std::string name;
  double sampling_frequency = kWfdbDefaultFrequency;  // per signal, Hz
  double counter_frequency = 0.0;                     // 0 when absent
  double base_counter = 0.0;
  std::uint64_t samples_per_signal = 0;  // 0: not stated, taken from the signal file's size
  std::string base_time;                 // as written, may be empty
  std::string base_date;
  std::vector<SignalSpec> signals;
  std::vector<std::string> comments;  // "#" lines without the "#"

  // Index of the first signal whose description is `description` (e.g. "MLII").
  std::optional<std::size_t> find_signal(std::string_view description) const;
};

// Parses header text; `source` names the file in error messages (WfdbError with line number).
RecordHeader parse_header(std::string_view text, const std::filesystem::path& source);

// Reads FILE.hea (the argument may be given with or without the .hea extension).
RecordHeader read_header(const std::filesystem::path& file);

}  // namespace hesplit::ecg
