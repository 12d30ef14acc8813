#include "net/session_server.hpp"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "hesplit.grpc.pb.h"
#include "net/auth_token.hpp"
#include "net/codec.hpp"
#include "net/completion_waiter.hpp"
#include "net/tls_credentials.hpp"

namespace hesplit::net {

namespace {

using detail::Tag;
using detail::tag_of;
using Stream = grpc::ServerAsyncReaderWriter<wire::Envelope, wire::Envelope>;

// split::Transport over one server-side stream, driven on the session thread.
class StreamTransport final : public split::Transport {
 public:
  StreamTransport(grpc::ServerContext& context, Stream& stream, detail::CompletionWaiter& waiter,
                  const NetOptions& options)
      : context_(context),
        stream_(stream),
        waiter_(waiter),
        message_timeout_(options.message_timeout),
        receive_limit_(options.max_receive_bytes),
        receive_basis_(options.message_limit_basis) {}

  void send(const split::Message& message) override {
    complete_pending_write(split::describe(message));
    const wire::Envelope envelope = detail::encode(message);
    stream_.Write(envelope, tag_of(Tag::kWrite));  // completion collected by the next operation
    write_pending_ = true;
    traffic_.bytes_sent += envelope.ByteSizeLong();
    ++traffic_.messages_sent;
  }

  split::Message receive() override {
    wire::Envelope envelope;
    stream_.Read(&envelope, tag_of(Tag::kRead));
    using Result = detail::CompletionWaiter::Result;
    const Result result =
        waiter_.wait_until(Tag::kRead, detail::CompletionWaiter::after(message_timeout_));
    if (result == Result::kTimedOut) {
      context_.TryCancel();
      waiter_.wait(Tag::kRead);  // completes (failed) once cancelled
      throw split::TransportError("client " + context_.peer() + " sent nothing for " +
                                  std::to_string(message_timeout_.count()) +
                                  " ms; session cancelled");
    }
    if (result != Result::kOk) {
      // gRPC also fails the read of a message above the server's limit (the client is told).
      throw split::PeerDisconnected("client " + context_.peer() +
                                    " disconnected, closed its stream or sent a message above "
                                    "the server's limit of " +
                                    std::to_string(receive_limit_) + " bytes");
    }
    // Checked before decoding copies the message into tensors and blobs.
    const std::size_t size = envelope.ByteSizeLong();
    if (size > receive_limit_) {
      throw split::TransportError(
          "client " + context_.peer() + ": " +
          split::oversized_message_text(size, receive_limit_, receive_basis_));
    }
    traffic_.bytes_received += size;
    ++traffic_.messages_received;
    return detail::decode(envelope);
  }

  split::Traffic traffic() const override { return traffic_; }

  void limit_received_bytes(std::size_t bytes, const std::string& basis) override {
    receive_limit_ = std::min(receive_limit_, bytes);
    receive_basis_ = basis;
  }

  // Ends the RPC with `status` once the last reply has gone out.
  void finish(const grpc::Status& status) {
    if (write_pending_) {
      write_pending_ = false;
      waiter_.wait(Tag::kWrite);
    }
    stream_.Finish(status, tag_of(Tag::kFinish));
    waiter_.wait(Tag::kFinish);
  }

 private:
  void complete_pending_write(const std::string& next) {
    if (!write_pending_) return;
    write_pending_ = false;
    if (!waiter_.wait(Tag::kWrite)) {
      throw split::PeerDisconnected("client " + context_.peer() +
                                    " disconnected before the server sent " + next);
    }
  }

  grpc::ServerContext& context_;
  Stream& stream_;
  detail::CompletionWaiter& waiter_;
  std::chrono::milliseconds message_timeout_;
  std::size_t receive_limit_;
  std::string receive_basis_;
  split::Traffic traffic_;
  bool write_pending_ = false;
};

// Milliseconds as the int gRPC takes (INT_MAX: no limit).
int grpc_milliseconds(std::chrono::milliseconds value) {
  if (value.count() <= 0 || value.count() >= INT_MAX) return INT_MAX;
  return static_cast<int>(value.count());
}

// Bounds what one peer can hold on to (issue 20); NetOptions says why each value.
void add_connection_limits(const NetOptions& options, grpc::ServerBuilder& builder) {
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             std::max(options.max_streams_per_connection, 1));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             grpc_milliseconds(options.max_connection_idle));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             grpc_milliseconds(options.max_connection_age));
  // Unlimited grace: an old connection takes no new call, but its running session is not cut.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, INT_MAX);
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
                             grpc_milliseconds(options.handshake_timeout));
}

}  // namespace

