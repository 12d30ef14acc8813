#include "split/protocols/plain/plain_server.hpp"

#include <charconv>
#include <optional>

#include "nn/server_head.hpp"
#include "split/protocols/plain/plain_client.hpp"
#include "split/session/run_owner.hpp"
#include "split/session/session_checkpoints.hpp"

namespace hesplit::split {

namespace {

constexpr std::int64_t kMaxFeatures = 1 << 16;
constexpr std::int64_t kMaxClasses = 1 << 10;

std::uint64_t parse_seed(const Message& hello) {
  const std::string& text = hello.field("seed");
  std::uint64_t seed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seed);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw TransportError("hello: \"seed\" is not an unsigned integer: \"" + text + "\"");
  }
  return seed;
}

class PlainServer {
 public:
  PlainServer(Transport& transport, const Message& hello, const ServerOptions& options)
      : transport_(transport),
        options_(options),
        head_(bounded_hello_integer(hello, "features", 1, kMaxFeatures),
              bounded_hello_integer(hello, "classes", 2, kMaxClasses), parse_seed(hello),
              hello.number_field("server_lr")),
        checkpoints_(batch_checkpoint_root(options), options.live_runs.get(), hello,
                     {"protocol", "seed", "server_lr", "features", "classes"}, kRunProofField,
                     options.max_checkpoint_runs) {
    report_.protocol = kPlainProtocol;
    if (const auto& from = checkpoints_.resume(); from && *from != kStartPosition) {
      head_ = nn::ServerHead::load(checkpoints_.folder(*from) / kServerCheckpoint,
                                   hello.number_field("server_lr"));
      batches_before_ = from->global_batches;
    }
  }

  SessionReport run() {
    transport_.send(Message{MessageKind::kHelloAck, 0, 0, ack_fields(), {}, {}});
    for (;;) {
      Message message = receive();
      switch (message.kind) {
        case MessageKind::kActivations:
          on_activations(message);
          break;
        case MessageKind::kLogitGrads:
          on_logit_grads(message);
          break;
        case MessageKind::kEvalActivations:
          on_eval(message);
          break;
        case MessageKind::kGoodbye:
          return on_goodbye(message);
        default:
          throw TransportError("protocol error: unexpected " + describe(message));
      }
    }
  }

 private:
  std::map<std::string, std::string> ack_fields() const {
    std::map<std::string, std::string> fields{{"protocol", kPlainProtocol},
                                              {"features", std::to_string(head_.features())},
                                              {"classes", std::to_string(head_.classes())}};
    if (checkpoints_.resume()) fields[kResumeFromField] = to_string(*checkpoints_.resume());
    return fields;
  }

  // The next message; a vanished client is reported with how far the session had come.
  Message receive() {
    try {
      return transport_.receive();
    } catch (const PeerDisconnected& e) {
      throw PeerDisconnected(e.what() + std::string(" after ") +
                             std::to_string(report_.training_batches) +
                             " training batches (epoch " + std::to_string(last_epoch_) + ")");
    }
  }

  const nn::FloatTensor& activations_of(const Message& message) const {
    const nn::FloatTensor& a = message.only_tensor();
    if (a.shape.size() != 2 || a.shape[0] < 1 || a.shape[0] > options_.max_rows ||
        a.shape[1] != head_.features()) {
      throw TransportError("protocol error: " + describe(message) +
                           " is not a [rows <= " + std::to_string(options_.max_rows) + ", " +
                           std::to_string(head_.features()) + "] tensor");
    }
    return a;
  }

  Message reply_to(const Message& request, MessageKind kind, nn::FloatTensor tensor) const {
    return Message{kind, request.epoch, request.batch, {}, {std::move(tensor)}, {}};
  }

  void on_activations(const Message& message) {
    const nn::FloatTensor& a = activations_of(message);
    pending_ = BatchId{message.epoch, message.batch};
    last_epoch_ = message.epoch;
    pending_rows_ = a.shape[0];
    transport_.send(reply_to(message, MessageKind::kLogits, head_.forward(a)));
  }

  void on_logit_grads(const Message& message) {
    if (!pending_ || pending_->epoch != message.epoch || pending_->batch != message.batch) {
      throw TransportError("protocol error: " + describe(message) +
                           " does not follow the activations of the same batch");
    }
    const nn::FloatTensor& g = message.only_tensor();
    if (g.shape != std::vector<std::int64_t>{pending_rows_, head_.classes()}) {
      throw TransportError("protocol error: " + describe(message) + " has the wrong shape");
    }
    transport_.send(reply_to(message, MessageKind::kInputGrads, head_.backward(g)));
    head_.step();  // after the reply: the client's backward pass overlaps with this update
    ++report_.training_batches;
    checkpoints_.after_batch(message.epoch, message.batch,
                             batches_before_ + report_.training_batches,
                             [this](const std::filesystem::path& folder) {
                               head_.save(folder / kServerCheckpoint);  // atomic itself
                             });
    const BatchId done = *pending_;
    pending_.reset();
    if (options_.on_batch) options_.on_batch(done);
  }

  void on_eval(const Message& message) {
    transport_.send(
        reply_to(message, MessageKind::kEvalLogits, head_.infer(activations_of(message))));
  }

  SessionReport on_goodbye(const Message& message) {
    if (options_.checkpoint_dir) head_.save(*options_.checkpoint_dir / kServerCheckpoint);
    report_.final_metrics = message.fields;
    transport_.send(Message{MessageKind::kGoodbyeAck, 0, 0, {}, {}, {}});
    report_.traffic = transport_.traffic();
    return report_;
  }

  Transport& transport_;
  const ServerOptions& options_;
  nn::ServerHead head_;
  ServerCheckpoints checkpoints_;
  std::uint64_t batches_before_ = 0;  // training batches of the run before a resumed session
  std::optional<BatchId> pending_;
  std::int64_t pending_rows_ = 0;
  std::uint32_t last_epoch_ = 0;
  SessionReport report_;
};

}  // namespace

SessionReport serve_plain(Transport& transport, const Message& hello,
                          const ServerOptions& options) {
  return PlainServer(transport, hello, options).run();
}

}  // namespace hesplit::split
