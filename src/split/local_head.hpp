#pragma once
// The `local` protocol: the server layer lives in the client's process and is called directly,
// with exactly the operations the plain server performs, so local and plain runs match bit for bit.
#include <filesystem>
#include <optional>

#include "nn/server_head.hpp"
#include "split/head_session.hpp"

namespace hesplit::split {

class LocalHead final : public HeadSession {
 public:
  // The head's checkpoint goes to `checkpoint` (if set) when the session finishes.
  LocalHead(nn::ServerHead head, std::optional<std::filesystem::path> checkpoint);

  nn::FloatTensor forward(const BatchId& id, const nn::FloatTensor& activations) override;
  nn::FloatTensor backward(const BatchId& id, const nn::FloatTensor& logit_grads) override;
  nn::FloatTensor infer(const nn::FloatTensor& activations) override;
  void finish(const std::map<std::string, std::string>& final_metrics) override;
  Traffic traffic() const override { return {}; }

 private:
  nn::ServerHead head_;
  std::optional<std::filesystem::path> checkpoint_;
};

}  // namespace hesplit::split
