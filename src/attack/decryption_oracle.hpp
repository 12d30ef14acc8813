#pragma once
// Decryption oracle against `paper` (a deviating server): it sends the client's own Enc(A) in
// place of Enc(W' + M), arranged so that the client's unpacking of the refresh lays one sample of
// A into the entries of diagonal t (server: --adversary decryption-oracle). The client decrypts
// and returns it in the clear; this reads the samples back out of the returned matrix.
#include <cstddef>
#include <vector>

#include "nn/float_tensor.hpp"

namespace hesplit::attack {

// The four samples (one per diagonal t) in the returned classes x features matrix, each the mean
// of every entry that holds it. Uses the packing's layout (packing/layout.hpp).
std::vector<std::vector<double>> decode_oracle_return(const nn::FloatTensor& returned);

struct OracleBatch {
  nn::FloatTensor samples;  // indices within the batch, one per diagonal
  nn::FloatTensor returned;
  nn::FloatTensor true_activations;  // rows x features (ground truth)
};

struct DecryptionOracle {
  std::size_t batches = 0;
  std::vector<double> relative_errors;  // per batch, over the recovered samples
  double median_relative_error = 0, max_relative_error = 0;
};

DecryptionOracle decryption_oracle(const std::vector<OracleBatch>& batches);

}  // namespace hesplit::attack
