#pragma once
// A Transport that passes everything through and writes each message it carries to a server view
// file (server_view_file.hpp): what the server received and what it sent, exactly, in order.
#include "split/server_view_file.hpp"
#include "split/transport.hpp"

namespace hesplit::split {

class RecordingTransport final : public Transport {
 public:
  RecordingTransport(Transport& inner, ServerViewWriter& writer) : inner_(inner), writer_(writer) {}

  void send(const Message& message) override {
    writer_.sent(message);
    inner_.send(message);
  }
  Message receive() override {
    Message message = inner_.receive();
    writer_.received(message);
    return message;
  }
  Traffic traffic() const override { return inner_.traffic(); }
  void limit_received_bytes(std::size_t bytes, const std::string& basis) override {
    inner_.limit_received_bytes(bytes, basis);
  }

 private:
  Transport& inner_;
  ServerViewWriter& writer_;
};

}  // namespace hesplit::split
