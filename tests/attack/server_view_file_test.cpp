// The server view file: round trip, one file per session, malformed files rejected with offsets.
#include <gtest/gtest.h>

#include <fstream>

#include "split/server_view_file.hpp"
#include "test_data.hpp"

namespace hesplit::split {
namespace {

std::vector<ViewRecord> read_all(const std::filesystem::path& file) {
  std::vector<ViewRecord> out;
  for_each_view_record(file, [&](const ViewRecord& r) { out.push_back(r); });
  return out;
}

TEST(ServerViewFile, RoundTripsEveryPartOfAMessage) {
  const auto dir = test::scratch_dir("view-roundtrip");
  Message m{MessageKind::kActivations,
            3,
            17,
            {{"a", "1"}, {"b", ""}},
            {nn::FloatTensor{{2, 3}, {1, 2, 3, 4, 5, -6.5f}}},
            {Blob{"ct", std::string("\0\1\2", 3)}}};
  std::filesystem::path file;
  {
    ServerViewWriter writer(dir);
    file = writer.path();
    writer.received(m);
    writer.sent(m);
    writer.computed("mask", 3, 17, nn::FloatTensor{{1}, {0.25f}});
    ServerViewWriter second(dir);  // a concurrent session gets its own file
    EXPECT_NE(second.path(), writer.path());
  }
  const auto records = read_all(file);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].origin, ViewOrigin::kReceived);
  EXPECT_EQ(records[0].message, m);
  EXPECT_EQ(records[1].origin, ViewOrigin::kSent);
  EXPECT_EQ(records[2].origin, ViewOrigin::kComputed);
  EXPECT_EQ(records[2].name, "mask");
  EXPECT_EQ(records[2].message.tensors[0].data, std::vector<float>{0.25f});
}

TEST(ServerViewFile, EveryTruncationAndABadMagicAreRejectedWithTheOffset) {
  const auto dir = test::scratch_dir("view-truncated");
  std::filesystem::path file;
  {
    ServerViewWriter writer(dir);
    file = writer.path();
    writer.received(Message{MessageKind::kLogitGrads,
                            1,
                            0,
                            {{"k", "v"}},
                            {nn::FloatTensor{{1, 5}, {1, 2, 3, 4, 5}}},
                            {}});
  }
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto cut = dir / "cut.hsview";
  for (std::size_t size = 1; size < bytes.size(); ++size) {
    if (size == 8) continue;  // the magic alone: a valid view of a session with no message
    std::ofstream(cut, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), std::streamsize(size));
    try {
      read_all(cut);
      ADD_FAILURE() << "a file cut to " << size << " bytes was accepted";
    } catch (const ServerViewError& e) {
      EXPECT_NE(std::string(e.what()).find("byte offset"), std::string::npos) << e.what();
    }
  }
  std::string bad = bytes;
  bad[0] = 'X';
  std::ofstream(cut, std::ios::binary | std::ios::trunc) << bad;
  EXPECT_THROW(read_all(cut), ServerViewError);
  // A huge announced tensor is refused before allocation: the first dimension sits after the
  // magic, origin, name, kind, epoch, batch, one field ("k" = "v"), tensor count and rank.
  std::string huge = bytes;
  const std::size_t dim_at = 8 + 1 + 4 + 4 + 4 + 8 + 4 + 5 + 5 + 4 + 4;
  ASSERT_EQ(huge[dim_at], 1);
  const std::int64_t big = std::int64_t(1) << 40;
  huge.replace(dim_at, 8, reinterpret_cast<const char*>(&big), 8);
  std::ofstream(cut, std::ios::binary | std::ios::trunc) << huge;
  try {
    read_all(cut);
    ADD_FAILURE() << "a 2^40-row tensor was accepted";
  } catch (const ServerViewError& e) {
    EXPECT_NE(std::string(e.what()).find("byte offset"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace hesplit::split
