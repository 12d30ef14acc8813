// Reading WFDB signal files (formats 212 and 16) with exact size checks and checksums.
#include "wfdb_signals.hpp"

#include <string>
#include <utility>

#include "wfdb_error.hpp"
#include "wfdb_signal_file.hpp"

namespace hesplit::ecg {
namespace {

// Bytes taken by `samples` consecutive samples (all signals of a file, interleaved).
std::uint64_t bytes_for(int format, std::uint64_t samples) {
  if (format == 16) return 2 * samples;
  // 212: three bytes per pair; a final odd sample takes two bytes (its low byte, its high nibble).
  return 3 * (samples / 2) + 2 * (samples % 2);
}

// Sign-extends the low 12 bits.
std::int32_t from12(std::uint32_t v) {
  return static_cast<std::int32_t>(v & 0x800 ? (v | ~0xFFFu) : (v & 0xFFFu));
}

// Decodes `total` interleaved samples of `k` signals into out[first .. first+k-1].
void decode(int format, const std::vector<unsigned char>& bytes, std::uint64_t total,
            std::size_t first, std::size_t k, std::vector<std::vector<std::int32_t>>& out) {
  std::size_t channel = 0;
  std::uint64_t frame = 0;
  const auto put = [&](std::int32_t value) {
    out[first + channel][frame] = value;
    if (++channel == k) {
      channel = 0;
      ++frame;
    }
  };
  if (format == 16) {
    for (std::uint64_t t = 0; t < total; ++t) {
      const std::uint32_t lo = bytes[2 * t];
      const std::uint32_t hi = bytes[2 * t + 1];
      put(static_cast<std::int16_t>(static_cast<std::uint16_t>(lo | (hi << 8))));
    }
    return;
  }
  for (std::uint64_t t = 0; t < total; t += 2) {
    const std::size_t b = 3 * (t / 2);
    const std::uint32_t b0 = bytes[b];
    const std::uint32_t b1 = bytes[b + 1];
    put(from12(b0 | ((b1 & 0x0F) << 8)));
    if (t + 1 < total) put(from12(bytes[b + 2] | ((b1 & 0xF0) << 4)));
  }
}

std::string count_text(std::uint64_t n, const char* unit) { return std::to_string(n) + " " + unit; }

// How many samples per signal the file holds, checked against the header when it states it.
std::uint64_t samples_in_file(const RecordHeader& header, const SignalSpec& spec, std::size_t k,
                              std::uint64_t available, const std::filesystem::path& path) {
  const std::uint64_t offset = spec.byte_offset;
  if (header.samples_per_signal > 0) {
    const std::uint64_t n = header.samples_per_signal;
    // Every sample takes at least a byte: this bound keeps n * k from overflowing below.
    const bool impossible = n > available;
    const std::uint64_t need = impossible ? 0 : bytes_for(spec.format, n * k);
    if (impossible || available < need) {
      const std::string need_text =
          impossible ? "at least " + count_text(n, "bytes") : count_text(need, "bytes");
      throw_wfdb_at(path, offset + available,
                    "truncated: the file ends here, but the header's " + count_text(n, "samples") +
                        " per signal for " + count_text(k, "signals") + " in format " +
                        std::to_string(spec.format) + " need " + need_text + " from byte offset " +
                        std::to_string(offset));
    }
    if (available > need) {
      throw_wfdb_at(path, offset + need,
                    count_text(available - need, "bytes") + " follow the last of the header's " +
                        count_text(n, "samples") + " per signal (header and file disagree)");
    }
    return n;
  }
  // No length in the header: the file must hold a whole number of frames.
  const std::uint64_t total =
      spec.format == 16 ? available / 2 : (available / 3) * 2 + (available % 3 == 2 ? 1 : 0);
  const std::uint64_t n = total / k;
  if (bytes_for(spec.format, n * k) != available) {
    throw_wfdb_at(path, offset + bytes_for(spec.format, n * k),
                  "the file does not end on a whole frame of " + count_text(k, "signals"));
  }
  return n;
}

// Signals in one file are consecutive lines naming it (a format group, e.g. two in 100.dat); they
// are read together, once.
std::size_t group_size(const RecordHeader& header, std::size_t first) {
  std::size_t k = 1;
  while (first + k < header.signals.size() &&
         header.signals[first + k].file_name == header.signals[first].file_name) {
    ++k;
  }
  return k;
}

// Refuses a file that an earlier group of the record already read under another name (a hard
// link or symlink): each name would be read and decoded again, multiplying the memory a small
// header can demand.
void check_not_an_alias(const std::vector<std::pair<detail::FileIdentity, std::size_t>>& seen,
                        const detail::FileIdentity& identity, const RecordHeader& header,
                        std::size_t first, const std::filesystem::path& path) {
  for (const auto& [other, signal] : seen) {
    if (other != identity) continue;
    throw_wfdb(path, "signal " + std::to_string(first) + " names the same file as signal " +
                         std::to_string(signal) + " ('" + header.signals[signal].file_name +
                         "'): signals of one file must be consecutive lines with one name");
  }
}

// Counts the bytes a record reads against kMaxRecordSignalBytes, before they are allocated.
void charge(std::uint64_t& total, std::uint64_t bytes, const std::filesystem::path& path) {
  if (bytes > kMaxRecordSignalBytes - total) {
    throw_wfdb(path, "reading " + count_text(bytes, "bytes") + " from this file would bring the " +
                         "record's signal data to " + count_text(total + bytes, "bytes") +
                         ", over the limit of " + count_text(kMaxRecordSignalBytes, "bytes") +
                         " per record");
  }
  total += bytes;
}

}  // namespace

bool RecordSignals::checksum_ok(const RecordHeader& header, std::size_t i) const {
  const auto& stated = header.signals.at(i).checksum;
  return !stated || static_cast<std::int16_t>(static_cast<std::uint16_t>(*stated & 0xFFFF)) ==
                        computed_checksums.at(i);
}

RecordSignals read_signals(const RecordHeader& header, const std::filesystem::path& folder) {
  RecordSignals out;
  const std::size_t nsig = header.signals.size();
  out.samples.resize(nsig);
  out.computed_checksums.assign(nsig, 0);
  out.samples_per_signal = header.samples_per_signal;
  bool have_length = false;
  std::uint64_t bytes_read = 0;
  std::vector<std::pair<detail::FileIdentity, std::size_t>> seen;  // file, its first signal
  for (std::size_t first = 0; first < nsig;) {
    const std::size_t k = group_size(header, first);
    const SignalSpec& spec = header.signals[first];
    const std::filesystem::path path = folder / spec.file_name;
    const detail::SignalFile file(path);
    check_not_an_alias(seen, file.identity(), header, first, path);
    seen.emplace_back(file.identity(), first);
    const std::uint64_t size = file.size();
    if (spec.byte_offset > size) {
      throw_wfdb_at(
          path, size,
          "file ends before the header's byte offset " + std::to_string(spec.byte_offset));
    }
    const std::uint64_t n = samples_in_file(header, spec, k, size - spec.byte_offset, path);
    if (have_length && n != out.samples_per_signal) {
      throw_wfdb(path, "holds " + count_text(n, "samples") +
                           " per signal, other files of the "
                           "record hold " +
                           std::to_string(out.samples_per_signal));
    }
    have_length = true;
    out.samples_per_signal = n;
    const std::uint64_t count = bytes_for(spec.format, n * k);
    charge(bytes_read, count, path);
    const std::vector<unsigned char> bytes = file.read(spec.byte_offset, count);
    for (std::size_t s = first; s < first + k; ++s) out.samples[s].resize(n);
    decode(spec.format, bytes, n * k, first, k, out.samples);
    first += k;
  }
  for (std::size_t s = 0; s < nsig; ++s) {
    std::uint32_t sum = 0;  // wraps modulo 2^32; only its low 16 bits matter
    for (const std::int32_t v : out.samples[s]) sum += static_cast<std::uint32_t>(v);
    out.computed_checksums[s] = static_cast<std::int16_t>(static_cast<std::uint16_t>(sum & 0xFFFF));
  }
  return out;
}

void require_checksums(const RecordHeader& header, const RecordSignals& signals,
                       const std::filesystem::path& folder) {
  for (std::size_t s = 0; s < header.signals.size(); ++s) {
    if (signals.checksum_ok(header, s)) continue;
    throw_wfdb(folder / header.signals[s].file_name,
               "signal " + std::to_string(s) + " (" + header.signals[s].description +
                   "): samples sum to checksum " + std::to_string(signals.computed_checksums[s]) +
                   " but the header states " + std::to_string(*header.signals[s].checksum) +
                   " (corrupt signal file?)");
  }
}

}  // namespace hesplit::ecg
