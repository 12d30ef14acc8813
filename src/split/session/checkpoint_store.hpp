#pragma once
// Checkpoints at batch granularity, for both roles (issue 9): ROOT/g<global batches>/ holds the
// role's state files plus a marker file, written last and atomically, that makes the checkpoint
// valid and records where the run stood and what it was (seed, sizes, learning rates, run id).
// A crash at any moment leaves every earlier checkpoint intact; the newest `keep` are kept.
//
// Why two are kept: client and server write theirs at the same batch but at different moments
// (each after its own step), so a crash can leave one side a checkpoint ahead. Both sides always
// share the previous one, and resuming picks the newest checkpoint both have (see resume.hpp).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hesplit::split {

// Where a run stands after `global_batches` training batches: the next batch to train is
// `next_batch` (0-based) of epoch `epoch` (1-based).
struct CheckpointPosition {
  std::uint32_t epoch = 1;
  std::uint64_t next_batch = 0;
  std::uint64_t global_batches = 0;
  bool operator==(const CheckpointPosition&) const = default;
};

// "e<epoch>-b<next_batch>-g<global>", as positions travel in Hello / HelloAck.
std::string to_string(const CheckpointPosition& position);
// Throws std::runtime_error naming `text` when it is not such a string.
CheckpointPosition parse_position(const std::string& text);

using CheckpointFields = std::map<std::string, std::string>;

class CheckpointStore {
 public:
  explicit CheckpointStore(std::filesystem::path root, std::size_t keep = 2);

  // Writes a checkpoint: `write_files` gets the checkpoint's fresh folder and must write its state
  // files there (each with report::write_file_atomic[_with], so each is fsynced); then the marker
  // with the position and `fields` is written atomically; then older checkpoints are pruned.
  void save(const CheckpointPosition& position, const CheckpointFields& fields,
            const std::function<void(const std::filesystem::path& folder)>& write_files);

  // Valid checkpoints (marker present and readable), newest first.
  std::vector<CheckpointPosition> available() const;
  std::filesystem::path folder(const CheckpointPosition& position) const;
  // The marker's fields (without the position); throws naming the file if unreadable.
  CheckpointFields fields(const CheckpointPosition& position) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::optional<CheckpointPosition> read_marker(const std::filesystem::path& folder,
                                                CheckpointFields* fields) const;
  std::filesystem::path root_;
  std::size_t keep_;
};

// Exact text for doubles in checkpoint fields (hexadecimal floating point: no rounding).
std::string exact_number(double value);
double parse_exact_number(const std::string& text, const std::string& what);

}  // namespace hesplit::split
