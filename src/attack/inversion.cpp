#include "attack/inversion.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "attack/dcor_dtw.hpp"
#include "attack/similarity.hpp"

namespace hesplit::attack {

namespace {

// Activation map (8 x 32) -> beat (128): a small MLP (256-256-256-128) is enough for a 256 -> 128
// map and trains in seconds on two cores.
struct InverseNetImpl : torch::nn::Module {
  InverseNetImpl(std::int64_t features, std::int64_t length)
      : l1(register_module("l1", torch::nn::Linear(features, 256))),
        l2(register_module("l2", torch::nn::Linear(256, 256))),
        l3(register_module("l3", torch::nn::Linear(256, length))) {}
  torch::Tensor forward(torch::Tensor x) {
    x = torch::leaky_relu(l1->forward(x));
    x = torch::leaky_relu(l2->forward(x));
    return l3->forward(x);
  }
  torch::nn::Linear l1, l2, l3;
};
TORCH_MODULE(InverseNet);

torch::Tensor as_matrix(std::span<const float> values, std::size_t rows) {
  const auto cols = static_cast<std::int64_t>(values.size() / rows);
  return torch::from_blob(const_cast<float*>(values.data()),
                          {static_cast<std::int64_t>(rows), cols}, torch::kFloat32)
      .clone();
}

double train_inverse(InverseNet& net, const torch::Tensor& x, const torch::Tensor& y,
                     const InversionOptions& options) {
  torch::optim::Adam optimiser(net->parameters(), torch::optim::AdamOptions(options.learning_rate));
  const std::int64_t n = x.size(0);
  double last = 0;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    const torch::Tensor order = torch::randperm(n, torch::kLong);
    double sum = 0;
    for (std::int64_t begin = 0; begin < n; begin += std::int64_t(options.batch)) {
      const torch::Tensor index =
          order.slice(0, begin, std::min<std::int64_t>(n, begin + std::int64_t(options.batch)));
      optimiser.zero_grad();
      const torch::Tensor loss =
          torch::mse_loss(net->forward(x.index_select(0, index)), y.index_select(0, index));
      loss.backward();
      optimiser.step();
      sum += loss.item<double>() * double(index.size(0));
    }
    last = sum / double(n);
  }
  return last;
}

}  // namespace

Inversion invert_activations(const LabelledBeats& aux, const LabelledBeats& target,
                             std::size_t beat_length, const std::vector<std::string>& class_names,
                             const InversionOptions& options) {
  if (aux.size() == 0 || target.size() == 0) throw std::invalid_argument("inversion: no beats");
  torch::manual_seed(options.seed);
  const torch::Tensor ax = as_matrix(aux.activations, aux.size());
  const torch::Tensor ay = as_matrix(aux.beats, aux.size());
  // Standardise inputs with the auxiliary statistics (the server's own data).
  const torch::Tensor mean = ax.mean(0, true);
  // Features nearly constant on the auxiliary beats get a floor on their scale: otherwise a
  // small shift in the client's maps (other patients) is blown up into a wild reconstruction.
  const torch::Tensor raw_sd = ax.std(0, true, true);
  const torch::Tensor sd = raw_sd.clamp_min(0.1 * raw_sd.mean().item<double>() + 1e-6);
  InverseNet net(ax.size(1), std::int64_t(beat_length));
  Inversion out;
  out.aux_samples = aux.size();
  out.attacked_samples = target.size();
  out.final_train_mse = train_inverse(net, (ax - mean) / sd, ay, options);

  torch::NoGradGuard no_grad;
  const torch::Tensor rec =
      net->forward((as_matrix(target.activations, target.size()) - mean) / sd).contiguous();
  const float* r = rec.data_ptr<float>();

  for (std::size_t c = 0; c < class_names.size(); ++c) {
    // Mean auxiliary beat of the class: the no-activation baseline.
    std::vector<double> mean_beat(beat_length, 0.0);
    std::size_t aux_count = 0;
    for (std::size_t k = 0; k < aux.size(); ++k) {
      if (aux.labels[k] != std::int64_t(c)) continue;
      ++aux_count;
      for (std::size_t i = 0; i < beat_length; ++i) mean_beat[i] += aux.beats[k * beat_length + i];
    }
    for (double& v : mean_beat) v /= double(std::max<std::size_t>(aux_count, 1));
    InversionClass cls;
    cls.name = class_names[c];
    std::vector<double> pearsons, baselines;
    std::vector<std::size_t> members;
    double mse_sum = 0;
    for (std::size_t k = 0; k < target.size(); ++k) {
      if (target.labels[k] != std::int64_t(c)) continue;
      const std::vector<double> truth(target.beats.begin() + std::ptrdiff_t(k * beat_length),
                                      target.beats.begin() + std::ptrdiff_t((k + 1) * beat_length));
      const std::vector<double> guess(r + k * beat_length, r + (k + 1) * beat_length);
      mse_sum += mean_squared_error(truth, guess);
      pearsons.push_back(pearson(truth, guess));
      if (aux_count > 0) baselines.push_back(pearson(truth, mean_beat));
      members.push_back(k);
    }
    if (members.empty()) continue;
    cls.samples = members.size();
    cls.mse = mse_sum / double(members.size());
    std::vector<double> sorted = pearsons;
    std::sort(sorted.begin(), sorted.end());
    cls.pearson = median(pearsons);
    cls.pearson_q1 = sorted[sorted.size() / 4];
    cls.pearson_q3 = sorted[(3 * sorted.size()) / 4];
    cls.baseline_pearson = baselines.empty() ? std::nan("") : median(baselines);
    const std::size_t pick =
        std::min_element(pearsons.begin(), pearsons.end(),
                         [&](double a, double b) {
                           return std::abs(a - cls.pearson) < std::abs(b - cls.pearson);
                         }) -
        pearsons.begin();
    const std::size_t k = members[pick];
    cls.example_original.assign(target.beats.begin() + std::ptrdiff_t(k * beat_length),
                                target.beats.begin() + std::ptrdiff_t((k + 1) * beat_length));
    cls.example_reconstructed.assign(r + k * beat_length, r + (k + 1) * beat_length);
    out.classes.push_back(std::move(cls));
  }
  return out;
}

}  // namespace hesplit::attack
