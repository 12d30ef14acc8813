#pragma once
// Internal to hesplit_nn: conversions between FloatTensor and torch::Tensor, and the seeded
// PyTorch-style initialisation. Includes torch; never include it from a public header.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>

#include <cstdint>
#include <span>

#include "nn/float_tensor.hpp"

namespace hesplit::nn::detail {

// Copies the values into a new torch tensor (the FloatTensor may go away afterwards).
inline torch::Tensor to_torch(const FloatTensor& tensor) {
  return torch::from_blob(const_cast<float*>(tensor.data.data()), tensor.shape, torch::kFloat32)
      .clone();
}

inline torch::Tensor to_torch(std::span<const float> values, std::vector<std::int64_t> shape) {
  return torch::from_blob(const_cast<float*>(values.data()), shape, torch::kFloat32).clone();
}

inline FloatTensor from_torch(const torch::Tensor& tensor) {
  const torch::Tensor dense = tensor.detach().to(torch::kFloat32).contiguous();
  FloatTensor out;
  out.shape.assign(dense.sizes().begin(), dense.sizes().end());
  const float* begin = dense.data_ptr<float>();
  out.data.assign(begin, begin + dense.numel());
  return out;
}

// PyTorch's default initialisation of Conv1d and Linear, computed exactly as torch.nn.init does:
// weight ~ kaiming_uniform_(a = sqrt(5)), bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), weight first.
// Drawn from an explicit generator (roles in threads of one process must not share RNG state),
// seeded like torch.manual_seed(seed), so the starting point equals PyTorch's for the same seed.
inline void init_like_pytorch(torch::Tensor& weight, torch::Tensor& bias, std::int64_t fan_in,
                              at::Generator& generator) {
  torch::NoGradGuard no_grad;
  const double a = std::sqrt(5.0);
  const double gain = std::sqrt(2.0 / (1.0 + a * a));
  const double weight_bound = std::sqrt(3.0) * (gain / std::sqrt(static_cast<double>(fan_in)));
  const double bias_bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  weight.uniform_(-weight_bound, weight_bound, generator);
  bias.uniform_(-bias_bound, bias_bound, generator);
}

// Shapes and fan-ins of the client front's two convolutions, in construction order.
struct ConvShape {
  std::vector<std::int64_t> weight;
  std::int64_t out_channels;
  std::int64_t fan_in;
};
inline const std::vector<ConvShape>& front_conv_shapes() {
  static const std::vector<ConvShape> shapes{{{16, 1, 7}, 16, 1 * 7}, {{8, 16, 5}, 8, 16 * 5}};
  return shapes;
}

// The generator a PyTorch script would have after torch.manual_seed(seed) and building the client
// front: the server head continues the stream where the front's initialisation ended, so the
// whole split network starts exactly as `nn.Sequential(front..., nn.Linear(256, c))` would.
inline at::Generator generator_after_front(std::uint64_t seed) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (const ConvShape& conv : front_conv_shapes()) {
    torch::Tensor weight = torch::empty(conv.weight, torch::kFloat32);
    torch::Tensor bias = torch::empty({conv.out_channels}, torch::kFloat32);
    init_like_pytorch(weight, bias, conv.fan_in, generator);
  }
  return generator;
}

}  // namespace hesplit::nn::detail
