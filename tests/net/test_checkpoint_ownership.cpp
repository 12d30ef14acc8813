// Issue 20, server hardening: an authenticated client could create any number of run folders
// under the server's --out/checkpoints, and could overwrite another run's checkpoints by knowing
// its run id (not a secret: it travels in every Hello). Now each run folder is bound to the
// client that began it (plain: the proof of RUN_DIR/run_secret; HE: the key id), and the number
// of run folders is bounded.
#include <regex>

#include "security_cli_support.hpp"

namespace hesplit::test {
namespace {

// Every file under `root` with its bytes.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file())
      files[fs::relative(entry.path(), root).string()] = slurp(entry.path());
  }
  return files;
}

// The run id in the markers of a client's run folder.
std::string run_id_of(const fs::path& run_dir) {
  for (const auto& entry : fs::recursive_directory_iterator(run_dir / "checkpoints")) {
    if (entry.path().filename() != "checkpoint.txt") continue;
    std::smatch match;
    const std::string marker = slurp(entry.path());
    if (std::regex_search(marker, match, std::regex("run_id=([0-9a-f]+)"))) return match[1];
  }
  return "";
}

// A checkpointed run of 4 batches; `exit_after`: the client dies after that many batches (its
// newest checkpoint is then the one before); `resume`: continue the run in dir/run.
std::vector<std::string> checkpointed(const fs::path& dir, const std::string& address,
                                      const std::string& run, std::size_t exit_after,
                                      bool resume = false) {
  auto args = with(plain_client(dir, address, run, 4), {"--checkpoint-every", "1"});
  if (exit_after > 0) args = with(args, {"--exit-after-batches", std::to_string(exit_after)});
  if (resume) args.push_back("--resume");
  return args;
}

constexpr int kExitedAbruptly = 75;  // --exit-after-batches

// The attacker knows the victim's run id only. It makes its own checkpointed run, rewrites the run
// id in its own markers to the victim's and resumes: before the fix the server accepted the
// victim's run id for it (restarting it, no checkpoint being in common) and wrote the attacker's
// checkpoints over the victim's.
TEST(CheckpointOwnership, AnotherClientCannotTakeOverARunByItsId) {
  const fs::path dir = security_scratch("takeover");
  Child server(
      {"server", "--listen", "127.0.0.1:0", "--sessions", "0", "--out", (dir / "server").string()},
      dir / "server");
  const std::string address = address_of(server);
  {
    Child victim(checkpointed(dir, address, "victim", 3), dir / "victim");
    ASSERT_EQ(victim.wait(), kExitedAbruptly) << victim.err();
  }
  const std::string victim_run = run_id_of(dir / "victim");
  ASSERT_EQ(victim_run.size(), 32U);
  EXPECT_EQ(fs::status(dir / "victim" / "run_secret").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  const fs::path victim_folder = dir / "server" / "checkpoints" / victim_run;
  const auto before = snapshot(victim_folder);
  ASSERT_FALSE(before.empty());

  {
    Child own(checkpointed(dir, address, "attacker", 2), dir / "attacker-own");
    ASSERT_EQ(own.wait(), kExitedAbruptly) << own.err();
  }
  const std::string own_run = run_id_of(dir / "attacker");
  for (const auto& entry : fs::recursive_directory_iterator(dir / "attacker" / "checkpoints")) {
    if (entry.path().filename() != "checkpoint.txt") continue;
    const std::string marker = slurp(entry.path());
    std::ofstream(entry.path(), std::ios::trunc)
        << std::regex_replace(marker, std::regex(own_run), victim_run);
  }
  Child attack(checkpointed(dir, address, "attacker", 0, true), dir / "attack");
  EXPECT_NE(attack.wait(), 0) << "the attacker resumed the victim's run";
  EXPECT_NE(attack.err().find("run " + victim_run), std::string::npos) << attack.err();
  EXPECT_NE(attack.err().find("belongs to another client"), std::string::npos) << attack.err();
  EXPECT_EQ(snapshot(victim_folder), before) << "the victim's checkpoints were changed";

  // The victim itself still resumes its run.
  Child resumed(checkpointed(dir, address, "victim", 0, true), dir / "victim-resumed");
  EXPECT_EQ(resumed.wait(), 0) << resumed.err();
  EXPECT_TRUE(server.running()) << server.err();
}

TEST(CheckpointOwnership, NewRunsBeyondTheServersLimitAreRefused) {
  const fs::path dir = security_scratch("limit");
  Child server({"server", "--listen", "127.0.0.1:0", "--sessions", "3", "--max-checkpoint-runs",
                "2", "--out", (dir / "server").string()},
               dir / "server");
  const std::string address = address_of(server);
  for (const char* run : {"first", "second"}) {
    Child client(checkpointed(dir, address, run, 2), dir / run);
    EXPECT_EQ(client.wait(), kExitedAbruptly) << client.err();
  }
  Child third(checkpointed(dir, address, "third", 2), dir / "third");
  EXPECT_NE(third.wait(), 0);
  EXPECT_NE(third.err().find("already keeps checkpoints of 2 runs"), std::string::npos)
      << third.err();
  std::size_t folders = 0;
  for (const auto& entry : fs::directory_iterator(dir / "server" / "checkpoints")) {
    folders += entry.is_directory() ? 1 : 0;
  }
  EXPECT_EQ(folders, 2U);
  // A run the server already keeps is not new: it resumes (the third counted session).
  Child resumed(checkpointed(dir, address, "first", 0, true), dir / "first-resumed");
  EXPECT_EQ(resumed.wait(), 0) << resumed.err();
  EXPECT_EQ(server.wait(), 0) << server.err();
}

}  // namespace
}  // namespace hesplit::test
