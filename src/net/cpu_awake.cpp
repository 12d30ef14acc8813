#include "net/cpu_awake.hpp"

#include <pthread.h>
#include <sched.h>

namespace hesplit::net {

CpuAwake::CpuAwake(bool enabled) {
  if (!enabled) return;
  thread_ = std::jthread([](const std::stop_token& stop) {
    const sched_param idle{};
    if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle) != 0)
      return;  // never spin at normal priority
    while (!stop.stop_requested()) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();  // eases the spin on the core's pipeline and power
#endif
    }
  });
}

}  // namespace hesplit::net
