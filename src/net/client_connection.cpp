#include "net/client_connection.hpp"

#include <grpcpp/grpcpp.h>

#include "hesplit.grpc.pb.h"
#include "net/auth_token.hpp"
#include "net/codec.hpp"
#include "net/completion_waiter.hpp"
#include "net/tls_credentials.hpp"

namespace hesplit::net {

namespace {

using detail::Tag;
using detail::tag_of;

grpc::ChannelArguments channel_arguments(const NetOptions& options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(detail::grpc_message_limit(options.max_receive_bytes));
  args.SetMaxSendMessageSize(detail::grpc_message_limit(options.max_send_bytes));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, static_cast<int>(options.keepalive_interval.count()));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, static_cast<int>(options.keepalive_timeout.count()));
  // Bandwidth probing pings add frames (and wake-ups) to a latency-bound exchange of small
  // messages.
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  // A fresh connection per session: roles of one process must not share a subchannel.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  detail::add_tls_channel_arguments(options, args);
  return args;
}

template <typename Duration>
std::chrono::system_clock::time_point after(Duration duration) {
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(duration);
}

}  // namespace

// The gRPC stream itself; ClientConnection runs it on the caller's thread or an I/O thread.
struct ClientConnection::Impl final : split::Transport {
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<wire::SplitLearning::Stub> stub;
  grpc::ClientContext context;
  grpc::CompletionQueue queue;
  detail::CompletionWaiter waiter;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<wire::Envelope, wire::Envelope>> stream;
  split::Traffic counted;
  bool write_pending = false;
  bool finished = false;

  Impl() : waiter(queue) {}

  std::chrono::milliseconds message_timeout{0};
  std::size_t receive_limit = 0;  // gRPC's, then the session's (limit_received_bytes)
  std::string receive_basis;

  ~Impl() {
    if (stream && !finished) {
      // Abandoning a session (error path): cancel rather than wait for the server.
      context.TryCancel();
      finish();
    }
    queue.Shutdown();
    detail::CompletionWaiter::drain(queue);
  }

  grpc::Status finish() {
    if (finished) return grpc::Status::OK;
    finished = true;
    if (write_pending) {
      waiter.wait(Tag::kWrite);
      write_pending = false;
    }
    grpc::Status status;
    stream->Finish(&status, tag_of(Tag::kFinish));
    waiter.wait(Tag::kFinish);
    return status;
  }

  // The stream broke: collect the server's status and turn it into a clear error.
  [[noreturn]] void fail(const std::string& during) {
    const grpc::Status status = finish();
    const std::string detail =
        status.ok() ? std::string("the server closed the session early") : status.error_message();
    const bool gone = status.ok() || status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                      status.error_code() == grpc::StatusCode::CANCELLED;
    if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      // gRPC refused a message above its size limit (ours from the server, or the server's).
      throw split::TransportError("session with " + address + " ended while " + during + ": " +
                                  detail + " (this client accepts at most " +
                                  std::to_string(receive_limit) + " bytes: " + receive_basis + ")");
    }
    if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      throw split::TransportError("server " + address + " refused the session: " + detail);
    }
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      throw split::TransportError("session with " + address + " exceeded its deadline while " +
                                  during);
    }
    if (gone) {
      throw split::PeerDisconnected("server " + address + " disconnected while " + during + " (" +
                                    detail + ")");
    }
    throw split::TransportError("server " + address + " ended the session while " + during + ": " +
                                detail);
  }

  void send(const split::Message& message) override {
    const std::string during = "sending " + split::describe(message);
    complete_pending_write(during);
    const wire::Envelope envelope = detail::encode(message);
    // The message is serialized by Write itself; the completion is collected by the next send,
    // receive or close, so sending never waits for the peer.
    stream->Write(envelope, tag_of(Tag::kWrite));
    write_pending = true;
    counted.bytes_sent += envelope.ByteSizeLong();
    ++counted.messages_sent;
  }

  split::Message receive() override {
    wire::Envelope envelope;
    stream->Read(&envelope, tag_of(Tag::kRead));
    using Result = detail::CompletionWaiter::Result;
    const Result result =
        waiter.wait_until(Tag::kRead, detail::CompletionWaiter::after(message_timeout));
    if (result == Result::kTimedOut) {
      context.TryCancel();
      waiter.wait(Tag::kRead);  // completes (failed) once cancelled
      finish();
      throw split::TransportError("server " + address + " sent nothing for " +
                                  std::to_string(message_timeout.count()) +
                                  " ms; session cancelled");
    }
    if (result != Result::kOk) fail("waiting for its reply");
    const std::size_t size = envelope.ByteSizeLong();
    if (size > receive_limit) {
      context.TryCancel();
      finish();
      throw split::TransportError(
          "server " + address + ": " +
          split::oversized_message_text(size, receive_limit, receive_basis));
    }
    counted.bytes_received += size;
    ++counted.messages_received;
    return detail::decode(envelope);
  }

  split::Traffic traffic() const override { return counted; }

  void limit_received_bytes(std::size_t bytes, const std::string& basis) override {
    receive_limit = std::min(receive_limit, bytes);
    receive_basis = basis;
  }

  void close() {
    if (finished) return;
    complete_pending_write("closing the session");
    stream->WritesDone(tag_of(Tag::kWritesDone));
    waiter.wait(Tag::kWritesDone);
    const grpc::Status status = finish();
    if (!status.ok()) {
      throw split::TransportError("server " + address +
                                  " reported an error at the end: " + status.error_message());
    }
  }

  // The previous write must have completed before the next one starts (one in flight at a time).
  void complete_pending_write(const std::string& during) {
    if (!write_pending) return;
    write_pending = false;
    if (!waiter.wait(Tag::kWrite)) fail(during);
  }
};

