#include "split/message.hpp"

#include <charconv>
#include <stdexcept>

namespace hesplit::split {

std::string to_string(MessageKind kind) {
  switch (kind) {
    case MessageKind::kHello:
      return "hello";
    case MessageKind::kHelloAck:
      return "hello-ack";
    case MessageKind::kActivations:
      return "activations";
    case MessageKind::kLogits:
      return "logits";
    case MessageKind::kLogitGrads:
      return "logit-gradients";
    case MessageKind::kInputGrads:
      return "activation-gradients";
    case MessageKind::kEvalActivations:
      return "eval-activations";
    case MessageKind::kEvalLogits:
      return "eval-logits";
    case MessageKind::kGoodbye:
      return "goodbye";
    case MessageKind::kGoodbyeAck:
      return "goodbye-ack";
  }
  return "kind " + std::to_string(static_cast<std::uint32_t>(kind));
}

std::string describe(const Message& message) {
  return to_string(message.kind) + " (epoch " + std::to_string(message.epoch) + ", batch " +
         std::to_string(message.batch) + ")";
}

const std::string& Message::field(const std::string& key) const {
  const auto it = fields.find(key);
  if (it == fields.end()) {
    throw std::runtime_error(describe(*this) + " lacks the field \"" + key + "\"");
  }
  return it->second;
}

double Message::number_field(const std::string& key) const {
  const std::string& text = field(key);
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw std::runtime_error(describe(*this) + ": field \"" + key + "\" is not a number: \"" +
                             text + "\"");
  }
  return value;
}

const nn::FloatTensor& Message::only_tensor() const {
  if (tensors.size() != 1) {
    throw std::runtime_error(describe(*this) + " should carry one tensor, has " +
                             std::to_string(tensors.size()));
  }
  return tensors.front();
}

}  // namespace hesplit::split
