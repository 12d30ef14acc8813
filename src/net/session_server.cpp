#include "net/session_server.hpp"

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <deque>
#include <mutex>

#include "hesplit.grpc.pb.h"
#include "net/codec.hpp"

namespace hesplit::net {

namespace {

using Stream = grpc::ServerReaderWriter<wire::Envelope, wire::Envelope>;

// split::Transport over one server-side stream.
class StreamTransport final : public split::Transport {
 public:
  StreamTransport(grpc::ServerContext& context, Stream& stream)
      : context_(context), stream_(stream) {}

  void send(const split::Message& message) override {
    const wire::Envelope envelope = detail::encode(message);
    if (!stream_.Write(envelope)) {
      throw split::PeerDisconnected("client " + context_.peer() +
                                    " disconnected while the server sent " +
                                    split::describe(message));
    }
    traffic_.bytes_sent += envelope.ByteSizeLong();
    ++traffic_.messages_sent;
  }

  split::Message receive() override {
    wire::Envelope envelope;
    if (!stream_.Read(&envelope)) {
      throw split::PeerDisconnected(context_.IsCancelled()
                                        ? "client " + context_.peer() + " disconnected"
                                        : "client " + context_.peer() + " closed its stream");
    }
    traffic_.bytes_received += envelope.ByteSizeLong();
    ++traffic_.messages_received;
    return detail::decode(envelope);
  }

  split::Traffic traffic() const override { return traffic_; }

 private:
  grpc::ServerContext& context_;
  Stream& stream_;
  split::Traffic traffic_;
};

}  // namespace

struct SessionServer::Impl final : public wire::SplitLearning::Service {
  SessionHandler handler;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  std::mutex mutex;
  std::condition_variable ended;
  std::deque<SessionOutcome> outcomes;
  bool stopped = false;

  grpc::Status Session(grpc::ServerContext* context, Stream* stream) override {
    StreamTransport transport(*context, *stream);
    SessionOutcome outcome{context->peer(), nullptr};
    grpc::Status status = grpc::Status::OK;
    try {
      handler(transport);
    } catch (const split::PeerDisconnected& e) {
      outcome.error = std::current_exception();
      status = grpc::Status(grpc::StatusCode::CANCELLED, e.what());
    } catch (const std::exception& e) {
      // Protocol errors, malformed messages, bad parameters: the client gets the reason.
      outcome.error = std::current_exception();
      status = grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, e.what());
    }
    {
      const std::lock_guard lock(mutex);
      outcomes.push_back(std::move(outcome));
    }
    ended.notify_all();
    return status;
  }
};

SessionServer::SessionServer(const std::string& address, SessionHandler handler,
                             const NetOptions& options)
    : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  grpc::ServerBuilder builder;
  // gRPC enables SO_REUSEPORT by default, which would let a second server share a busy port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             static_cast<int>(options.keepalive_interval.count() / 2));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             static_cast<int>(options.keepalive_interval.count()));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             static_cast<int>(options.keepalive_timeout.count()));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  builder.SetMaxReceiveMessageSize(static_cast<int>(options.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(options.max_message_bytes));
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &impl_->port);
  builder.RegisterService(impl_.get());
  impl_->server = builder.BuildAndStart();
  if (!impl_->server || impl_->port == 0) {
    impl_->server.reset();
    throw split::TransportError("cannot listen on " + address +
                                ": the port is in use or the address is invalid");
  }
}

SessionServer::~SessionServer() { shutdown(); }

int SessionServer::port() const { return impl_->port; }

SessionOutcome SessionServer::wait_for_session() {
  std::unique_lock lock(impl_->mutex);
  impl_->ended.wait(lock, [this] { return !impl_->outcomes.empty(); });
  SessionOutcome outcome = std::move(impl_->outcomes.front());
  impl_->outcomes.pop_front();
  return outcome;
}

void SessionServer::shutdown() {
  if (impl_ && impl_->server && !impl_->stopped) {
    impl_->stopped = true;
    impl_->server->Shutdown(std::chrono::system_clock::now());
    impl_->server->Wait();
  }
}

}  // namespace hesplit::net
