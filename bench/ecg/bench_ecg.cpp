// Benchmarks of the ECG layer on the real MIT-BIH data: a full `prepare` (read 43 records,
// extract 96,049 beats, split), one record read, and one beat's resampling + denoising.
// The data folder is $HESPLIT_MITDB or data/mitdb in the source tree.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "ecg/beat_extraction.hpp"
#include "ecg/fourier_resample.hpp"
#include "ecg/mitdb_records.hpp"
#include "ecg/parallel_for.hpp"
#include "ecg/prepare.hpp"
#include "ecg/wfdb_record.hpp"

namespace {

using hesplit::ecg::PrepareOptions;

std::optional<std::filesystem::path> mitdb() {
  const char* env = std::getenv("HESPLIT_MITDB");
  const std::filesystem::path dir =
      env != nullptr && *env != '\0' ? std::filesystem::path(env)
                                     : std::filesystem::path(HESPLIT_SOURCE_DIR) / "data" / "mitdb";
  if (!std::filesystem::exists(dir / "100.hea")) return std::nullopt;
  return dir;
}

// Full prepare of the paper split with state.range(0) threads (0: all cores).
void BM_PrepareAll(benchmark::State& state) {
  const auto dir = mitdb();
  if (!dir) {
    state.SkipWithError("MIT-BIH data not found (set HESPLIT_MITDB)");
    return;
  }
  PrepareOptions options;
  options.mitdb_dir = *dir;
  options.threads = static_cast<int>(state.range(0));
  std::size_t beats = 0;
  for (auto _ : state) {
    const auto dataset = hesplit::ecg::prepare_dataset(options);
    beats = dataset.train.size() + dataset.test.size();
    benchmark::DoNotOptimize(beats);
  }
  state.counters["records"] = 43;
  state.counters["split_beats"] = static_cast<double>(beats);
}
BENCHMARK(BM_PrepareAll)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// One record: header, both 212 signals (650,000 samples each, checksums), annotations.
void BM_ReadRecord(benchmark::State& state) {
  const auto dir = mitdb();
  if (!dir) {
    state.SkipWithError("MIT-BIH data not found (set HESPLIT_MITDB)");
    return;
  }
  for (auto _ : state) {
    const auto record = hesplit::ecg::read_record(*dir / "100", "atr", true);
    benchmark::DoNotOptimize(record.signals.samples[0].data());
  }
  state.SetBytesProcessed(state.iterations() * 1950000);
}
BENCHMARK(BM_ReadRecord)->Unit(benchmark::kMillisecond);

// All 48 records read (headers, signals with checksums, annotations) on state.range(0) threads.
void BM_ReadAll48(benchmark::State& state) {
  const auto dir = mitdb();
  if (!dir) {
    state.SkipWithError("MIT-BIH data not found (set HESPLIT_MITDB)");
    return;
  }
  const auto& records = hesplit::ecg::kMitdbRecords;
  for (auto _ : state) {
    hesplit::ecg::parallel_for(
        records.size(), static_cast<unsigned>(state.range(0)), [] { return 0; },
        [&](int&, std::size_t i) {
          const auto r = hesplit::ecg::read_record(*dir / std::to_string(records[i]), "atr", true);
          hesplit::ecg::require_checksums(r.header, r.signals, r.folder);
          benchmark::DoNotOptimize(r.signals.samples[0].data());
        });
  }
  state.counters["records"] = static_cast<double>(records.size());
}
BENCHMARK(BM_ReadAll48)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Steps 4 and 5 for one beat: Fourier resampling 201 -> 128 and bior4.4 denoising.
void BM_ProcessBeat(benchmark::State& state) {
  const hesplit::ecg::ExtractionSettings settings;
  const hesplit::ecg::FourierResampler resampler(201, 128);
  hesplit::ecg::BeatProcessor processor(resampler, settings);
  std::vector<double> window(201);
  for (std::size_t i = 0; i < window.size(); ++i)
    window[i] = 0.5 + 0.001 * static_cast<double>(i % 17);
  for (auto _ : state) {
    auto beat = processor.process(window);
    benchmark::DoNotOptimize(beat.data());
  }
}
BENCHMARK(BM_ProcessBeat)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
