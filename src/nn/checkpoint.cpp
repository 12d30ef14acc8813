#include "nn/checkpoint.hpp"

#include <torch/csrc/jit/serialization/pickle.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>

#include "report/atomic_file.hpp"

namespace hesplit::nn::detail {

namespace {
constexpr std::uintmax_t kMaxCheckpointBytes = 64ULL << 20;  // our halves are a few KB
}

void save_state_dict(const std::filesystem::path& file,
                     const std::map<std::string, torch::Tensor>& tensors, FileAccess access) {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& [key, value] : tensors) dict.insert(key, value.detach().clone());
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
  const std::string_view contents(bytes.data(), bytes.size());
  // The one atomic writer of the project: a fresh temporary file created exclusively (never a
  // fixed name that a planted symlink could redirect), fsynced, renamed, directory fsynced.
  if (access == FileAccess::kOwnerOnly) {
    report::write_private_file_atomic(file, contents);
  } else {
    report::write_file_atomic(file, contents);
  }
}

std::map<std::string, torch::Tensor> load_state_dict(const std::filesystem::path& file) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  if (error)
    throw std::runtime_error("cannot read checkpoint " + file.string() + ": " + error.message());
  if (size > kMaxCheckpointBytes) {
    throw std::runtime_error("checkpoint " + file.string() + " is " + std::to_string(size) +
                             " bytes, more than a model half can be");
  }
  std::ifstream in(file, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  c10::IValue value;
  try {
    value = torch::pickle_load(bytes);
  } catch (const std::exception& e) {
    throw std::runtime_error("checkpoint " + file.string() +
                             " is not a PyTorch state dict: " + e.what());
  }
  if (!value.isGenericDict()) {
    throw std::runtime_error("checkpoint " + file.string() + " does not hold a dict of tensors");
  }
  std::map<std::string, torch::Tensor> out;
  for (const auto& entry : value.toGenericDict()) {
    if (!entry.key().isString() || !entry.value().isTensor()) {
      throw std::runtime_error("checkpoint " + file.string() + " has a non-tensor entry");
    }
    out.emplace(entry.key().toStringRef(), entry.value().toTensor());
  }
  return out;
}

torch::Tensor take(const std::map<std::string, torch::Tensor>& state, const std::string& key,
                   at::IntArrayRef shape, const std::filesystem::path& file) {
  const auto it = state.find(key);
  if (it == state.end()) {
    throw std::runtime_error("checkpoint " + file.string() + " lacks \"" + key + "\"");
  }
  if (it->second.sizes() != shape || it->second.scalar_type() != torch::kFloat32) {
    throw std::runtime_error("checkpoint " + file.string() + ": \"" + key +
                             "\" has the wrong shape or type");
  }
  return it->second.clone();
}

}  // namespace hesplit::nn::detail