ClientConnection::ClientConnection(const std::string& address, const NetOptions& options)
    : impl_(std::make_unique<Impl>()) {
  impl_->address = address;
  impl_->message_timeout = options.message_timeout;
  impl_->receive_limit = options.max_receive_bytes;
  impl_->receive_basis = options.message_limit_basis;
  impl_->channel = grpc::CreateCustomChannel(address, detail::channel_credentials(options),
                                             channel_arguments(options));
  if (!impl_->channel->WaitForConnected(after(options.connect_timeout))) {
    // gRPC does not say why a channel never became ready; a TLS mismatch looks like no server.
    const std::string hint =
        options.tls ? " (TLS: check that the server uses TLS, that its certificate chains to "
                      "--tls-ca and names the host dialled, and that mutual TLS is configured on "
                      "both sides or neither)"
                    : " (if the server uses TLS, give --tls-ca)";
    throw split::PeerDisconnected("cannot connect to a hesplit server at " + address + " within " +
                                  std::to_string(options.connect_timeout.count()) + " ms" + hint);
  }
  impl_->stub = wire::SplitLearning::NewStub(impl_->channel);
  impl_->context.set_deadline(after(options.session_deadline));
  if (options.token) impl_->context.AddMetadata(kTokenMetadataKey, *options.token);
  impl_->stream = impl_->stub->PrepareAsyncSession(&impl_->context, &impl_->queue);
  impl_->stream->StartCall(tag_of(Tag::kStart));
  if (!impl_->waiter.wait(Tag::kStart)) impl_->fail("opening the session");
  if (options.busy_wait.count() > 0) {
    io_ = std::make_unique<split::IoThreadTransport>(*impl_, options.busy_wait);
  }
}

ClientConnection::~ClientConnection() {
  if (io_) {
    // An operation still on the I/O thread (a write the server never drains) must not hold up the
    // join: cancelling the call completes it. After close() this changes nothing.
    impl_->context.TryCancel();
    io_.reset();
  }
}

split::Transport& ClientConnection::active() {
  return io_ ? static_cast<split::Transport&>(*io_) : *impl_;
}
const split::Transport& ClientConnection::active() const {
  return io_ ? static_cast<const split::Transport&>(*io_) : *impl_;
}

void ClientConnection::send(const split::Message& message) { active().send(message); }
split::Message ClientConnection::receive() { return active().receive(); }
split::Traffic ClientConnection::traffic() const { return active().traffic(); }
void ClientConnection::limit_received_bytes(std::size_t bytes, const std::string& basis) {
  active().limit_received_bytes(bytes, basis);
}

void ClientConnection::close() {
  if (io_) {
    io_->run([this] { impl_->close(); });
  } else {
    impl_->close();
  }
}

}  // namespace hesplit::net
