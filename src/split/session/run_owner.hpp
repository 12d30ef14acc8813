#pragma once
// Who may write a run's batch checkpoints on a server (issue 20). A run id is not a secret (it
// travels in every Hello), so knowing one must not let a client overwrite that run's checkpoints,
// and a client must not be able to fill the server's disk with run folders. So:
//   - the folder root/<run id> is bound, when it is made, to the credential of the client that
//     made it: in the HE modes its key id (a one-way hash of its secret key), in plain mode the
//     proof of a per-run secret that only the client holds (RUN_DIR/run_secret, mode 0600). The
//     server keeps only a SHA-256 of the credential; a later Hello with another one is refused.
//   - a server keeps at most `max_runs` run folders; a new run beyond that is refused.
#include <cstddef>
#include <filesystem>
#include <string>

namespace hesplit::split {

// Plain mode's credential in Hello: run_proof(secret).
inline constexpr const char* kRunProofField = "run_proof";
// Run folders a server keeps unless told otherwise (hesplit server --max-checkpoint-runs).
inline constexpr std::size_t kDefaultMaxCheckpointRuns = 32;

// A fresh per-run secret: 64 hex digits from the kernel's entropy.
std::string new_run_secret();
// The one-way proof of `secret` a plain client sends (64 hex digits): the secret stays on the
// client, and the server stores only a hash of the proof.
std::string run_proof(const std::string& secret);

// Server side, at Hello, before any checkpoint of the run is read or written. `credential_field`
// names the Hello field that carried `credential` (for the error messages; the credential itself
// is never printed). Throws TransportError when:
//   - the credential is not 32..128 lower-case hex digits;
//   - root/run_id exists and was made with another credential (or, made by an older hesplit,
//     records none);
//   - root/run_id does not exist, `create` is set, and root already holds `max_runs` run folders.
// Otherwise, with `create` set, makes root/run_id with its owner record.
void admit_run(const std::filesystem::path& root, const std::string& run_id,
               const std::string& credential_field, const std::string& credential,
               std::size_t max_runs, bool create);

}  // namespace hesplit::split
