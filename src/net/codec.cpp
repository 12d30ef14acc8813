#include "net/codec.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <string>

#include "split/checksum.hpp"
#include "split/transport.hpp"

namespace hesplit::net::detail {

static_assert(std::endian::native == std::endian::little,
              "the wire carries little-endian float32; add byte swapping for big-endian hosts");

namespace {

constexpr int kMaxTensors = 64;
constexpr int kMaxBlobs = 1 << 16;
constexpr int kMaxFields = 256;
constexpr int kMaxRank = 8;
constexpr std::size_t kMaxElements = std::size_t{1} << 32;

split::TransportError malformed(const wire::Envelope& envelope, const std::string& what) {
  return split::TransportError("malformed message (kind " + std::to_string(envelope.kind()) +
                               ", epoch " + std::to_string(envelope.epoch()) + ", batch " +
                               std::to_string(envelope.batch()) + "): " + what);
}

}  // namespace

int grpc_message_limit(std::size_t bytes) {
  return static_cast<int>(std::min<std::size_t>(bytes, std::numeric_limits<int>::max()));
}

wire::Envelope encode(const split::Message& message) {
  wire::Envelope envelope;
  envelope.set_kind(static_cast<std::uint32_t>(message.kind));
  envelope.set_epoch(message.epoch);
  envelope.set_batch(message.batch);
  envelope.set_checksum(split::message_checksum(message));
  for (const auto& [key, value] : message.fields) (*envelope.mutable_fields())[key] = value;
  for (const nn::FloatTensor& tensor : message.tensors) {
    wire::Tensor* out = envelope.add_tensors();
    for (const std::int64_t dim : tensor.shape) out->add_shape(dim);
    out->set_data(reinterpret_cast<const char*>(tensor.data.data()),
                  tensor.data.size() * sizeof(float));
  }
  for (const split::Blob& blob : message.blobs) {
    wire::Blob* out = envelope.add_blobs();
    out->set_name(blob.name);
    out->set_data(blob.bytes);
  }
  return envelope;
}

split::Message decode(const wire::Envelope& envelope) {
  if (envelope.kind() < 1 || envelope.kind() > split::kMaxMessageKind) {
    throw malformed(envelope, "unknown kind");
  }
  if (envelope.tensors_size() > kMaxTensors || envelope.blobs_size() > kMaxBlobs ||
      envelope.fields_size() > kMaxFields) {
    throw malformed(envelope, "too many tensors, blobs or fields");
  }
  split::Message message;
  message.kind = static_cast<split::MessageKind>(envelope.kind());
  message.epoch = envelope.epoch();
  message.batch = envelope.batch();
  for (const auto& [key, value] : envelope.fields()) message.fields.emplace(key, value);
  message.tensors.reserve(static_cast<std::size_t>(envelope.tensors_size()));
  for (int t = 0; t < envelope.tensors_size(); ++t) {
    const wire::Tensor& in = envelope.tensors(t);
    if (in.shape_size() > kMaxRank)
      throw malformed(envelope, "tensor " + std::to_string(t) + " rank");
    nn::FloatTensor tensor;
    tensor.shape.assign(in.shape().begin(), in.shape().end());
    std::size_t elements = 0;
    try {
      elements = nn::FloatTensor::element_count(tensor.shape, kMaxElements);
    } catch (const std::invalid_argument& e) {
      throw malformed(envelope, "tensor " + std::to_string(t) + ": " + e.what());
    }
    if (in.data().size() != elements * sizeof(float)) {
      throw malformed(envelope, "tensor " + std::to_string(t) + " has " +
                                    std::to_string(in.data().size()) + " bytes for " +
                                    std::to_string(elements) + " floats");
    }
    tensor.data.resize(elements);
    // An empty tensor (a zero dimension) has no storage: memcpy's pointers must not be null.
    if (elements > 0) std::memcpy(tensor.data.data(), in.data().data(), in.data().size());
    message.tensors.push_back(std::move(tensor));
  }
  for (const wire::Blob& blob : envelope.blobs())
    message.blobs.push_back({blob.name(), blob.data()});
  if (split::message_checksum(message) != envelope.checksum()) {
    throw malformed(envelope, "checksum mismatch");
  }
  return message;
}

}  // namespace hesplit::net::detail
