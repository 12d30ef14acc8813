#include "attack/decryption_oracle.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

#include "attack/dcor_dtw.hpp"
#include "packing/layout.hpp"

namespace hesplit::attack {

std::vector<std::vector<double>> decode_oracle_return(const nn::FloatTensor& returned) {
  if (returned.shape.size() != 2) throw std::invalid_argument("oracle: not a matrix");
  const auto classes = std::size_t(returned.shape[0]);
  const auto d = std::size_t(returned.shape[1]);
  // Block 0 is all that is read: any slot count that holds one block will do.
  const packing::SplitLayout layout(2 * std::bit_ceil(std::max(d, classes)), d, classes);
  const std::size_t w = layout.width();
  std::vector<std::vector<double>> samples(layout.shifts(), std::vector<double>(d, 0.0));
  for (std::size_t t = 0; t < layout.shifts(); ++t) {
    std::vector<int> count(d, 0);
    for (std::size_t p = 0; p < layout.block_size(); ++p) {
      const int row = layout.row_at(p);
      const std::size_t feature = layout.feature_at(p, t);
      if (row < 0 || feature >= d || p % w >= d) continue;
      // Diagonal t's position p went to entry (row, p + t) and held feature p mod w of the sample.
      samples[t][p % w] += returned.data[std::size_t(row) * d + feature];
      ++count[p % w];
    }
    for (std::size_t j = 0; j < d; ++j) samples[t][j] /= std::max(count[j], 1);
  }
  return samples;
}

DecryptionOracle decryption_oracle(const std::vector<OracleBatch>& batches) {
  DecryptionOracle out;
  for (const OracleBatch& b : batches) {
    const auto recovered = decode_oracle_return(b.returned);
    const std::size_t d = recovered.front().size();
    double err = 0, norm = 0;
    for (std::size_t t = 0; t < recovered.size() && t < b.samples.data.size(); ++t) {
      // The indices come from the view file: a float that is no row of this batch (negative,
      // fractional, NaN, huge) is refused before it is converted or multiplied.
      const float index = b.samples.data[t];
      const std::size_t rows = d == 0 ? 0 : b.true_activations.data.size() / d;
      if (!(index >= 0.0f) || index != std::floor(index) || index >= float(rows)) {
        throw std::invalid_argument("oracle: sample index " + std::to_string(index) +
                                    " is not a row of the batch's " + std::to_string(rows));
      }
      const auto k = std::size_t(index);
      for (std::size_t j = 0; j < d; ++j) {
        const double truth = b.true_activations.data[k * d + j];
        err += (recovered[t][j] - truth) * (recovered[t][j] - truth);
        norm += truth * truth;
      }
    }
    out.relative_errors.push_back(std::sqrt(err / norm));
  }
  out.batches = out.relative_errors.size();
  out.median_relative_error = median(out.relative_errors);
  out.max_relative_error =
      out.relative_errors.empty()
          ? std::nan("")
          : *std::max_element(out.relative_errors.begin(), out.relative_errors.end());
  return out;
}

}  // namespace hesplit::attack
