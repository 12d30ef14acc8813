#include "ckks/encoder.hpp"

#include <bit>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "ckks/ntt.hpp"
#include "ckks/scaled_integer.hpp"

namespace hesplit::ckks {
namespace {

using Complex = std::complex<double>;

// Plain complex product (std::complex's operator* also handles infinities and NaNs through a
// slow library call; FFT inputs are finite).
inline Complex mul(Complex a, Complex b) noexcept {
  return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

void check_encode_args(const CkksContext& context, std::size_t count, std::size_t slots,
                       double scale, std::size_t level) {
  if (count > slots) {
    throw std::invalid_argument("CKKS encode: " + std::to_string(count) + " values exceed the " +
                                std::to_string(slots) + " slots");
  }
  if (level > context.max_level()) {
    throw std::invalid_argument("CKKS encode: level " + std::to_string(level) +
                                " exceeds the maximum level " +
                                std::to_string(context.max_level()));
  }
  if (!(scale > 0.0) || !std::isfinite(scale)) {
    throw std::invalid_argument("CKKS encode: scale must be positive and finite");
  }
}

}  // namespace

CkksEncoder::CkksEncoder(std::shared_ptr<const CkksContext> context)
    : context_(std::move(context)), slots_(context_->slot_count()) {
  const std::size_t n = slots_;
  const std::size_t degree = context_->degree();
  log_slots_ = std::countr_zero(n);
  twist_.resize(n);
  const double pi = std::numbers::pi;
  for (std::size_t k = 0; k < n; ++k) {
    twist_[k] = std::polar(1.0, pi * static_cast<double>(k) / static_cast<double>(degree));
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    for (std::size_t j = 0; j < len / 2; ++j) {
      const Complex w =
          std::polar(1.0, 2.0 * pi * static_cast<double>(j) / static_cast<double>(len));
      stage_roots_.push_back(w);
      stage_roots_inv_.push_back(std::conj(w));
    }
  }
  slot_to_fft_.resize(n);
  const std::uint64_t two_n = 2 * static_cast<std::uint64_t>(degree);
  std::uint64_t g = 1;
  for (std::size_t j = 0; j < n; ++j) {
    slot_to_fft_[j] = static_cast<std::size_t>((g - 1) / 4);  // g = 1 mod 4 always
    g = (g * 5) % two_n;
  }
  fft_bit_reverse_.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    fft_bit_reverse_[k] = bit_reverse(static_cast<std::uint32_t>(k), log_slots_);
  }
}

namespace {

// Iterative radix-2 FFT over stage-contiguous roots (see encoder.hpp).
void fft_in_place(std::vector<Complex>& a, const std::vector<std::uint32_t>& bit_reverse,
                  const std::vector<Complex>& stage_roots) {
  const std::size_t n = a.size();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t r = bit_reverse[k];
    if (k < r) std::swap(a[k], a[r]);
  }
  const Complex* roots = stage_roots.data();
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const std::size_t half = len >> 1;
    for (std::size_t start = 0; start < n; start += len) {
      Complex* x = a.data() + start;
      Complex* y = x + half;
      for (std::size_t j = 0; j < half; ++j) {
        const Complex u = x[j];
        const Complex v = mul(y[j], roots[j]);
        x[j] = u + v;
        y[j] = u - v;
      }
    }
    roots += half;
  }
}

}  // namespace

void CkksEncoder::fft_forward(std::vector<Complex>& a) const {
  fft_in_place(a, fft_bit_reverse_, stage_roots_);
}

void CkksEncoder::fft_inverse(std::vector<Complex>& a) const {
  fft_in_place(a, fft_bit_reverse_, stage_roots_inv_);
  const double inv_n = 1.0 / static_cast<double>(a.size());
  for (Complex& x : a) x *= inv_n;
}

