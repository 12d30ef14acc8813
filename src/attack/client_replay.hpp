#pragma once
// Ground truth for attacks on `paper`, where A never reaches the server in the clear: the
// evaluator (not the attacker) replays the client's training from its seed, its data and the
// dL/dA the server sent in the clear, which reproduces the client's A of every batch exactly
// (the same LibTorch operations in the same order, one thread).
#include <cstdint>
#include <vector>

#include "attack/session_view.hpp"
#include "ecg/beat_dataset.hpp"

namespace hesplit::attack {

// A of each batch of `view.batches` that has dL/dA (others: empty tensor). Throws when the view
// lacks dL/dA for a training batch before the last one needed.
std::vector<nn::FloatTensor> replay_client_activations(const SessionView& view,
                                                       const ecg::BeatSet& train,
                                                       std::uint64_t seed, double client_lr,
                                                       std::size_t needed_batches);

}  // namespace hesplit::attack
