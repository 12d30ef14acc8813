#include "split/session/live_runs.hpp"

#include <utility>

#include "split/transport.hpp"

namespace hesplit::split {

LiveRuns::Claim::Claim(Claim&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), run_id_(std::move(other.run_id_)) {}

LiveRuns::Claim& LiveRuns::Claim::operator=(Claim&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
    run_id_ = std::move(other.run_id_);
  }
  return *this;
}

LiveRuns::Claim::~Claim() { release(); }

void LiveRuns::Claim::release() noexcept {
  if (owner_ == nullptr) return;
  const std::lock_guard lock(owner_->mutex_);
  owner_->live_.erase(run_id_);
  owner_ = nullptr;
}

LiveRuns::Claim LiveRuns::claim(const std::string& run_id) {
  const std::lock_guard lock(mutex_);
  if (!live_.insert(run_id).second) {
    throw TransportError("run " + run_id +
                         " is already being served by another live session of this server; "
                         "refused so that the two do not write over each other's checkpoints");
  }
  return Claim(this, run_id);
}

}  // namespace hesplit::split
