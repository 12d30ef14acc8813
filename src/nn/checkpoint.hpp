#pragma once
// Internal to hesplit_nn: state dicts written with torch::pickle_save, the format Python's
// torch.load reads, and read back with clear errors naming the file and the key.
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>

namespace hesplit::nn::detail {

// Who may read a written file: the umask's default, or only the owner (the client's own model:
// the front network is what an inversion adversary would need).
enum class FileAccess { kShared, kOwnerOnly };

// Replaces `file` atomically (report::write_file_atomic); parent folders are created.
void save_state_dict(const std::filesystem::path& file,
                     const std::map<std::string, torch::Tensor>& tensors, FileAccess access);
std::map<std::string, torch::Tensor> load_state_dict(const std::filesystem::path& file);

// The tensor under `key`, checked against the expected shape.
torch::Tensor take(const std::map<std::string, torch::Tensor>& state, const std::string& key,
                   at::IntArrayRef shape, const std::filesystem::path& file);

}  // namespace hesplit::nn::detail
