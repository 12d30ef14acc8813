#pragma once
// WFDB signal (.dat) files in formats 212 (two 12-bit two's-complement samples in three bytes) and
// 16 (16-bit two's-complement, little-endian), as PhysioNet's "signal" format page describes. The
// file size must match the header exactly: a short file (truncated) or a long one (the header
// understates the samples) is an error naming the file and the byte offset, never a short read.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "wfdb_header.hpp"

namespace hesplit::ecg {

// The most signal-file bytes one record may read (all its files together), checked before they
// are allocated; their decoded samples take up to 2.7 times as much memory (4 bytes per 12-bit
// sample). MIT-BIH records read 1.95 MB, 24-hour Holter records about 100 MB.
inline constexpr std::uint64_t kMaxRecordSignalBytes = std::uint64_t{256} << 20;

struct RecordSignals {
  std::uint64_t samples_per_signal = 0;
  std::vector<std::vector<std::int32_t>> samples;  // [signal][sample], in adu
  std::vector<std::int16_t> computed_checksums;    // 16-bit sum of each signal's samples

  // True when the header has no checksum for signal i or it equals the computed one.
  bool checksum_ok(const RecordHeader& header, std::size_t i) const;
};

// Reads every signal of the record; signal files are looked up in `folder` (the header's folder).
// Each file is read once: a file reached again under another name (a link) is an error, and so
// are more than kMaxRecordSignalBytes in all.
RecordSignals read_signals(const RecordHeader& header, const std::filesystem::path& folder);

// Throws WfdbError naming the signal file and signal when a stated checksum does not match.
void require_checksums(const RecordHeader& header, const RecordSignals& signals,
                       const std::filesystem::path& folder);

}  // namespace hesplit::ecg
