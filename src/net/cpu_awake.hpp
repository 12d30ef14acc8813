#pragma once
// Keeps one CPU out of its idle state while a latency-bound session runs.
//
// Why: plain split learning makes four one-way hops per batch, each waking a blocked thread. On a
// virtual machine an idle vCPU halts, and waking it costs hundreds of microseconds (measured here:
// the A -> Z round trip took ~580 us per batch with idle vCPUs, ~170 us with one kept awake), more
// than the batch's compute. The spinning thread runs under SCHED_IDLE: any other runnable thread,
// ours or another process's, preempts it at once, so it only burns CPU time that would otherwise
// be idle, and a woken gRPC thread lands on an awake CPU.
#include <thread>

namespace hesplit::net {

class CpuAwake {
 public:
  explicit CpuAwake(bool enabled);
  ~CpuAwake() = default;  // std::jthread requests stop and joins
  CpuAwake(const CpuAwake&) = delete;
  CpuAwake& operator=(const CpuAwake&) = delete;

  bool active() const { return thread_.joinable(); }

 private:
  std::jthread thread_;
};

}  // namespace hesplit::net
