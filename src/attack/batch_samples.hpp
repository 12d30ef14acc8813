#pragma once
// Which training samples a recorded batch covers. A server view is input like any other file:
// its batch ids come from the client (or from whoever wrote the file), so the sample range is
// computed without overflow and bounded by the dataset before anything is indexed with it.
#include <cstddef>
#include <filesystem>

#include "attack/session_view.hpp"

namespace hesplit::attack {

// First sample of batch `b` (rows rows of batch_size each): b.batch * batch_size, when that
// range lies within the `dataset_size` training beats. Throws std::runtime_error naming the view
// file, the epoch, the batch id and the dataset size otherwise (including a batch size of 0 and a
// product that does not fit in 64 bits).
std::size_t first_sample(const std::filesystem::path& view_file, const ViewBatch& b,
                         std::size_t batch_size, std::size_t rows, std::size_t dataset_size);

}  // namespace hesplit::attack
