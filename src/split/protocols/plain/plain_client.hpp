#pragma once
// The client side of the `plain` protocol (PROTOCOL.md): A in the clear to the server, Z back,
// G to the server, dL/dA back. One round trip for the forward, one for the backward.
#include <cstdint>
#include <optional>

#include "split/head_session.hpp"
#include "split/session/session_checkpoints.hpp"
#include "split/transport.hpp"

namespace hesplit::split {

inline constexpr const char* kPlainProtocol = "plain";
inline constexpr const char* kWireVersion = "1";

// What the client asks the server to set up in Hello.
struct HeadParams {
  std::uint64_t seed = 0;
  double server_lr = 1e-2;
  std::int64_t features = 256;
  std::int64_t classes = 5;
  std::size_t batch_size = 4;
  CheckpointRequest checkpoints{};  // run id, interval, positions to resume from (issue 9)
};

class PlainRemoteHead final : public HeadSession {
 public:
  // Sends Hello and waits for the server's acknowledgement (throws if it refuses).
  PlainRemoteHead(Transport& transport, const HeadParams& params);

  nn::FloatTensor forward(const BatchId& id, const nn::FloatTensor& activations) override;
  nn::FloatTensor backward(const BatchId& id, const nn::FloatTensor& logit_grads) override;
  nn::FloatTensor infer(const nn::FloatTensor& activations) override;
  void finish(const std::map<std::string, std::string>& final_metrics) override;
  Traffic traffic() const override { return transport_.traffic(); }
  // Where the session resumes (the server's choice among params.checkpoints.resume), if it does.
  const std::optional<CheckpointPosition>& resumed_from() const { return resumed_from_; }

 private:
  // Sends `request`, receives the reply of kind `reply_kind` for the same epoch and batch, and
  // checks that its single tensor has `rows` x `columns` values.
  nn::FloatTensor exchange(Message request, MessageKind reply_kind, std::int64_t columns);

  Transport& transport_;
  HeadParams params_;
  std::optional<CheckpointPosition> resumed_from_;
};

}  // namespace hesplit::split
