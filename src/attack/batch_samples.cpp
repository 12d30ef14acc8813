#include "attack/batch_samples.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace hesplit::attack {

std::size_t first_sample(const std::filesystem::path& view_file, const ViewBatch& b,
                         std::size_t batch_size, std::size_t rows, std::size_t dataset_size) {
  // Divide instead of multiplying: batch * batch_size + rows <= dataset_size, checked without
  // forming a product or sum that could wrap (a wrapped product once passed a plain bound).
  const bool inside =
      batch_size > 0 && rows <= dataset_size && b.batch <= (dataset_size - rows) / batch_size;
  if (!inside) {
    throw std::runtime_error(fmt::format(
        "server view {}: epoch {} batch {} ({} rows of batch size {}) lies outside the dataset's "
        "{} training beats (a crafted view, or the wrong --data?)",
        view_file.string(), b.epoch, b.batch, rows, batch_size, dataset_size));
  }
  return static_cast<std::size_t>(b.batch) * batch_size;
}

}  // namespace hesplit::attack
