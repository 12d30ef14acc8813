#include "ckks/rns_poly.hpp"

#include <algorithm>

namespace hesplit::ckks {

RnsPoly::RnsPoly(std::size_t degree, std::size_t num_limbs)
    : degree_(degree), num_limbs_(num_limbs), data_(degree * num_limbs, 0) {}

void RnsPoly::resize_limbs(std::size_t num_limbs) {
  data_.resize(num_limbs * degree_, 0);
  num_limbs_ = num_limbs;
}

void RnsPoly::set_zero() noexcept { std::fill(data_.begin(), data_.end(), 0); }

}  // namespace hesplit::ckks
