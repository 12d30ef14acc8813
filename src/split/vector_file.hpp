#pragma once
// A vector of doubles on disk, for checkpoint state that is neither a torch module nor a
// ciphertext (paper's clear server weights and mask, the client's pending refresh). Format: "HSVD"
// magic, u32 version (1), u64 count, then count little-endian IEEE doubles: exact, no rounding.
#include <cstddef>
#include <filesystem>
#include <span>
#include <vector>

namespace hesplit::split {

// Written atomically (temp file, fsync, rename).
void save_vector_file(const std::filesystem::path& file, std::span<const double> values);
// Throws std::runtime_error naming the file (and the byte offset) unless it holds exactly
// `expected` values.
std::vector<double> load_vector_file(const std::filesystem::path& file, std::size_t expected);

}  // namespace hesplit::split
