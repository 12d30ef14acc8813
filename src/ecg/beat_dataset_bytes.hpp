#pragma once
// A BeatDataset as a flat byte string, to carry what a child process read from an HDF5 file back
// to the parent (isolated_call.hpp). Decoding bounds every count by the bytes present and checks
// the dataset's consistency, as the HDF5 reader does: the bytes come from a process that just ran
// libhdf5 on untrusted input.
#include <string>

#include "ecg/beat_dataset.hpp"

namespace hesplit::ecg::detail {

std::string encode_beat_dataset(const BeatDataset& dataset);
// Throws DatasetError naming `source` (the HDF5 file) and the byte offset of a defect.
BeatDataset decode_beat_dataset(const std::string& bytes, const std::filesystem::path& source);

}  // namespace hesplit::ecg::detail