Plaintext CkksEncoder::encode(std::span<const Complex> values, double scale,
                              std::size_t level) const {
  check_encode_args(*context_, values.size(), slots_, scale, level);
  const std::size_t n = slots_;
  const std::size_t degree = context_->degree();
  std::vector<Complex> fft(n, Complex(0.0, 0.0));
  for (std::size_t j = 0; j < values.size(); ++j) fft[slot_to_fft_[j]] = values[j];
  fft_inverse(fft);

  std::vector<Modulus> moduli;
  for (std::size_t i = 0; i <= level; ++i) moduli.push_back(context_->data_modulus(i));
  // The integer coefficients must stay below Q_level / 2 to be recoverable.
  int level_bits = 0;
  for (const Modulus& m : moduli) level_bits += m.bit_count() - 1;

  Plaintext plain{RnsPoly(degree, level + 1), level, scale};
  std::vector<std::uint64_t> residues(level + 1);
  const double limit = std::ldexp(1.0, level_bits);
  for (std::size_t k = 0; k < degree; ++k) {
    const Complex w = mul(fft[k % n], std::conj(twist_[k % n]));
    const double coefficient = (k < n ? w.real() : w.imag()) * scale;
    if (std::isfinite(coefficient) && std::fabs(coefficient) >= limit) {
      throw std::invalid_argument("CKKS encode: scaled value 2^" +
                                  std::to_string(std::ilogb(coefficient)) +
                                  " does not fit the modulus at level " + std::to_string(level));
    }
    rounded_to_residues(coefficient, moduli, residues);
    for (std::size_t i = 0; i <= level; ++i) plain.poly.limb(i)[k] = residues[i];
  }
  for (std::size_t i = 0; i <= level; ++i) context_->ntt(i).forward(plain.poly.limb(i).data());
  return plain;
}

Plaintext CkksEncoder::encode(std::span<const double> values, double scale,
                              std::size_t level) const {
  std::vector<Complex> complex_values(values.begin(), values.end());
  return encode(complex_values, scale, level);
}

Plaintext CkksEncoder::encode(std::span<const double> values) const {
  return encode(values, context_->default_scale(), context_->max_level());
}

Plaintext CkksEncoder::encode_constant(double value, double scale, std::size_t level) const {
  check_encode_args(*context_, 0, slots_, scale, level);
  std::vector<Modulus> moduli;
  for (std::size_t i = 0; i <= level; ++i) moduli.push_back(context_->data_modulus(i));
  std::vector<std::uint64_t> residues(level + 1);
  rounded_to_residues(value * scale, moduli, residues);
  // A constant polynomial evaluates to itself at every point: its NTT is constant too.
  Plaintext plain{RnsPoly(context_->degree(), level + 1), level, scale};
  for (std::size_t i = 0; i <= level; ++i) {
    for (std::uint64_t& w : plain.poly.limb(i)) w = residues[i];
  }
  return plain;
}

std::vector<Complex> CkksEncoder::decode_complex(const Plaintext& plain) const {
  const std::size_t degree = context_->degree();
  const std::size_t level = plain.level;
  if (level > context_->max_level() || plain.poly.num_limbs() != level + 1 ||
      plain.poly.degree() != degree) {
    throw std::invalid_argument("CKKS decode: plaintext shape does not match its level");
  }
  RnsPoly coeffs = plain.poly;
  for (std::size_t i = 0; i <= level; ++i) context_->ntt(i).inverse(coeffs.limb(i).data());
  const RnsBasis& basis = context_->data_basis(level);
  const long double inv_scale = 1.0L / static_cast<long double>(plain.scale);
  const std::size_t n = slots_;
  std::vector<Complex> fft(n);
  std::vector<std::uint64_t> residues(level + 1);
  std::vector<double> real(degree);
  for (std::size_t k = 0; k < degree; ++k) {
    for (std::size_t i = 0; i <= level; ++i) residues[i] = coeffs.limb(i)[k];
    real[k] = static_cast<double>(basis.compose_centered(residues) * inv_scale);
  }
  for (std::size_t k = 0; k < n; ++k) fft[k] = mul(Complex(real[k], real[k + n]), twist_[k]);
  fft_forward(fft);
  std::vector<Complex> slots(n);
  for (std::size_t j = 0; j < n; ++j) slots[j] = fft[slot_to_fft_[j]];
  return slots;
}

std::vector<double> CkksEncoder::decode(const Plaintext& plain) const {
  const std::vector<Complex> slots = decode_complex(plain);
  std::vector<double> out(slots.size());
  for (std::size_t j = 0; j < slots.size(); ++j) out[j] = slots[j].real();
  return out;
}

}  // namespace hesplit::ckks
