#pragma once
// The small CKKS setup the CKKS fuzz targets and their seed generator share: N = 256 with two data
// primes and one special prime (insecure, allowed for tests only). Small objects keep each fuzz
// execution fast; the loaders' checks do not depend on N.
#include <cmath>
#include <memory>

#include "ckks/context.hpp"
#include "ckks/params.hpp"

namespace hesplit::fuzz {

inline ckks::CkksParameters fuzz_parameters() {
  return ckks::CkksParameters::from_bit_sizes(256, {30, 25}, {35}, std::ldexp(1.0, 25), 0, true);
}

inline std::shared_ptr<const ckks::CkksContext> fuzz_context() {
  return ckks::CkksContext::create(fuzz_parameters());
}

}  // namespace hesplit::fuzz
