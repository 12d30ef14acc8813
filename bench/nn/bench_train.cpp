// Seconds per training epoch for `local` and `plain` (real gRPC over loopback, server and client
// in threads of this process, as `hesplit train --mode plain` runs them), at batch 4 and 16.
// Data: $HESPLIT_BENCH_DATA, else data/paper-nlrav-seed0.h5 in the source tree, else a synthetic
// set of the paper split's size (13,245 training beats): the cost does not depend on the values.
// Each iteration trains one full epoch from a fresh model; the time reported is the epoch's
// training time (test evaluation excluded), as summary.json's "seconds".
#include <benchmark/benchmark.h>

#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "beat_fixture.hpp"
#include "net/client_connection.hpp"
#include "net/session_server.hpp"
#include "nn/server_head.hpp"
#include "nn/torch_threads.hpp"
#include "split/io_thread_transport.hpp"
#include "split/local_head.hpp"
#include "split/protocols/plain/plain_client.hpp"
#include "split/serve_session.hpp"
#include "split/trainer.hpp"

namespace {

using namespace hesplit;

const ecg::BeatDataset& bench_dataset() {
  static const ecg::BeatDataset dataset = [] {
    std::filesystem::path file =
        std::filesystem::path(HESPLIT_SOURCE_DIR) / "data" / "paper-nlrav-seed0.h5";
    if (const char* env = std::getenv("HESPLIT_BENCH_DATA")) file = env;
    if (std::filesystem::exists(file)) return ecg::read_beat_dataset(file);
    ecg::BeatDataset synthetic = test::synthetic_dataset(13245, 512);
    return synthetic;
  }();
  return dataset;
}

split::TrainOptions one_epoch(std::size_t batch) {
  split::TrainOptions options;
  options.epochs = 1;
  options.batch_size = batch;
  return options;
}

split::EpochResult local_epoch(std::size_t batch) {
  const split::TrainOptions options = one_epoch(batch);
  nn::ClientFront front(options.seed, options.client_lr);
  split::LocalHead head(nn::ServerHead(nn::kSplitFeatures, 5, options.seed, options.server_lr),
                        std::nullopt);
  split::TrainingObserver observer;
  return split::train(front, head, bench_dataset(), 5, options, observer).epochs.front();
}

split::EpochResult plain_epoch(std::size_t batch, bool unix_socket, bool busy_wait) {
  const split::TrainOptions options = one_epoch(batch);
  split::ServerOptions server_options;
  server_options.torch_threads = 1;
  const std::string unix_address =
      "unix:/tmp/hesplit-bench-" + std::to_string(::getpid()) + ".sock";
  net::SessionServer server(
      unix_socket ? unix_address : "127.0.0.1:0",
      [&](split::Transport& t) { split::serve_session(t, server_options); }, net::NetOptions{});
  nn::ClientFront front(options.seed, options.client_lr);
  net::NetOptions client_net;
  // As `hesplit train --mode plain` does, by default (--busy-poll) or with --no-busy-poll.
  if (busy_wait) client_net.busy_wait = net::kPlainBusyWait;
  net::ClientConnection connection(
      unix_socket ? unix_address : "127.0.0.1:" + std::to_string(server.port()), client_net);
  split::PlainRemoteHead head(
      connection, {options.seed, options.server_lr, nn::kSplitFeatures, 5, options.batch_size});
  split::TrainingObserver observer;
  const split::EpochResult epoch =
      split::train(front, head, bench_dataset(), 5, options, observer).epochs.front();
  connection.close();
  server.wait_for_session();
  return epoch;
}

enum class Mode { kLocal, kPlainTcp, kPlainTcpSleeping, kPlainUnix };

void BM_Epoch(benchmark::State& state, Mode mode) {
  nn::set_torch_threads(1);
  // As the training commands do (cli/training_session.hpp, keep_freed_memory).
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
  const auto batch = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    const split::EpochResult epoch =
        mode == Mode::kLocal
            ? local_epoch(batch)
            : plain_epoch(batch, mode == Mode::kPlainUnix, mode != Mode::kPlainTcpSleeping);
    state.SetIterationTime(epoch.seconds);
    state.counters["batches"] = static_cast<double>(epoch.batches);
    state.counters["MB_up"] = static_cast<double>(epoch.bytes_client_to_server) / 1e6;
    state.counters["MB_down"] = static_cast<double>(epoch.bytes_server_to_client) / 1e6;
  }
}

void BM_LocalEpoch(benchmark::State& state) { BM_Epoch(state, Mode::kLocal); }
// Plain over TCP on 127.0.0.1, as `hesplit train --mode plain` runs it.
void BM_PlainEpoch(benchmark::State& state) { BM_Epoch(state, Mode::kPlainTcp); }
// The same with --no-busy-poll: the client's thread runs gRPC itself and sleeps between messages.
void BM_PlainNoBusyPollEpoch(benchmark::State& state) { BM_Epoch(state, Mode::kPlainTcpSleeping); }
// Plain over a Unix domain socket, for comparison (no TCP/IP stack on the path).
void BM_PlainUnixSocketEpoch(benchmark::State& state) { BM_Epoch(state, Mode::kPlainUnix); }

// One round trip of a batch-4 activation map over the session stream (echo server): the fixed
// cost plain pays twice per batch on top of local.
void round_trips(benchmark::State& state, const std::string& listen, bool busy_wait) {
  const net::SessionServer server(
      listen,
      [](split::Transport& t) {
        for (;;) {
          split::Message m = t.receive();
          const bool last = m.kind == split::MessageKind::kGoodbye;
          t.send(m);
          if (last) return;
        }
      },
      net::NetOptions{});
  const std::string address =
      listen.starts_with("unix:") ? listen : "127.0.0.1:" + std::to_string(server.port());
  net::NetOptions client_net;
  if (busy_wait) client_net.busy_wait = net::kPlainBusyWait;
  net::ClientConnection connection(address, client_net);
  const split::Message message{
      split::MessageKind::kActivations,
      1,
      0,
      {},
      {nn::FloatTensor{{state.range(0), 256}, std::vector<float>(state.range(0) * 256, 0.5f)}},
      {}};
  for (auto _ : state) {
    connection.send(message);
    benchmark::DoNotOptimize(connection.receive());
  }
  connection.send(split::Message{split::MessageKind::kGoodbye, 0, 0, {}, {}, {}});
  connection.receive();
  connection.close();
}
// With the client's I/O thread (--busy-poll, the default).
void BM_RoundTrip(benchmark::State& state) { round_trips(state, "127.0.0.1:0", true); }
void BM_RoundTripNoBusyPoll(benchmark::State& state) { round_trips(state, "127.0.0.1:0", false); }
void BM_RoundTripUnixSocket(benchmark::State& state) {
  round_trips(state, "unix:/tmp/hesplit-bench-" + std::to_string(::getpid()) + ".sock", true);
}
BENCHMARK(BM_RoundTripUnixSocket)->Arg(4)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_RoundTrip)->Arg(4)->Arg(16)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_RoundTripNoBusyPoll)->Arg(4)->Arg(16)->Unit(benchmark::kMicrosecond)->UseRealTime();

BENCHMARK(BM_LocalEpoch)->Arg(4)->Arg(16)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_PlainUnixSocketEpoch)
    ->Arg(4)
    ->Arg(16)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_PlainEpoch)->Arg(4)->Arg(16)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_PlainNoBusyPollEpoch)
    ->Arg(4)
    ->Arg(16)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
