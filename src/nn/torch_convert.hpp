#pragma once
// Internal to hesplit_nn: conversions between FloatTensor and torch::Tensor, and the seeded
// PyTorch-style initialisation. Includes torch; never include it from a public header.
#include <torch/torch.h>

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

// PyTorch's default for Conv1d and Linear (kaiming_uniform with a = sqrt(5), which reduces to
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weight, the same bound for the bias), drawn from an
// explicit generator so that roles running in threads of one process do not share RNG state.
inline void init_like_pytorch(torch::Tensor& weight, torch::Tensor& bias, std::int64_t fan_in,
                              at::Generator& generator) {
  torch::NoGradGuard no_grad;
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  weight.uniform_(-bound, bound, generator);
  bias.uniform_(-bound, bound, generator);
}

// Independent streams for the client and the server from one user seed.
inline constexpr std::uint64_t kClientStream = 0x636c69656e74ULL;  // "client"
inline constexpr std::uint64_t kServerStream = 0x736572766572ULL;  // "server"

inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  // splitmix64 finaliser: distinct, well-mixed generator seeds for distinct streams.
  std::uint64_t z = seed + stream * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace hesplit::nn::detail
