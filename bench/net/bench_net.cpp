// Load test of the server role: one in-process SessionServer holding N concurrent sessions, each
// driven by its own `hesplit client` process (real processes, real gRPC over loopback). Reports,
// for N = 1, 2, 4 clients: sessions held at once, training batches per second (all clients
// together, and per client), and the server's peak memory (VmHWM, reset before each N).
//
//   build-rel/bench_net [--data FILE.h5] [--batches K] [--batch B] [--mode plain] [--clients 1,2,4]
//                       [--json FILE]
//
// The clients train one epoch of K batches on a copy of the dataset cut to the first K * B training
// beats and 256 test beats (the per-epoch evaluation is not what this measures).
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ecg/beat_dataset.hpp"
#include "net/session_server.hpp"
#include "split/serve_session.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using hesplit::ecg::BeatDataset;
using hesplit::ecg::BeatSet;

struct Args {
  fs::path data = fs::path(HESPLIT_SOURCE_DIR) / "data" / "paper-nlrav-seed0.h5";
  std::size_t batches = 300;
  std::size_t batch = 4;
  std::string mode = "plain";
  std::vector<int> clients = {1, 2, 4};
  std::optional<fs::path> json;
};

Args parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::runtime_error("missing value after " + flag);
    const std::string value = argv[++i];
    if (flag == "--data") {
      args.data = value;
    } else if (flag == "--batches") {
      args.batches = std::stoul(value);
    } else if (flag == "--batch") {
      args.batch = std::stoul(value);
    } else if (flag == "--mode") {
      args.mode = value;
    } else if (flag == "--json") {
      args.json = fs::path(value);
    } else if (flag == "--clients") {
      args.clients.clear();
      std::stringstream list(value);
      for (std::string item; std::getline(list, item, ',');)
        args.clients.push_back(std::stoi(item));
    } else {
      throw std::runtime_error("unknown flag " + flag);
    }
  }
  return args;
}

BeatSet head_of(const BeatSet& set, std::size_t n) {
  n = std::min(n, set.size());
  BeatSet out;
  out.x.assign(set.x.begin(),
               set.x.begin() + static_cast<std::ptrdiff_t>(n * hesplit::ecg::kBeatLength));
  out.y.assign(set.y.begin(), set.y.begin() + static_cast<std::ptrdiff_t>(n));
  out.record.assign(set.record.begin(), set.record.begin() + static_cast<std::ptrdiff_t>(n));
  out.r_peak.assign(set.r_peak.begin(), set.r_peak.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

std::size_t status_kib(const char* field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with(field)) return std::stoul(line.substr(std::strlen(field)));
  }
  return 0;
}

// Resets VmHWM to the current resident size (Linux: "5" to clear_refs).
void reset_peak_memory() { std::ofstream("/proc/self/clear_refs") << "5"; }

class Client {
 public:
  Client(const std::vector<std::string>& args, const fs::path& log) {
    std::vector<std::string> storage{HESPLIT_EXECUTABLE};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("cannot start " + storage[0]);
    }
    posix_spawn_file_actions_destroy(&actions);
  }
  int wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
};

// Scratch name of client `c` in the run with `clients` clients (ostringstream: GCC 12 misreports
// chains of std::string + as overlapping copies).
std::string client_name(int clients, int c) {
  std::ostringstream name;
  name << "n" << clients << "-c" << c;
  return name.str();
}

struct Row {
  int clients = 0;
  int sessions_held = 0;
  double batches_per_second = 0;  // all clients together
  double per_client_batches_per_second = 0;
  double wall_seconds = 0;
  std::size_t server_peak_kib = 0;
  std::size_t server_baseline_kib = 0;
};

