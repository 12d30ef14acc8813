#pragma once
// The client's half of the paper's 1D CNN: Conv1d(1,16,7,pad 3) - LeakyReLU - MaxPool(2) -
// Conv1d(16,8,5,pad 2) - LeakyReLU - MaxPool(2) - flatten, i.e. 1 x 128 samples -> 256 features,
// trained with Adam. Torch stays behind a pimpl so this header is cheap to include.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "nn/float_tensor.hpp"

namespace hesplit::nn {

inline constexpr std::int64_t kInputLength = 128;
inline constexpr std::int64_t kSplitFeatures = 256;

class ClientFront {
 public:
  // Weights exactly as PyTorch initialises this network after torch.manual_seed(seed) (its default
  // Conv1d initialisation, drawn from a private generator seeded with `seed`).
  ClientFront(std::uint64_t seed, double learning_rate);
  ~ClientFront();
  ClientFront(ClientFront&&) noexcept;
  ClientFront& operator=(ClientFront&&) noexcept;

  // Training forward pass of `batch` beats (batch x kInputLength values); keeps the autograd graph
  // for the matching backward_and_step. Returns the activation map, batch x kSplitFeatures.
  FloatTensor forward(std::span<const float> beats, std::size_t batch);
  // Back-propagates dL/dA (same shape as the last forward's output) and takes one Adam step.
  void backward_and_step(const FloatTensor& grad_activations);
  // Inference without a graph.
  FloatTensor infer(std::span<const float> beats, std::size_t count) const;

  // Checkpoint: a PyTorch-compatible pickle of the state dict (torch.load reads it; keys follow
  // nn.Sequential numbering: "0.weight", "0.bias", "3.weight", "3.bias"). Written atomically and
  // owner-only (mode 0600), like the optimizer state below.
  void save(const std::filesystem::path& file) const;
  static ClientFront load(const std::filesystem::path& file, double learning_rate);

  // Adam's state (per parameter: first and second moment estimates and the step count) in the
  // same pickle format, so that a run resumed from a checkpoint continues bit for bit.
  void save_optimizer(const std::filesystem::path& file) const;
  // Replaces the optimizer state; the file must come from a front of the same shape.
  void load_optimizer(const std::filesystem::path& file);

 private:
  struct Impl;
  explicit ClientFront(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hesplit::nn
