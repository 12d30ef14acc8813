#include "split/protocols/plain/plain_client.hpp"

#include <charconv>
#include <string>

namespace hesplit::split {

namespace {

std::string number(double value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

}  // namespace

PlainRemoteHead::PlainRemoteHead(Transport& transport, const HeadParams& params)
    : transport_(transport), params_(params) {
  Message hello;
  hello.kind = MessageKind::kHello;
  hello.fields = {{"protocol", kPlainProtocol},
                  {"wire_version", kWireVersion},
                  {"seed", std::to_string(params.seed)},
                  {"server_lr", number(params.server_lr)},
                  {"features", std::to_string(params.features)},
                  {"classes", std::to_string(params.classes)},
                  {"batch_size", std::to_string(params.batch_size)}};
  add_checkpoint_request(hello.fields, params.checkpoints);
  transport_.send(hello);
  const Message ack = expect(transport_, MessageKind::kHelloAck);
  if (ack.field("protocol") != kPlainProtocol) {
    throw TransportError("server answered Hello for protocol \"" + ack.field("protocol") + "\"");
  }
  resumed_from_ = resumed_position(ack, params.checkpoints);
}

nn::FloatTensor PlainRemoteHead::exchange(Message request, MessageKind reply_kind,
                                          std::int64_t columns) {
  const std::int64_t rows = request.only_tensor().dim(0);
  const std::uint32_t epoch = request.epoch;
  const std::uint64_t batch = request.batch;
  transport_.send(request);
  Message reply = expect(transport_, reply_kind);
  if (reply.epoch != epoch || reply.batch != batch) {
    throw TransportError("protocol error: sent epoch " + std::to_string(epoch) + " batch " +
                         std::to_string(batch) + ", received " + describe(reply));
  }
  const nn::FloatTensor& tensor = reply.only_tensor();
  if (tensor.shape != std::vector<std::int64_t>{rows, columns}) {
    throw TransportError("protocol error: " + describe(reply) + " has the wrong shape");
  }
  return std::move(reply.tensors.front());
}

nn::FloatTensor PlainRemoteHead::forward(const BatchId& id, const nn::FloatTensor& activations) {
  Message request{MessageKind::kActivations, id.epoch, id.batch, {}, {activations}, {}};
  return exchange(std::move(request), MessageKind::kLogits, params_.classes);
}

nn::FloatTensor PlainRemoteHead::backward(const BatchId& id, const nn::FloatTensor& logit_grads) {
  Message request{MessageKind::kLogitGrads, id.epoch, id.batch, {}, {logit_grads}, {}};
  return exchange(std::move(request), MessageKind::kInputGrads, params_.features);
}

nn::FloatTensor PlainRemoteHead::infer(const nn::FloatTensor& activations) {
  Message request{MessageKind::kEvalActivations, 0, 0, {}, {activations}, {}};
  return exchange(std::move(request), MessageKind::kEvalLogits, params_.classes);
}

void PlainRemoteHead::finish(const std::map<std::string, std::string>& final_metrics) {
  transport_.send(Message{MessageKind::kGoodbye, 0, 0, final_metrics, {}, {}});
  expect(transport_, MessageKind::kGoodbyeAck);
}

}  // namespace hesplit::split
