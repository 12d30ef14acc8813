#pragma once
// Refresh recovery against `paper` (honest-but-curious server, PROTOCOL.md "What it leaks"): the
// server knows W before and W' after each masked refresh and holds the clear G, so
// dL/dW = (W - W') / eta = G^T A. It solves for A: A = (G G^T)^{-1} G dL/dW when G has full row
// rank (batch <= 4: the rows of G sum to zero, so rank G <= classes - 1), and the minimum-norm
// solution (the projection of A onto G's row space) beyond. The CKKS noise on W' is the defence.
#include <cstddef>
#include <vector>

#include "nn/float_tensor.hpp"

namespace hesplit::attack {

struct RefreshBatch {
  nn::FloatTensor logit_grads;       // G, rows x classes
  nn::FloatTensor weight_step;       // W' - W, classes x features
  nn::FloatTensor true_activations;  // A (ground truth for scoring), rows x features
};

struct RefreshRecovery {
  std::size_t batches = 0;
  std::size_t samples = 0;
  std::vector<double> relative_errors;  // per batch: |A_hat - A|_F / |A|_F
  std::vector<double> pearsons;         // per sample: Pearson(A_hat row, A row)
  double median_relative_error = 0, relative_error_q1 = 0, relative_error_q3 = 0;
  double median_pearson = 0, pearson_q1 = 0, pearson_q3 = 0;
};

RefreshRecovery refresh_recovery(const std::vector<RefreshBatch>& batches, double eta);

}  // namespace hesplit::attack