Row measure(const Args& args, int clients, const fs::path& data, const fs::path& scratch) {
  Row row;
  row.clients = clients;
  std::mutex mutex;
  int open = 0;
  hesplit::net::NetOptions net_options;
  net_options.max_concurrent_sessions = static_cast<std::size_t>(clients);
  row.server_baseline_kib = status_kib("VmRSS:");
  reset_peak_memory();
  hesplit::net::SessionServer server(
      "127.0.0.1:0",
      [&](hesplit::split::Transport& t) {
        {
          const std::lock_guard lock(mutex);
          row.sessions_held = std::max(row.sessions_held, ++open);
        }
        hesplit::split::ServerOptions roles;  // no checkpoint: memory and speed only
        roles.torch_threads = 1;
        hesplit::split::serve_session(t, roles);
        const std::lock_guard lock(mutex);
        --open;
      },
      net_options);
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  std::vector<std::unique_ptr<Client>> running;
  const auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < clients; ++c) {
    const fs::path out = scratch / client_name(clients, c);
    running.push_back(std::make_unique<Client>(
        std::vector<std::string>{"client", "--connect", address, "--mode", args.mode, "--data",
                                 data.string(), "--epochs", "1", "--batch",
                                 std::to_string(args.batch), "--max-batches",
                                 std::to_string(args.batches), "--seed", std::to_string(c), "--out",
                                 out.string(), "--no-busy-poll"},
        scratch / (client_name(clients, c) + ".err")));
  }
  double slowest_training = 0;
  for (int c = 0; c < clients; ++c) {
    const int rc = running[static_cast<std::size_t>(c)]->wait();
    const fs::path out = scratch / client_name(clients, c);
    if (rc != 0) throw std::runtime_error("client " + std::to_string(c) + " failed; see its .err");
    std::ifstream summary(out / "summary.json");
    const nlohmann::json j = nlohmann::json::parse(summary);
    slowest_training = std::max(slowest_training, j["epochs"][0]["seconds"].get<double>());
  }
  row.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (int c = 0; c < clients; ++c) {
    if (server.wait_for_session().error) throw std::runtime_error("a server session failed");
  }
  row.server_peak_kib = status_kib("VmHWM:");
  // The clients train side by side, so the slowest client's training time spans them all.
  row.batches_per_second =
      static_cast<double>(args.batches) * clients / std::max(slowest_training, 1e-9);
  row.per_client_batches_per_second = row.batches_per_second / clients;
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args args = parse(argc, argv);
    const fs::path scratch =
        fs::temp_directory_path() / ("hesplit-bench-net-" + std::to_string(getpid()));
    fs::create_directories(scratch);
    BeatDataset dataset = hesplit::ecg::read_beat_dataset(args.data);
    dataset.train = head_of(dataset.train, args.batches * args.batch);
    dataset.test = head_of(dataset.test, 256);
    const fs::path cut = scratch / "cut.h5";
    hesplit::ecg::write_beat_dataset(cut, dataset);
    std::cout << "mode " << args.mode << ", batch " << args.batch << ", " << args.batches
              << " batches per client, data " << args.data.string() << "\n";
    std::cout
        << "| clients | sessions held | batches/s (all) | batches/s (per client) | "
           "wall s | server peak RSS MB | server RSS before MB |\n|---|---|---|---|---|---|---|\n";
    nlohmann::json rows = nlohmann::json::array();
    for (const int clients : args.clients) {
      const Row row = measure(args, clients, cut, scratch);
      std::printf("| %d | %d | %.1f | %.1f | %.2f | %.1f | %.1f |\n", row.clients,
                  row.sessions_held, row.batches_per_second, row.per_client_batches_per_second,
                  row.wall_seconds, static_cast<double>(row.server_peak_kib) / 1024.0,
                  static_cast<double>(row.server_baseline_kib) / 1024.0);
      std::fflush(stdout);
      rows.push_back({{"clients", row.clients},
                      {"sessions_held", row.sessions_held},
                      {"batches_per_second", row.batches_per_second},
                      {"per_client_batches_per_second", row.per_client_batches_per_second},
                      {"wall_seconds", row.wall_seconds},
                      {"server_peak_rss_bytes", row.server_peak_kib * 1024},
                      {"server_rss_before_bytes", row.server_baseline_kib * 1024}});
    }
    if (args.json) {
      std::ofstream(*args.json) << nlohmann::json{{"mode", args.mode},
                                                  {"batch_size", args.batch},
                                                  {"batches_per_client", args.batches},
                                                  {"rows", rows}}
                                       .dump(2)
                                << "\n";
    }
    fs::remove_all(scratch);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_net: error: " << e.what() << "\n";
    return 1;
  }
}
