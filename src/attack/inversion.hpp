#pragma once
// Input reconstruction from activation maps (plain): the server trains an inverse network
// (activation map -> beat) on auxiliary beats it owns, whose activation maps it obtains from the
// client's front network, and applies it to the activation maps it received. Torch is only in the
// .cpp file.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace hesplit::attack {

struct InversionOptions {
  int epochs = 20;
  std::size_t batch = 128;
  std::size_t max_aux = 10000;  // auxiliary beats used (evenly spread), bounds the training time
  double learning_rate = 1e-3;
  std::uint64_t seed = 0;
};

struct LabelledBeats {
  std::span<const float> beats;        // n x beat_length
  std::span<const float> activations;  // n x features
  std::span<const std::int64_t> labels;
  std::size_t size() const { return labels.size(); }
};

struct InversionClass {
  std::string name;
  std::size_t samples = 0;
  double mse = 0;      // mean over the class's beats of the per-beat MSE
  double pearson = 0;  // median over the class's beats of the per-beat Pearson correlation
  double pearson_q1 = 0, pearson_q3 = 0;
  // What the server knows without the activation map: the mean auxiliary beat of the class
  // (even granting it the label). Pearson of the true beat with it, median over the class.
  double baseline_pearson = 0;
  std::vector<float> example_original;  // the beat with the median Pearson correlation
  std::vector<float> example_reconstructed;
};

struct Inversion {
  std::size_t aux_samples = 0;
  std::size_t attacked_samples = 0;
  double final_train_mse = 0;
  std::vector<InversionClass> classes;  // classes present among the attacked beats
};

Inversion invert_activations(const LabelledBeats& aux, const LabelledBeats& target,
                             std::size_t beat_length, const std::vector<std::string>& class_names,
                             const InversionOptions& options);

}  // namespace hesplit::attack
