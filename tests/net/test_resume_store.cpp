// Building blocks of resumable runs: the checkpoint store (atomic markers, two kept, crash debris
// ignored, bad markers named) and the client front's optimizer state, whose round trip must let
// training continue bit for bit.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "beat_fixture.hpp"
#include "nn/client_front.hpp"
#include "split/session/checkpoint_store.hpp"
#include "split/session/live_runs.hpp"
#include "split/session/run_owner.hpp"
#include "split/session/session_checkpoints.hpp"
#include "split/transport.hpp"
#include "split/vector_file.hpp"
#include "test_data.hpp"

namespace hesplit::test {
namespace {

namespace fs = std::filesystem;
using split::CheckpointPosition;
using split::CheckpointStore;

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

TEST(CheckpointStore, KeepsTheNewestTwoValidCheckpoints) {
  const fs::path root = scratch_dir("resume_store") / "checkpoints";
  CheckpointStore store(root);
  EXPECT_TRUE(store.available().empty());
  for (std::uint64_t g = 5; g <= 20; g += 5) {
    store.save({1, g, g}, {{"seed", "7"}, {"loss", split::exact_number(0.1 * double(g))}},
               [&](const fs::path& dir) { write_text(dir / "state.bin", std::to_string(g)); });
  }
  const auto valid = store.available();
  ASSERT_EQ(valid.size(), 2u);
  EXPECT_EQ(valid[0], (CheckpointPosition{1, 20, 20}));
  EXPECT_EQ(valid[1], (CheckpointPosition{1, 15, 15}));
  EXPECT_FALSE(fs::exists(store.folder({1, 10, 10})));
  const auto fields = store.fields(valid[0]);
  EXPECT_EQ(fields.at("seed"), "7");
  EXPECT_EQ(split::parse_exact_number(fields.at("loss"), "loss"), 0.1 * 20.0);

  // A save interrupted before its marker (a crash) leaves a folder that does not count.
  fs::create_directories(store.folder({2, 0, 25}));
  write_text(store.folder({2, 0, 25}) / "state.bin", "half");
  EXPECT_EQ(store.available().size(), 2u);
  EXPECT_EQ(store.available()[0].global_batches, 20u);
  // Saving that position again replaces the debris.
  store.save({2, 0, 25}, {}, [](const fs::path&) {});
  EXPECT_EQ(store.available()[0].global_batches, 25u);
  EXPECT_FALSE(fs::exists(store.folder({2, 0, 25}) / "state.bin"));
}

TEST(CheckpointStore, PositionsAndNumbersRoundTripExactly) {
  const CheckpointPosition p{3, 17, 680};
  EXPECT_EQ(split::to_string(p), "e3-b17-g680");
  EXPECT_EQ(split::parse_position("e3-b17-g680"), p);
  for (const char* bad : {"", "e0-b1-g1", "e1-b-g1", "x1-b1-g1", "e1-b1-g", "e1-b1-g1x",
                          "e1-b99999999999999999999999-g1"}) {
    EXPECT_THROW(split::parse_position(bad), std::runtime_error) << bad;
  }
  for (const double v : {0.0, 1.0 / 3.0, -2.5e-300, 1e300, 0.1}) {
    EXPECT_EQ(split::parse_exact_number(split::exact_number(v), "v"), v);
  }
  EXPECT_THROW(split::parse_exact_number("0x1.8p+1junk", "loss"), std::runtime_error);
}

TEST(CheckpointStore, ABadMarkerIsAnErrorNamingTheFile) {
  const fs::path root = scratch_dir("resume_store_bad") / "checkpoints";
  CheckpointStore store(root);
  store.save({1, 5, 5}, {}, [](const fs::path&) {});
  const fs::path marker = store.folder({1, 5, 5}) / "checkpoint.txt";
  write_text(marker, "hesplit-checkpoint 1\nposition=e1-b5-g6\n");
  try {
    store.available();
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint.txt"), std::string::npos) << e.what();
  }
  write_text(marker, "something else\n");
  EXPECT_THROW(store.available(), std::runtime_error);
}

TEST(ClientFrontCheckpoint, WeightsAndAdamStateContinueBitForBit) {
  const ecg::BeatDataset data = synthetic_dataset(48, 4);
  const std::span<const float> all(data.train.x);
  auto batch = [&](std::size_t b) { return all.subspan(b * 4 * 128, 4 * 128); };
  auto grad_for = [](const nn::FloatTensor& a) {
    nn::FloatTensor g = a;
    for (std::size_t i = 0; i < g.data.size(); ++i) g.data[i] = 0.01f * (a.data[i] - 0.1f);
    return g;
  };
  nn::ClientFront straight(3, 1e-3);
  for (std::size_t b = 0; b < 5; ++b)
    straight.backward_and_step(grad_for(straight.forward(batch(b), 4)));
  const fs::path dir = scratch_dir("resume_front");
  straight.save(dir / "front.pt");
  straight.save_optimizer(dir / "adam.pt");
  nn::ClientFront resumed = nn::ClientFront::load(dir / "front.pt", 1e-3);
  resumed.load_optimizer(dir / "adam.pt");
  for (std::size_t b = 5; b < 12; ++b) {
    straight.backward_and_step(grad_for(straight.forward(batch(b), 4)));
    resumed.backward_and_step(grad_for(resumed.forward(batch(b), 4)));
  }
  EXPECT_EQ(straight.infer(batch(0), 4).data, resumed.infer(batch(0), 4).data);
  // Without the optimizer state the continuation differs (the test can tell).
  nn::ClientFront weights_only = nn::ClientFront::load(dir / "front.pt", 1e-3);
  for (std::size_t b = 5; b < 12; ++b) {
    weights_only.backward_and_step(grad_for(weights_only.forward(batch(b), 4)));
  }
  EXPECT_NE(straight.infer(batch(0), 4).data, weights_only.infer(batch(0), 4).data);
}

// paper's clear checkpoint state (W, b, the mask M, the client's W' + M): exact doubles, and a
// damaged file is an error naming it, the size found and the size expected.
TEST(VectorFile, RoundTripsExactlyAndRefusesADamagedFileNamingIt) {
  const fs::path dir = scratch_dir("vector_file");
  const std::vector<double> values{0.1, -1.0 / 3.0, 1e-300, -0.0, 12345.678};
  split::save_vector_file(dir / "v.hsvd", values);
  const std::vector<double> back = split::load_vector_file(dir / "v.hsvd", values.size());
  ASSERT_EQ(back.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(std::memcmp(&back[i], &values[i], sizeof(double)), 0) << i;
  }
  try {
    split::load_vector_file(dir / "v.hsvd", values.size() + 1);
    FAIL() << "a file of another length was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "v.hsvd").string() + ": is 56 bytes, expected 64"),
              std::string::npos)
        << e.what();
  }
  std::ifstream in(dir / "v.hsvd", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bytes[8] = 9;  // the count no longer matches the size
  std::ofstream(dir / "bad.hsvd", std::ios::binary) << bytes;
  try {
    split::load_vector_file(dir / "bad.hsvd", values.size());
    FAIL() << "a wrong count was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("holds 9 values, expected 5 (byte offset 8)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(split::load_vector_file(dir / "missing.hsvd", 1), std::runtime_error);
  // A count whose byte size overflows is refused before any size arithmetic can wrap.
  try {
    split::load_vector_file(dir / "v.hsvd", SIZE_MAX / 8);
    FAIL() << "an overflowing count was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot hold"), std::string::npos) << e.what();
  }
}

// A Hello of run `run_id` checkpointing every 4 batches; `resume`: the positions the client holds.
split::Message checkpoint_hello(const std::string& run_id, const std::string& resume = "") {
  split::Message hello;
  hello.fields = {{"protocol", "plain"},
                  {"seed", "5"},
                  {"run_id", run_id},
                  {"checkpoint_every", "4"},
                  {split::kRunProofField, split::run_proof("secret of " + run_id)}};
  if (!resume.empty()) hello.fields["resume"] = resume;
  return hello;
}

// Concurrent sessions of one server share the checkpoint root: a second live session of the same
// run would write over the first's checkpoints, so it is refused until the first has ended.
TEST(ServerCheckpoints, ASecondLiveSessionOfTheSameRunIsRefused) {
  const fs::path root = scratch_dir("server_checkpoints_claim") / "checkpoints";
  split::LiveRuns live;
  const std::string run = "0123456789abcdef0123456789abcdef";
  const std::vector<std::string> identity{"protocol", "seed"};
  {
    const split::ServerCheckpoints first(root, &live, checkpoint_hello(run), identity,
                                         split::kRunProofField, 8);
    const split::ServerCheckpoints other(root, &live, checkpoint_hello(std::string(32, 'e')),
                                         identity, split::kRunProofField, 8);
    try {
      const split::ServerCheckpoints second(root, &live, checkpoint_hello(run), identity,
                                            split::kRunProofField, 8);
      FAIL() << "two live sessions claimed run " << run;
    } catch (const split::TransportError& e) {
      EXPECT_NE(std::string(e.what()).find("run " + run + " is already being served"),
                std::string::npos)
          << e.what();
    }
  }
  // Both sessions ended: the run can be served again.
  EXPECT_NO_THROW(split::ServerCheckpoints(root, &live, checkpoint_hello(run), identity,
                                           split::kRunProofField, 8));
}

// A resumed session finds its run by run id; a run this server holds nothing of is refused when the
// client is past its first checkpoint (the server must then have written one), and restarts from
// the beginning when the client holds only its first (a crash can fall between the two writes).
TEST(ServerCheckpoints, AResumeWithoutTheServersCheckpointsIsRefusedNamingTheRun) {
  const fs::path root = scratch_dir("server_checkpoints_missing") / "checkpoints";
  const std::string run = "fedcba9876543210fedcba9876543210";
  const std::vector<std::string> identity{"protocol", "seed"};
  try {
    const split::ServerCheckpoints late(root, nullptr, checkpoint_hello(run, "e1-b8-g8,e1-b0-g0"),
                                        identity, split::kRunProofField, 8);
    FAIL() << "a resume with no server checkpoint was accepted";
  } catch (const split::TransportError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot resume run " + run +
                                         ": this server holds no checkpoint of it"),
              std::string::npos)
        << e.what();
  }
  const split::ServerCheckpoints first(root, nullptr, checkpoint_hello(run, "e1-b4-g4,e1-b0-g0"),
                                       identity, split::kRunProofField, 8);
  ASSERT_TRUE(first.resume().has_value());
  EXPECT_EQ(*first.resume(), split::kStartPosition);
}

}  // namespace
// The message of what `fn` throws ("(no error)" when nothing).
template <typename Fn>
std::string thrown_by(Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

// Issue 20: a run folder belongs to the credential that made it, and a server keeps a bounded
// number of them (the process-level attacks are in test_checkpoint_ownership.cpp).
TEST(RunOwner, AnotherCredentialIsRefusedAndNewRunsAreBounded) {
  const fs::path root = scratch_dir("run_owner") / "checkpoints";
  const std::string mine = split::run_proof(split::new_run_secret());
  const std::string theirs = split::run_proof(split::new_run_secret());
  const std::string run = std::string(32, 'a');
  split::admit_run(root, run, "run_proof", mine, 2, true);
  EXPECT_NO_THROW(split::admit_run(root, run, "run_proof", mine, 2, true));
  std::string e = thrown_by([&] { split::admit_run(root, run, "run_proof", theirs, 2, true); });
  EXPECT_NE(e.find("run " + run + " in " + root.string() + " belongs to another client"),
            std::string::npos)
      << e;
  EXPECT_EQ(e.find(mine), std::string::npos) << e;
  EXPECT_EQ(e.find(theirs), std::string::npos) << e;
  e = thrown_by([&] { split::admit_run(root, run, "run_proof", "", 2, true); });
  EXPECT_NE(e.find("\"run_proof\" must be 32 to 128 lower-case hex digits"), std::string::npos)
      << e;
  split::admit_run(root, std::string(32, 'b'), "run_proof", theirs, 2, true);
  e = thrown_by([&] { split::admit_run(root, std::string(32, 'c'), "run_proof", mine, 2, true); });
  EXPECT_NE(e.find("already keeps checkpoints of 2 runs"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(root / std::string(32, 'c')));
  // A resume-only Hello makes no folder, so it does not count.
  EXPECT_NO_THROW(split::admit_run(root, std::string(32, 'd'), "run_proof", mine, 2, false));
  EXPECT_FALSE(fs::exists(root / std::string(32, 'd')));
  // A folder without an owner record (an older hesplit's) is nobody's to take over.
  fs::create_directories(root / std::string(32, 'e'));
  e = thrown_by([&] { split::admit_run(root, std::string(32, 'e'), "run_proof", mine, 9, true); });
  EXPECT_NE(e.find("it has no owner record"), std::string::npos) << e;
}

}  // namespace hesplit::test
