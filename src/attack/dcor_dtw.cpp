#include "attack/dcor_dtw.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "attack/similarity.hpp"

namespace hesplit::attack {

namespace {

std::vector<double> zscore(std::vector<double> v) {
  double mean = 0;
  for (const double x : v) mean += x;
  mean /= double(v.size());
  double var = 0;
  for (const double x : v) var += (x - mean) * (x - mean);
  const double sd = std::sqrt(var / double(v.size()));
  for (double& x : v) x = sd > 0 ? (x - mean) / sd : 0.0;
  return v;
}

std::vector<double> pooled_beat(std::span<const float> beat, std::size_t positions) {
  const std::size_t group = beat.size() / positions;
  std::vector<double> out(positions, 0.0);
  for (std::size_t p = 0; p < positions; ++p) {
    for (std::size_t i = 0; i < group; ++i) out[p] += beat[p * group + i];
    out[p] /= double(group);
  }
  return out;
}

struct PairScore {
  double dcor;
  double dtw;
};

PairScore score(const std::vector<double>& beat, std::span<const float> channel) {
  const std::vector<double> c(channel.begin(), channel.end());
  return {distance_correlation(beat, c), dtw_distance(zscore(beat), zscore(c)) / double(c.size())};
}

}  // namespace

double median(std::vector<double> values) {
  if (values.empty()) return std::nan("");
  const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  if (values.size() % 2 == 1) return *mid;
  return (*mid + *std::max_element(values.begin(), mid)) / 2;
}

DcorDtw dcor_dtw(std::span<const float> beats, std::size_t beat_length,
                 std::span<const float> activations, std::size_t channels, std::size_t n) {
  if (n < 2 || beats.size() != n * beat_length || activations.size() % n != 0 ||
      (activations.size() / n) % channels != 0) {
    throw std::invalid_argument("dcor/dtw: beats and activation maps do not match");
  }
  const std::size_t features = activations.size() / n;
  const std::size_t positions = features / channels;
  if (beat_length % positions != 0) throw std::invalid_argument("dcor/dtw: beat length");
  DcorDtw out;
  out.samples = n;
  out.channels.resize(channels);
  std::vector<std::vector<double>> base_dcor(channels), base_dtw(channels);
  for (std::size_t k = 0; k < n; ++k) {
    const auto beat = pooled_beat(beats.subspan(k * beat_length, beat_length), positions);
    const std::size_t other = (k + n / 2) % n;  // a different beat for the baseline
    double best_dcor = 0, best_dtw = 1e300, best_bdcor = 0, best_bdtw = 1e300;
    for (std::size_t c = 0; c < channels; ++c) {
      const PairScore s = score(beat, activations.subspan(k * features + c * positions, positions));
      const PairScore b =
          score(beat, activations.subspan(other * features + c * positions, positions));
      out.channels[c].dcor.push_back(s.dcor);
      out.channels[c].dtw.push_back(s.dtw);
      base_dcor[c].push_back(b.dcor);
      base_dtw[c].push_back(b.dtw);
      best_dcor = std::max(best_dcor, s.dcor);
      best_dtw = std::min(best_dtw, s.dtw);
      best_bdcor = std::max(best_bdcor, b.dcor);
      best_bdtw = std::min(best_bdtw, b.dtw);
    }
    out.best_dcor.push_back(best_dcor);
    out.best_dtw.push_back(best_dtw);
    out.best_dcor_baseline.push_back(best_bdcor);
    out.best_dtw_baseline.push_back(best_bdtw);
  }
  for (std::size_t c = 0; c < channels; ++c) {
    ChannelSimilarity& ch = out.channels[c];
    ch.dcor_median = median(ch.dcor);
    ch.dtw_median = median(ch.dtw);
    ch.dcor_baseline_median = median(base_dcor[c]);
    ch.dtw_baseline_median = median(base_dtw[c]);
  }
  out.best_dcor_median = median(out.best_dcor);
  out.best_dtw_median = median(out.best_dtw);
  out.best_dcor_baseline_median = median(out.best_dcor_baseline);
  out.best_dtw_baseline_median = median(out.best_dtw_baseline);
  return out;
}

}  // namespace hesplit::attack
