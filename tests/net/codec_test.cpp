#include <gtest/gtest.h>

#include "net/codec.hpp"
#include "split/transport.hpp"

namespace hesplit::net::detail {
namespace {

split::Message sample() {
  return split::Message{split::MessageKind::kLogits,
                        1,
                        9,
                        {{"a", "b"}},
                        {nn::FloatTensor{{2, 3}, {1, 2, 3, 4, 5, 6}}},
                        {{"ct", std::string(5, 'x')}}};
}

void expect_rejected(const wire::Envelope& envelope, const std::string& fragment) {
  try {
    decode(envelope);
    FAIL() << "accepted; expected: " << fragment;
  } catch (const split::TransportError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Codec, RoundTripIsExact) {
  EXPECT_EQ(decode(encode(sample())), sample());
  const wire::Envelope envelope = encode(sample());
  wire::Envelope reparsed;
  ASSERT_TRUE(reparsed.ParseFromString(envelope.SerializeAsString()));
  EXPECT_EQ(decode(reparsed), sample());
}

TEST(Codec, MalformedEnvelopesAreRejected) {
  wire::Envelope bad_kind = encode(sample());
  bad_kind.set_kind(99);
  expect_rejected(bad_kind, "unknown kind");

  wire::Envelope short_data = encode(sample());
  short_data.mutable_tensors(0)->mutable_data()->pop_back();
  expect_rejected(short_data, "bytes for 6 floats");

  wire::Envelope negative = encode(sample());
  negative.mutable_tensors(0)->set_shape(0, -2);
  expect_rejected(negative, "negative");

  wire::Envelope huge = encode(sample());
  huge.mutable_tensors(0)->set_shape(0, std::int64_t{1} << 40);
  expect_rejected(huge, "exceeds");

  wire::Envelope corrupted = encode(sample());
  (*corrupted.mutable_tensors(0)->mutable_data())[0] ^= 1;
  expect_rejected(corrupted, "checksum mismatch");

  wire::Envelope moved = encode(sample());
  moved.set_batch(10);  // a reply attributed to another batch
  expect_rejected(moved, "checksum mismatch");
}

}  // namespace
}  // namespace hesplit::net::detail

namespace hesplit::net::detail {
namespace {

// A tensor with a zero dimension has no bytes; decoding it must not hand memcpy a null pointer
// (found by the protocol_message fuzz target; UBSan in scripts/sanitize checks this test).
TEST(Codec, EmptyTensorRoundTrips) {
  const split::Message empty{split::MessageKind::kLogits,   1, 2, {},
                             {nn::FloatTensor{{0, 5}, {}}}, {}};
  EXPECT_EQ(decode(encode(empty)), empty);
}

}  // namespace
}  // namespace hesplit::net::detail
