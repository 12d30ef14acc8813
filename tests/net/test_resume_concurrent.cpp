// Resuming runs of a server with several concurrent sessions (issue 9). `hesplit server
// --concurrent 2` serves two clients of different seeds, is killed with SIGKILL mid-run and
// restarted with the same --out; both clients resume, in the other order, and each finishes with
// exactly the metrics and model of its uninterrupted solo run. The server finds each run's
// checkpoints by the run id of the client's Hello, not by the order sessions arrive in.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "beat_fixture.hpp"
#include "child_process.hpp"
#include "report/run_summary.hpp"
#include "resume_fixture.hpp"
#include "split/session/checkpoint_store.hpp"
#include "test_data.hpp"

namespace hesplit::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class ConcurrentResume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dir_ = new fs::path(resume_fixture_dir("resume_concurrent_")); }
  static void TearDownTestSuite() { delete dir_; }

  static fs::path dir() { return *dir_; }
  static std::vector<std::string> server_args(const fs::path& out,
                                              const std::vector<std::string>& more = {}) {
    std::vector<std::string> args{"server", "--listen", "127.0.0.1:0", "--out", out.string()};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
  static std::vector<std::string> client_args(const fs::path& out, const std::string& address,
                                              int seed, bool resume = false) {
    // clang-format off
    std::vector<std::string> args{"client", "--mode", "plain", "--connect", address, "--data",
        (dir() / "fixture.h5").string(), "--epochs", std::to_string(kEpochs), "--batch", "4",
        "--seed", std::to_string(seed), "--checkpoint-every", std::to_string(kEvery), "--out",
        out.string(), "--no-busy-poll"};
    // clang-format on
    if (resume) args.push_back("--resume");
    return args;
  }
  static bool has_checkpoint(const fs::path& client_out) {
    return !split::CheckpointStore(client_out / "checkpoints").available().empty();
  }
  static void expect_same_run(const fs::path& got_dir, const fs::path& want_dir) {
    expect_same_metrics(report::read_summary_json(got_dir), report::read_summary_json(want_dir));
    EXPECT_EQ(slurp(got_dir / "client_front.pt"), slurp(want_dir / "client_front.pt"));
  }

 private:
  static inline fs::path* dir_ = nullptr;
};

TEST_F(ConcurrentResume, KilledServerResumesBothSessionsByRunId) {
  // The reference: each seed alone against its own server, uninterrupted (both pairs at once).
  const std::vector<int> seeds{5, 6};
  {
    std::vector<std::unique_ptr<Child>> servers, clients;
    for (const int seed : seeds) {
      const std::string solo = "solo-" + std::to_string(seed);
      servers.push_back(std::make_unique<Child>(server_args(dir() / solo / "server"),
                                                dir() / (solo + "-server")));
      clients.push_back(std::make_unique<Child>(
          client_args(dir() / solo / "client", address_of(*servers.back()), seed),
          dir() / (solo + "-client")));
    }
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      ASSERT_EQ(clients[i]->wait(), 0) << clients[i]->err();
      ASSERT_EQ(servers[i]->wait(), 0) << servers[i]->err();
    }
  }

  // Both clients at once against one --concurrent 2 server, killed once both have checkpoints.
  const fs::path server_out = dir() / "shared" / "server";
  auto client_out = [](int seed) { return dir() / "shared" / ("client-" + std::to_string(seed)); };
  const std::vector<std::string> concurrent{"--concurrent", "2", "--sessions", "2"};
  {
    Child server(server_args(server_out, concurrent), dir() / "shared-server");
    const std::string address = address_of(server);
    Child first(client_args(client_out(5), address, 5), dir() / "shared-client-5");
    Child second(client_args(client_out(6), address, 6), dir() / "shared-client-6");
    for (int i = 0; i < 3000 && !(has_checkpoint(client_out(5)) && has_checkpoint(client_out(6)));
         ++i) {
      std::this_thread::sleep_for(5ms);
    }
    ASSERT_TRUE(has_checkpoint(client_out(5)) && has_checkpoint(client_out(6)))
        << first.err() << second.err();
    std::this_thread::sleep_for(100ms);  // a few more checkpoints on both sides
    server.signal(SIGKILL);
    EXPECT_EQ(server.wait(), 128 + SIGKILL);
    EXPECT_NE(first.wait(), 0);
    EXPECT_NE(second.wait(), 0);
  }
  for (const int seed : seeds) {
    ASSERT_FALSE(fs::exists(client_out(seed) / "summary.json")) << "killed too late";
  }

  // Restarted with the same --out; the clients resume in the other order (seed 6 now takes the
  // first session slot).
  {
    Child server(server_args(server_out, concurrent), dir() / "resumed-server");
    const std::string address = address_of(server);
    Child second(client_args(client_out(6), address, 6, true), dir() / "resumed-client-6");
    std::this_thread::sleep_for(200ms);
    Child first(client_args(client_out(5), address, 5, true), dir() / "resumed-client-5");
    ASSERT_EQ(second.wait(), 0) << second.err();
    ASSERT_EQ(first.wait(), 0) << first.err();
    ASSERT_EQ(server.wait(), 0) << server.err();
    for (Child* client : {&first, &second}) {
      const std::string err = client->err();
      // From a checkpoint: a restart from the beginning would end with the same metrics too.
      const auto at = err.find("resuming from checkpoint");
      ASSERT_NE(at, std::string::npos) << err;
      std::cerr << "[ " << err.substr(at, err.find('\n', at) - at) << " ]" << std::endl;
    }
  }
  for (const int seed : seeds) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    expect_same_run(client_out(seed), dir() / ("solo-" + std::to_string(seed)) / "client");
  }
  // The server halves: the two session folders hold the two solo runs' heads, byte for byte.
  std::vector<std::string> got{slurp(server_out / "session-1" / "server_head.pt"),
                               slurp(server_out / "session-2" / "server_head.pt")};
  std::vector<std::string> want{slurp(dir() / "solo-5" / "server" / "server_head.pt"),
                                slurp(dir() / "solo-6" / "server" / "server_head.pt")};
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_TRUE(got == want) << "the resumed sessions' server heads differ from the solo runs'";

  // A server started with another --out holds nothing of these runs: refused, naming the run.
  Child elsewhere(server_args(dir() / "elsewhere", concurrent), dir() / "elsewhere-server");
  Child lost(client_args(client_out(5), address_of(elsewhere), 5, true), dir() / "lost-client");
  EXPECT_NE(lost.wait(), 0);
  EXPECT_NE(lost.err().find("this server holds no checkpoint of it"), std::string::npos)
      << lost.err();
  elsewhere.signal(SIGKILL);
  elsewhere.wait();
}

}  // namespace
}  // namespace hesplit::test
