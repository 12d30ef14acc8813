#pragma once
// The runs a server process is serving right now, by run id (issue 9). A server with several
// concurrent sessions keeps every run's checkpoints in one folder per run id; two live sessions
// claiming the same run id (a client started twice on one run folder, a stale connection) would
// write over each other's checkpoints, so the second is refused at the handshake.
#include <mutex>
#include <set>
#include <string>

namespace hesplit::split {

class LiveRuns {
 public:
  // Held by a session for as long as it serves the run; releases the run id when destroyed.
  class Claim {
   public:
    Claim() = default;
    Claim(Claim&& other) noexcept;
    Claim& operator=(Claim&& other) noexcept;
    Claim(const Claim&) = delete;
    Claim& operator=(const Claim&) = delete;
    ~Claim();

   private:
    friend class LiveRuns;
    Claim(LiveRuns* owner, std::string run_id) : owner_(owner), run_id_(std::move(run_id)) {}
    void release() noexcept;
    LiveRuns* owner_ = nullptr;
    std::string run_id_;
  };

  // Throws TransportError naming the run id when another live session already holds it.
  Claim claim(const std::string& run_id);

 private:
  std::mutex mutex_;
  std::set<std::string> live_;
};

}  // namespace hesplit::split