struct SessionServer::Impl {
  SessionHandler handler;
  NetOptions options;
  wire::SplitLearning::AsyncService service;
  // One completion queue and one thread per concurrent session: a session's waiter sees only its
  // own stream's completions, and sessions share no state but the handler.
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  std::mutex mutex;
  std::condition_variable ended;
  std::deque<SessionOutcome> outcomes;
  std::vector<std::thread> workers;
  std::atomic<bool> stopping{false};
  bool stopped = false;

  // Serves sessions one after another on this thread until the server shuts down.
  void serve(grpc::ServerCompletionQueue& queue) {
    while (!stopping.load()) {
      grpc::ServerContext context;
      Stream stream(&context);
      detail::CompletionWaiter waiter(queue);
      service.RequestSession(&context, &stream, &queue, &queue, tag_of(Tag::kNewCall));
      if (!waiter.wait(Tag::kNewCall)) return;
      run_session(context, stream, waiter);
    }
  }

  // The token the client sent as call metadata (empty when absent).
  static std::string presented_token(const grpc::ServerContext& context) {
    const auto& metadata = context.client_metadata();
    const auto it = metadata.find(kTokenMetadataKey);
    return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
  }

  void run_session(grpc::ServerContext& context, Stream& stream, detail::CompletionWaiter& waiter) {
    StreamTransport transport(context, stream, waiter, options);
    SessionOutcome outcome{context.peer(), nullptr};
    grpc::Status status = grpc::Status::OK;
    if (options.token && !tokens_equal(presented_token(context), *options.token)) {
      // Refused before any message is read: an unauthorised peer reaches no protocol code.
      const std::string reason = "missing or wrong token (--token-file)";
      outcome.error = std::make_exception_ptr(split::TransportError(reason));
      outcome.refused = true;
      status = grpc::Status(grpc::StatusCode::UNAUTHENTICATED, reason);
    } else {
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
      // The server answers an accepted Hello before anything else: a call that failed before the
      // server sent a message never became a session.
      outcome.refused = outcome.error && transport.traffic().messages_sent == 0;
    }
    transport.finish(status);
    {
      const std::lock_guard lock(mutex);
      outcomes.push_back(std::move(outcome));
    }
    ended.notify_all();
  }

  void drain_queues() {
    for (const auto& queue : queues) {
      queue->Shutdown();
      detail::CompletionWaiter::drain(*queue);
    }
  }
};

SessionServer::SessionServer(const std::string& address, SessionHandler handler,
                             const NetOptions& options)
    : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  impl_->options = options;
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
  add_connection_limits(options, builder);
  builder.SetMaxReceiveMessageSize(detail::grpc_message_limit(options.max_receive_bytes));
  builder.SetMaxSendMessageSize(detail::grpc_message_limit(options.max_send_bytes));
  builder.AddListeningPort(address, detail::server_credentials(options), &impl_->port);
  builder.RegisterService(&impl_->service);
  const std::size_t concurrent = std::max<std::size_t>(options.max_concurrent_sessions, 1);
  for (std::size_t i = 0; i < concurrent; ++i)
    impl_->queues.push_back(builder.AddCompletionQueue());
  impl_->server = builder.BuildAndStart();
  if (!impl_->server || impl_->port == 0) {
    impl_->server.reset();
    impl_->drain_queues();
    throw split::TransportError("cannot listen on " + address +
                                ": the port is in use or the address is invalid");
  }
  for (const auto& queue : impl_->queues) {
    impl_->workers.emplace_back([impl = impl_.get(), q = queue.get()] { impl->serve(*q); });
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
  if (!impl_ || !impl_->server || impl_->stopped) return;
  impl_->stopped = true;
  impl_->stopping = true;
  // Cancels a running session (its pending read fails) and the pending request for a new one; the
  // worker finishes the cancelled session on the still-open queue, then returns.
  impl_->server->Shutdown(std::chrono::system_clock::now());
  for (std::thread& worker : impl_->workers) worker.join();
  impl_->drain_queues();
}

}  // namespace hesplit::net
