#pragma once
// Visual invertibility of the split layer (Abuadbba et al., AsiaCCS 2020): for each beat the
// server saw, distance correlation and DTW distance between the raw beat and each channel of its
// activation map. The map is 8 channels x 32 positions (two max-pools of 2 over 128 samples), so
// the beat is averaged over groups of 4 samples to the same 32 positions; DTW runs on z-scored
// series. A baseline pairs each beat with the activation map of a different beat (what "no
// relation" looks like for these shapes).
#include <cstddef>
#include <span>
#include <vector>

namespace hesplit::attack {

struct ChannelSimilarity {
  std::vector<double> dcor;  // one per beat
  std::vector<double> dtw;
  double dcor_median = 0, dtw_median = 0;
  double dcor_baseline_median = 0, dtw_baseline_median = 0;
};

struct DcorDtw {
  std::size_t samples = 0;
  std::vector<ChannelSimilarity> channels;
  // Per beat, the channel most similar to the input (highest dCor / lowest DTW): what an
  // attacker looking at the map would pick.
  std::vector<double> best_dcor, best_dtw, best_dcor_baseline, best_dtw_baseline;
  double best_dcor_median = 0, best_dtw_median = 0;
  double best_dcor_baseline_median = 0, best_dtw_baseline_median = 0;
};

// beats: n x beat_length, activations: n x (channels x positions), channel-major.
DcorDtw dcor_dtw(std::span<const float> beats, std::size_t beat_length,
                 std::span<const float> activations, std::size_t channels, std::size_t n);

double median(std::vector<double> values);

}  // namespace hesplit::attack
