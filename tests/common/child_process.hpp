#pragma once
// A child process running the build's `hesplit` (stdout/stderr in files), for the tests that run
// real server and client processes (two-process training, TLS flags, kill -9 and resume).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "test_data.hpp"

extern char** environ;

namespace hesplit::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A child process running the build's hesplit, stdout/stderr in files.
class Child {
 public:
  Child(const std::vector<std::string>& args, const fs::path& log_stem)
      : out_(log_stem.string() + ".out"), err_(log_stem.string() + ".err") {
    std::vector<std::string> storage{HESPLIT_EXECUTABLE};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + storage[0]);
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  void signal(int sig) const { kill(pid_, sig); }
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }
  // Exit status (or 128 + signal number).
  int wait(std::chrono::seconds limit = 180s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (running()) {
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "process did not end in time; stderr: " << err();
        return -1;
      }
      std::this_thread::sleep_for(10ms);
    }
    return code_;
  }
  std::string out() const { return slurp(out_); }
  std::string err() const { return slurp(err_); }

 private:
  std::string out_, err_;
  pid_t pid_ = -1;
  int code_ = -1;
};

// The address a `hesplit server` child printed once it listens (a test failure if it never does).
inline std::string address_of(const Child& server) {
  const std::string marker = "listening on ";
  for (int i = 0; i < 1000; ++i) {
    const std::string out = server.out();
    if (const auto at = out.find(marker);
        at != std::string::npos && out.find('\n', at) != std::string::npos) {
      return out.substr(at + marker.size(), out.find('\n', at) - at - marker.size());
    }
    std::this_thread::sleep_for(20ms);
  }
  ADD_FAILURE() << "server did not start: " << server.err();
  return "";
}

// Stops `server` (SIGSTOP) and checks that `client`, started with `--message-timeout 1`, gives up
// about a second later with the timeout message; then kills the server.
inline void expect_client_gives_up_on_a_stalled_server(Child& server, Child& client) {
  server.signal(SIGSTOP);
  const auto stopped = std::chrono::steady_clock::now();
  EXPECT_NE(client.wait(), 0);
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - stopped).count();
  EXPECT_GE(waited, 0.9);
  EXPECT_LT(waited, 30.0);
  EXPECT_NE(client.err().find("sent nothing for 1000 ms; session cancelled"), std::string::npos)
      << client.err();
  server.signal(SIGKILL);
}

}  // namespace hesplit::test
