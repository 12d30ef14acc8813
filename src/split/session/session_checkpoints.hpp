#pragma once
// Checkpoints of a session, both roles (issue 9). The client decides the interval and sends it in
// Hello ("checkpoint_every") with a run id ("run_id"); when it resumes it also lists the positions
// it holds ("resume"), and the server answers in HelloAck with the newest position it holds too
// ("resume_from"), after checking that its checkpoint belongs to the same run and parameters.
// Both sides then load that checkpoint and continue from it.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "split/message.hpp"
#include "split/session/checkpoint_store.hpp"
#include "split/session/live_runs.hpp"
#include "split/training_types.hpp"

namespace hesplit::split {

inline constexpr const char* kRunIdField = "run_id";
inline constexpr const char* kCheckpointEveryField = "checkpoint_every";
inline constexpr const char* kResumeField = "resume";
inline constexpr const char* kResumeFromField = "resume_from";
// HE modes: the client's key id (HeClientCrypto::key_id), checked when a session resumes.
inline constexpr const char* kKeyIdField = "key_id";

// The start of a run: held by both sides implicitly (the seed rebuilds it).
inline constexpr CheckpointPosition kStartPosition{1, 0, 0};

// A fresh run id: 32 hex digits (names a folder on the server, so only hex is accepted back).
std::string new_run_id();
// Throws TransportError unless `id` is 16..64 lower-case hex digits.
void check_run_id(const std::string& id);

// Comma-separated positions, as in the "resume" field.
std::string join_positions(const std::vector<CheckpointPosition>& positions);
std::vector<CheckpointPosition> parse_positions(const std::string& text);

// What a client asks for in its Hello.
struct CheckpointRequest {
  std::string run_id;                      // empty: no checkpoints, no resume
  std::uint64_t every = 0;                 // checkpoint every N training batches (0: never)
  std::vector<CheckpointPosition> resume;  // positions held, when resuming
  std::string run_proof;                   // plain mode: run_proof(the run's secret)
};

// Adds the request's fields to a Hello.
void add_checkpoint_request(std::map<std::string, std::string>& hello_fields,
                            const CheckpointRequest& request);
// The position the server chose (HelloAck "resume_from") when the client asked to resume;
// throws TransportError when it is missing or not one the client offered.
std::optional<CheckpointPosition> resumed_position(const Message& ack,
                                                   const CheckpointRequest& request);

// The server's side. Inactive (no checkpoints, no resume) without a checkpoint root or when the
// Hello asks for neither.
class ServerCheckpoints {
 public:
  // `root`: the server's checkpoint folder; this session's go to root/<run id>, found again by
  // the run id a resuming client sends. `live`: the server's live runs (may be null); the session
  // claims its run id there for its lifetime. `identity`: the Hello fields a checkpoint must match
  // to be resumed (protocol, seed, sizes, learning rate); `derived`: further values it must match
  // that the server computed from the Hello (the CKKS parameters' fingerprint). `owner_field`: the
  // Hello field whose value binds the run folder to its client (run_owner.hpp: key_id in the HE
  // modes, run_proof in plain); `max_runs`: the most run folders root may hold.
  ServerCheckpoints(const std::optional<std::filesystem::path>& root, LiveRuns* live,
                    const Message& hello, const std::vector<std::string>& identity_keys,
                    const std::string& owner_field, std::size_t max_runs,
                    const CheckpointFields& derived = {});

  // The position to resume from, if the client asked to resume (throws TransportError naming both
  // sides' positions, or the differing parameter, when none fits; or naming the run id and the
  // folder when this server holds no checkpoint of a run the client is past the first checkpoint
  // of, e.g. a server started with another --out).
  const std::optional<CheckpointPosition>& resume() const { return resume_; }
  std::filesystem::path folder(const CheckpointPosition& position) const;
  // The marker fields of a checkpoint (identity plus the `extra` it was saved with).
  CheckpointFields fields(const CheckpointPosition& position) const;

  // After the training batch (epoch, batch) - the run's `global_batches`-th - has been applied:
  // writes a checkpoint when one is due (`extra`: small state kept in the marker itself).
  void after_batch(std::uint32_t epoch, std::uint64_t batch, std::uint64_t global_batches,
                   const std::function<void(const std::filesystem::path& folder)>& write_state,
                   const std::function<CheckpointFields()>& extra = {});

 private:
  LiveRuns::Claim claim_;  // declared first, destroyed last: the run id is released after the rest
  std::optional<CheckpointStore> store_;
  std::uint64_t every_ = 0;
  CheckpointFields identity_;
  std::optional<CheckpointPosition> resume_;
};

// The client's training progress <-> checkpoint fields (exact: doubles in hexadecimal).
CheckpointFields progress_fields(const TrainingProgress& progress);
TrainingProgress progress_from_fields(const CheckpointFields& fields, const std::string& source);

}  // namespace hesplit::split
