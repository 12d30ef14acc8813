#pragma once
// A recorded server view (split/server_view_file.hpp) reduced to what the attacks use: the clear
// tensors the server received per training batch, and an account of everything else (ciphertext
// bytes), so that an attack can say precisely what it had as input.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nn/float_tensor.hpp"

namespace hesplit::attack {

struct ViewBatch {
  std::uint32_t epoch = 0;  // 1-based, as the client numbers them
  std::uint64_t batch = 0;  // 0-based within the epoch: samples batch*B .. batch*B + rows - 1
  std::optional<nn::FloatTensor> activations;  // A, if it arrived in the clear
  std::optional<nn::FloatTensor> logit_grads;  // G, if it arrived in the clear
  // paper: dL/dA the server sent in the clear (lets the evaluator replay the client for ground
  // truth) and W' - W of this batch's refresh, which the server computed.
  std::optional<nn::FloatTensor> input_grads;
  std::optional<nn::FloatTensor> weight_step;
  // --adversary decryption-oracle: the samples whose Enc(A) the server sent in place of the
  // refresh, and the "W' + M" the client returned for them.
  std::optional<nn::FloatTensor> oracle_samples;
  std::optional<nn::FloatTensor> oracle_return;
};

struct SessionView {
  std::filesystem::path file;
  std::string protocol;
  std::map<std::string, std::string> hello;
  std::size_t batch_size = 0;
  std::size_t classes = 0;
  std::uint32_t last_epoch = 0;
  // G of every training batch (small); A only of `activations_epoch` (the last unless asked).
  std::vector<ViewBatch> batches;
  std::uint32_t activations_epoch = 0;
  // Inventory of the whole view.
  std::uint64_t messages_received = 0;
  std::uint64_t clear_values_received = 0;      // float32 values in received tensors
  std::uint64_t ciphertext_bytes_received = 0;  // bytes in received blobs
  std::uint64_t computed_records = 0;
  std::map<std::string, std::uint64_t> blob_bytes_by_message;  // "activations" -> bytes
};

// Reads one .hsview file. `activations_epoch`: epoch whose activation maps are kept (0: last).
SessionView load_session_view(const std::filesystem::path& file, std::uint32_t activations_epoch);

// The .hsview files directly in `dir` or in `dir`/server-view, sorted by name.
std::vector<std::filesystem::path> find_view_files(const std::filesystem::path& dir);

}  // namespace hesplit::attack
