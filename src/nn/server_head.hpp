#pragma once
// The server's half: one Linear(features, classes) layer trained with plain SGD. The update is
// kept explicit (W -= lr G^T A, b -= lr sum_k g_k) because the HE protocols perform exactly this
// linear update on encrypted values.
#include <cstdint>
#include <filesystem>
#include <memory>

#include "nn/float_tensor.hpp"

namespace hesplit::nn {

class ServerHead {
 public:
  // Weights exactly as PyTorch initialises nn.Linear(features, classes) right after the client
  // front, following torch.manual_seed(seed): the whole split network starts like the PyTorch one.
  ServerHead(std::int64_t features, std::int64_t classes, std::uint64_t seed, double learning_rate);
  ~ServerHead();
  ServerHead(ServerHead&&) noexcept;
  ServerHead& operator=(ServerHead&&) noexcept;

  // Z = A W^T + b for a batch; remembers A for the update.
  FloatTensor forward(const FloatTensor& activations);
  // dL/dA = G W for the logit gradients G of the last forward; remembers G for the update.
  FloatTensor backward(const FloatTensor& logit_grads);
  // SGD step with the remembered A and G (callable after the reply to the client has left).
  void step();
  // Logits without touching the training state.
  FloatTensor infer(const FloatTensor& activations) const;

  std::int64_t features() const;
  std::int64_t classes() const;

  // The current parameters as plain data (the HE protocols encode them into their own layouts).
  FloatTensor weight() const;  // classes x features
  FloatTensor bias() const;    // classes
  // A head with exactly these parameters (shapes [classes, features] and [classes]).
  static ServerHead from_parameters(const FloatTensor& weight, const FloatTensor& bias,
                                    double learning_rate);

  // Checkpoint as a PyTorch-compatible pickle of the state dict {"weight", "bias"} (nn.Linear),
  // written atomically (report::write_file_atomic).
  void save(const std::filesystem::path& file) const;
  static ServerHead load(const std::filesystem::path& file, double learning_rate);

 private:
  struct Impl;
  explicit ServerHead(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hesplit::nn
