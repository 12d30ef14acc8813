#include "split/protocols/sealed/own_delta.hpp"

#include <stdexcept>
#include <string>

#include "split/vector_file.hpp"

namespace hesplit::split {

void save_own_delta(const std::filesystem::path& folder, const OwnDelta& delta) {
  save_vector_file(folder / kOwnDeltaFile, delta.weight);
  save_vector_file(folder / kOwnDeltaBiasFile, delta.bias);
}

OwnDelta load_own_delta(const std::filesystem::path& folder, std::size_t classes,
                        std::size_t features) {
  const std::filesystem::path weight = folder / kOwnDeltaFile;
  if (!std::filesystem::exists(weight)) {
    throw std::runtime_error(
        weight.string() +
        " not found: the sealed client's own Delta (written by hesplit since the release fix; a "
        "run of an older hesplit cannot be released or resumed, train it again)");
  }
  OwnDelta out;
  out.weight = load_vector_file(weight, classes * features);
  out.bias = load_vector_file(folder / kOwnDeltaBiasFile, classes);
  return out;
}

}  // namespace hesplit::split
