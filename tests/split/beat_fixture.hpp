#pragma once
// Small in-memory beat datasets for training tests: each class is a distinct wave shape with a
// deterministic per-beat phase and amplitude jitter, so a model can learn it in a few batches.
#include <cmath>
#include <cstdint>

#include "ecg/beat_dataset.hpp"

namespace hesplit::test {

inline ecg::BeatSet synthetic_beats(std::size_t count, std::size_t classes, std::uint64_t salt) {
  ecg::BeatSet set;
  set.x.resize(count * ecg::kBeatLength);
  for (std::size_t i = 0; i < count; ++i) {
    const auto label = static_cast<std::int64_t>((i * 7 + salt) % classes);
    // Jitter from a Weyl sequence: reproducible, no RNG state.
    const double jitter = std::fmod(0.6180339887 * static_cast<double>(i + 31 * salt), 1.0);
    for (std::size_t t = 0; t < ecg::kBeatLength; ++t) {
      const double phase = 2.0 * M_PI * static_cast<double>(t) / ecg::kBeatLength;
      const double wave = std::sin(static_cast<double>(label + 1) * phase + jitter);
      set.x[i * ecg::kBeatLength + t] = static_cast<float>(0.5 + (0.3 + 0.1 * jitter) * wave);
    }
    set.y.push_back(label);
    set.record.push_back(100 + static_cast<std::int32_t>(label));
    set.r_peak.push_back(static_cast<std::int64_t>(1000 + i));
  }
  return set;
}

inline ecg::BeatDataset synthetic_dataset(std::size_t train, std::size_t test,
                                          std::size_t classes = 5) {
  ecg::BeatDataset dataset;
  dataset.train = synthetic_beats(train, classes, 0);
  dataset.test = synthetic_beats(test, classes, 3);
  dataset.split = "paper";
  dataset.seed = 0;
  for (std::size_t c = 0; c < classes; ++c) {
    dataset.extraction.records.push_back(100 + static_cast<std::int32_t>(c));
  }
  const char* names[] = {"N", "L", "R", "A", "V"};
  for (std::size_t c = 0; c < classes && c < 5; ++c) dataset.class_names.emplace_back(names[c]);
  return dataset;
}

}  // namespace hesplit::test
