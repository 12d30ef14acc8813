#include "ckks/params.hpp"

#include <cmath>
#include <stdexcept>

#include "ckks/primes.hpp"

namespace hesplit::ckks {

CkksParameters CkksParameters::from_bit_sizes(std::size_t poly_degree,
                                              const std::vector<int>& data_bits,
                                              const std::vector<int>& special_bits,
                                              double default_scale, std::size_t dnum,
                                              bool allow_insecure) {
  CkksParameters p;
  p.poly_degree = poly_degree;
  // Special primes first so that, for equal bit sizes, they take the largest primes.
  p.special_primes = generate_ntt_primes(special_bits, poly_degree);
  p.data_primes = generate_ntt_primes(data_bits, poly_degree, p.special_primes);
  p.default_scale = default_scale;
  p.dnum = dnum;
  p.allow_insecure = allow_insecure;
  return p;
}

namespace {

struct PresetSpec {
  const char* name;
  std::size_t degree;
  std::vector<int> data_bits;
  std::vector<int> special_bits;
  int log_scale;
};

const std::vector<PresetSpec>& preset_specs() {
  static const std::vector<PresetSpec> specs = {
      {"sealed-8192", 8192, {50, 50, 40}, {60}, 40},
      {"sealed-16384", 16384, {50, 50, 50, 50, 50, 40}, {60, 60}, 40},
      {"paper-8192", 8192, {40, 21, 21, 21}, {40}, 21},
      {"paper-16384", 16384, {40, 21, 21, 21}, {40}, 21},
      {"seal-8192", 8192, {60, 40, 40}, {60}, 40},
  };
  return specs;
}

}  // namespace

CkksParameters preset(std::string_view name) {
  for (const PresetSpec& spec : preset_specs()) {
    if (name == spec.name) {
      CkksParameters p = CkksParameters::from_bit_sizes(
          spec.degree, spec.data_bits, spec.special_bits, std::ldexp(1.0, spec.log_scale));
      p.name = spec.name;
      return p;
    }
  }
  std::string known;
  for (const PresetSpec& spec : preset_specs()) {
    known += known.empty() ? "" : ", ";
    known += spec.name;
  }
  throw std::invalid_argument("unknown CKKS preset '" + std::string(name) + "' (known: " + known +
                              ")");
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const PresetSpec& spec : preset_specs()) names.emplace_back(spec.name);
  return names;
}

}  // namespace hesplit::ckks
