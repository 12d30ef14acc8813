// prepare_dataset: records -> beats (in parallel) -> split -> BeatDataset.
#include "prepare.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <stdexcept>

#include "beat_extraction.hpp"
#include "class_scheme.hpp"
#include "mitdb_records.hpp"
#include "parallel_for.hpp"
#include "splits.hpp"
#include "wfdb_error.hpp"
#include "wfdb_record.hpp"

namespace hesplit::ecg {
namespace {

// One record: read, verify checksums, pick MLII by its description, extract beats.
BeatSet record_beats(const std::filesystem::path& mitdb_dir, std::int32_t record,
                     ClassScheme classes, const ExtractionSettings& settings,
                     BeatProcessor& processor) {
  const auto rec = read_record(mitdb_dir / std::to_string(record), "atr", true);
  require_checksums(rec.header, rec.signals, rec.folder);
  const auto header_file = mitdb_dir / (std::to_string(record) + ".hea");
  const auto channel = rec.header.find_signal(settings.channel);
  if (!channel) throw_wfdb(header_file, "no signal described as " + settings.channel);
  const auto& time_resolution = rec.annotations->time_resolution;
  if (time_resolution && *time_resolution != rec.header.sampling_frequency) {
    throw_wfdb(mitdb_dir / (std::to_string(record) + ".atr"),
               "annotation time resolution differs from the sampling frequency (not supported)");
  }
  const auto& samples = rec.signals.samples[*channel];
  if (std::adjacent_find(samples.begin(), samples.end(), std::not_equal_to<>()) == samples.end()) {
    throw_wfdb(header_file, "signal " + settings.channel + " is constant: cannot scale it");
  }
  const auto scaled = minmax_scaled(samples, rec.header.signals[*channel]);
  const auto windows =
      select_beat_windows(*rec.annotations, rec.signals.samples_per_signal, classes, settings);
  BeatSet beats;
  beats.x.reserve(windows.size() * kBeatLength);
  extract_record_beats(scaled, record, windows, settings, processor, beats);
  return beats;
}

void append(BeatSet& to, const BeatSet& from) {
  to.x.insert(to.x.end(), from.x.begin(), from.x.end());
  to.y.insert(to.y.end(), from.y.begin(), from.y.end());
  to.record.insert(to.record.end(), from.record.begin(), from.record.end());
  to.r_peak.insert(to.r_peak.end(), from.r_peak.begin(), from.r_peak.end());
}

BeatSet gather(const BeatSet& pool, const std::vector<std::size_t>& indices) {
  BeatSet out;
  out.x.reserve(indices.size() * kBeatLength);
  for (const std::size_t i : indices) {
    const auto first = pool.x.begin() + static_cast<std::ptrdiff_t>(i * kBeatLength);
    out.x.insert(out.x.end(), first, first + static_cast<std::ptrdiff_t>(kBeatLength));
    out.y.push_back(pool.y[i]);
    out.record.push_back(pool.record[i]);
    out.r_peak.push_back(pool.r_peak[i]);
  }
  return out;
}

template <std::size_t N>
std::vector<std::int32_t> to_vector(const std::array<std::int32_t, N>& a) {
  return {a.begin(), a.end()};
}

}  // namespace

std::vector<std::int32_t> split_records(SplitKind split) {
  if (split == SplitKind::kPatients) {
    auto records = to_vector(kDeChazalDs1);
    records.insert(records.end(), kDeChazalDs2.begin(), kDeChazalDs2.end());
    std::sort(records.begin(), records.end());
    return records;
  }
  std::vector<std::int32_t> records;
  for (const auto r : kMitdbRecords) {
    if (std::find(kPaperExcluded.begin(), kPaperExcluded.end(), r) == kPaperExcluded.end()) {
      records.push_back(r);
    }
  }
  return records;
}

BeatSet extract_beats(const std::filesystem::path& mitdb_dir,
                      const std::vector<std::int32_t>& records, ClassScheme classes, int threads,
                      const PrepareProgress& progress) {
  const ExtractionSettings settings;
  const auto width = static_cast<std::size_t>(settings.window_before + settings.window_after + 1);
  const FourierResampler resampler(width, kBeatLength);  // planned once, on this thread
  std::vector<BeatSet> per_record(records.size());
  std::mutex progress_mutex;
  std::size_t done = 0;
  parallel_for(
      records.size(), resolve_threads(threads, records.size()),
      [&] { return BeatProcessor(resampler, settings); },
      [&](BeatProcessor& processor, std::size_t i) {
        per_record[i] = record_beats(mitdb_dir, records[i], classes, settings, processor);
        const std::lock_guard lock(progress_mutex);
        ++done;
        if (progress) progress(done, records.size());
      });
  BeatSet pool;
  for (const auto& beats : per_record) append(pool, beats);
  return pool;
}

BeatDataset prepare_dataset(const PrepareOptions& options, const PrepareProgress& progress) {
  if (options.split == SplitKind::kPaper && options.classes != ClassScheme::kNlrav) {
    throw std::invalid_argument(
        "split paper reproduces the published N/L/R/A/V dataset; use --classes nlrav with it");
  }
  BeatDataset dataset;
  dataset.split = split_name(options.split);
  dataset.seed = options.seed;
  dataset.class_names = class_names(options.classes);
  dataset.extraction.records = split_records(options.split);
  const BeatSet pool = extract_beats(options.mitdb_dir, dataset.extraction.records, options.classes,
                                     options.threads, progress);
  dataset.extraction.extracted_per_class.assign(dataset.class_names.size(), 0);
  for (const auto y : pool.y) ++dataset.extraction.extracted_per_class[static_cast<std::size_t>(y)];
  SplitIndices split;
  switch (options.split) {
    case SplitKind::kPaper:
      split = paper_split(pool.y, options.classes, options.seed);
      break;
    case SplitKind::kBeats:
      split = beats_split(pool.y, options.classes, options.seed);
      break;
    case SplitKind::kPatients:
      split = patients_split(pool.record);
      break;
    case SplitKind::kAll:
      split = all_split(pool.size());
      break;
  }
  dataset.train = gather(pool, split.train);
  dataset.test = gather(pool, split.test);
  return dataset;
}

std::string split_name(SplitKind split) {
  switch (split) {
    case SplitKind::kPaper:
      return "paper";
    case SplitKind::kBeats:
      return "beats";
    case SplitKind::kPatients:
      return "patients";
    case SplitKind::kAll:
      return "all";
  }
  return "unknown";
}

SplitKind parse_split(const std::string& name) {
  for (const auto kind :
       {SplitKind::kPaper, SplitKind::kBeats, SplitKind::kPatients, SplitKind::kAll}) {
    if (split_name(kind) == name) return kind;
  }
  throw std::invalid_argument("unknown split '" + name + "' (paper, beats, patients or all)");
}

ClassScheme parse_class_scheme(const std::string& name) {
  if (name == "nlrav") return ClassScheme::kNlrav;
  if (name == "aami") return ClassScheme::kAami;
  throw std::invalid_argument("unknown classes '" + name + "' (nlrav or aami)");
}

}  // namespace hesplit::ecg
