#pragma once
// A sealed client's own copy of the server layer's trained part, Delta (classes x features,
// row-major) and delta (classes): the client applies the server's SGD step in the clear after
// every batch (it knows A and G), so the end of a run can publish W0 + Delta without decrypting
// anything the server sent. Kept in the client's run directory and in its checkpoints, as two
// vector files (vector_file.hpp), written atomically.
#include <cstddef>
#include <filesystem>
#include <vector>

namespace hesplit::split {

inline constexpr const char* kOwnDeltaFile = "client_delta.hsvd";
inline constexpr const char* kOwnDeltaBiasFile = "client_delta_bias.hsvd";

struct OwnDelta {
  std::vector<double> weight;  // classes x features
  std::vector<double> bias;    // classes
};

void save_own_delta(const std::filesystem::path& folder, const OwnDelta& delta);
// Sizes come from the caller's run, never from the files: a file of another size is refused with
// an error naming it. A folder without the files (a run of an older hesplit) is refused too.
OwnDelta load_own_delta(const std::filesystem::path& folder, std::size_t classes,
                        std::size_t features);

}  // namespace hesplit::split
