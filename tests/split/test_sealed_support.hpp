#pragma once
// An HE session between a client (HeRemoteHead) and the real server role (serve_session) on a
// thread, joined by in-memory queues; every message the server receives is kept for inspection.
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "message_queue.hpp"
#include "split/protocols/he/he_client_crypto.hpp"
#include "split/protocols/he/he_remote_head.hpp"
#include "split/serve_session.hpp"
#include "split/transport.hpp"

namespace hesplit::test {

using Queue = MessageQueue;

// Counts bytes as the size of the blobs and tensors (enough for the tests' comparisons).
class QueueTransport final : public split::Transport {
 public:
  QueueTransport(Queue& out, Queue& in, std::vector<split::Message>* log)
      : out_(out), in_(in), log_(log) {}
  void send(const split::Message& m) override {
    ++traffic_.messages_sent;
    out_.push(m);
  }
  split::Message receive() override {
    split::Message m = in_.pop();
    ++traffic_.messages_received;
    if (log_ != nullptr) log_->push_back(m);
    return m;
  }
  split::Traffic traffic() const override { return traffic_; }

 private:
  Queue& out_;
  Queue& in_;
  std::vector<split::Message>* log_;
  split::Traffic traffic_;
};

// The split layer's shape: Linear(features, classes).
struct LayerShape {
  std::int64_t features = 256;
  std::int64_t classes = 5;
};

// A whole HE session: the server thread starts at construction; finish() ends it.
class HeSession {
 public:
  HeSession(const std::string& protocol, double eta, std::uint64_t seed,
            std::optional<std::filesystem::path> checkpoint_dir = std::nullopt,
            split::HeSessionOptions options = {}, std::size_t server_threads = 2,
            LayerShape shape = {})
      : crypto(std::make_shared<split::HeClientCrypto>("sealed-8192",
                                                       static_cast<std::size_t>(shape.features),
                                                       static_cast<std::size_t>(shape.classes))) {
    server_options_.checkpoint_dir = std::move(checkpoint_dir);
    server_options_.he_threads = server_threads;
    server_ = std::thread([this] {
      try {
        split::serve_session(server_transport_, server_options_);
      } catch (...) {
        error_ = std::current_exception();
        to_client_.push(split::Message{split::MessageKind::kGoodbyeAck, 0, 0, {}, {}, {}});
      }
    });
    split::HeadParams p = params(seed, eta);
    p.features = shape.features;
    p.classes = shape.classes;
    head = std::make_unique<split::HeRemoteHead>(client_transport_, p, protocol, options, crypto);
  }
  ~HeSession() {
    if (server_.joinable()) {
      if (!finished_)
        to_server_.push(split::Message{split::MessageKind::kGoodbye, 0, 0, {}, {}, {}});
      server_.join();
    }
  }
  void finish() {
    head->finish({});
    finished_ = true;
    server_.join();
    if (error_) std::rethrow_exception(error_);
  }
  static split::HeadParams params(std::uint64_t seed, double eta) {
    split::HeadParams p;
    p.seed = seed;
    p.server_lr = eta;
    p.batch_size = 16;
    return p;
  }
  // Everything the server received, in order (complete after finish()).
  const std::vector<split::Message>& server_received() const { return received_; }

  std::shared_ptr<split::HeClientCrypto> crypto;
  std::unique_ptr<split::HeRemoteHead> head;

 private:
  Queue to_server_, to_client_;
  std::vector<split::Message> received_;
  QueueTransport client_transport_{to_server_, to_client_, nullptr};
  QueueTransport server_transport_{to_client_, to_server_, &received_};
  split::ServerOptions server_options_;
  std::thread server_;
  std::exception_ptr error_;
  bool finished_ = false;
};

}  // namespace hesplit::test
