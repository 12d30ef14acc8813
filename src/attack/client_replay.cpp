#include "attack/client_replay.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "attack/batch_samples.hpp"
#include "nn/client_front.hpp"

namespace hesplit::attack {

std::vector<nn::FloatTensor> replay_client_activations(const SessionView& view,
                                                       const ecg::BeatSet& train,
                                                       std::uint64_t seed, double client_lr,
                                                       std::size_t needed_batches) {
  nn::ClientFront front(seed, client_lr);
  std::vector<nn::FloatTensor> out;
  for (const ViewBatch& b : view.batches) {
    if (out.size() >= needed_batches) break;
    if (!b.input_grads || !b.logit_grads) {
      throw std::runtime_error(fmt::format(
          "replay: epoch {} batch {} has no clear dL/dA in the view (not a paper session?)",
          b.epoch, b.batch));
    }
    const std::size_t rows = std::size_t(b.logit_grads->dim(0));
    const std::size_t begin = first_sample(view.file, b, view.batch_size, rows, train.size());
    out.push_back(front.forward(
        std::span<const float>(train.x).subspan(begin * ecg::kBeatLength, rows * ecg::kBeatLength),
        rows));
    front.backward_and_step(*b.input_grads);
  }
  return out;
}

}  // namespace hesplit::attack
