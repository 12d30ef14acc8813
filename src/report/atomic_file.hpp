#pragma once
// Crash-safe file replacement: readers of `path` see either the old file or the complete new one,
// never a torn write. The bytes go to a fresh temporary file beside `path` (same directory, hence
// same filesystem), which is fsynced, renamed over `path`, and the directory fsynced so the rename
// itself survives a power cut. Run outputs and checkpoints both go through here.
#include <filesystem>
#include <functional>
#include <string_view>

namespace hesplit::report {

// Replaces `path` with exactly `contents`. Creates missing parent directories. Throws
// std::runtime_error naming the file and the failing step; no temporary file is left behind.
void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

// The same for a secret (the client's CKKS secret key): the temporary file is created with mode
// 0600, so the bytes are never readable by others, not even for a moment.
void write_private_file_atomic(const std::filesystem::path& path, std::string_view contents);

// For writers that insist on opening a file by name themselves (e.g. torch::save): `produce` is
// called with the path of a fresh, empty temporary file in the target directory and must write the
// complete contents there; on return the file is fsynced and renamed over `path`. If `produce`
// throws, the temporary file is removed and the exception propagates.
void write_file_atomic_with(const std::filesystem::path& path,
                            const std::function<void(const std::filesystem::path& temp)>& produce);

}  // namespace hesplit::report
