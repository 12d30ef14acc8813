// Parameter block: N, digits, default scale, name, data primes, special primes.

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "ckks/serial_bodies.hpp"

namespace hesplit::ckks {
namespace {

bool printable(std::uint8_t c) { return c >= 0x20 && c <= 0x7e; }

// A count byte in [1, limit], bytes for `count` primes present.
std::size_t read_prime_count(ByteReader& r, std::size_t limit, std::string_view field) {
  const std::size_t at = r.offset();
  const std::size_t count = r.u8(field);
  if (count == 0 || count > limit) {
    ByteReader::fail_at(at, field,
                        std::to_string(count) + " not in [1, " + std::to_string(limit) + "]");
  }
  return count;
}

std::vector<std::uint64_t> read_primes(ByteReader& r, std::size_t count, std::string_view field) {
  r.require(8 * count, field);
  std::vector<std::uint64_t> primes(count);
  for (auto& q : primes) q = r.u64(field);
  return primes;
}

}  // namespace

void write_parameters_body(ByteWriter& w, const CkksContext& context) {
  const CkksParameters& p = context.parameters();
  if (p.name.size() > kMaxParametersName) {
    throw std::invalid_argument("parameters name longer than 64 characters");
  }
  w.u32(static_cast<std::uint32_t>(context.degree()));
  // Digits as resolved by the context (the fingerprint uses it) and their size, which the loader
  // checks: a digit size no digit count reproduces would rebuild a different key layout.
  const std::size_t primes = context.num_data_primes();
  const std::size_t dnum = context.dnum();
  if ((primes + dnum - 1) / dnum != context.digit_size()) {
    throw std::invalid_argument("parameters: digit size " + std::to_string(context.digit_size()) +
                                " cannot be rebuilt from " + std::to_string(dnum) + " digits");
  }
  w.u32(static_cast<std::uint32_t>(dnum));
  w.u32(static_cast<std::uint32_t>(context.digit_size()));
  w.f64(p.default_scale);
  w.u8(static_cast<std::uint8_t>(p.name.size()));
  for (const char c : p.name) w.u8(static_cast<std::uint8_t>(c));
  w.u8(static_cast<std::uint8_t>(p.data_primes.size()));
  w.u8(static_cast<std::uint8_t>(p.special_primes.size()));
  for (const std::uint64_t q : p.data_primes) w.u64(q);
  for (const std::uint64_t q : p.special_primes) w.u64(q);
}

std::shared_ptr<const CkksContext> read_parameters_body(ByteReader& r, const LoadOptions& options) {
  const std::size_t start = r.offset();
  CkksParameters p;
  p.poly_degree = r.u32("ring degree N");
  if (p.poly_degree < 8 || p.poly_degree > kMaxLoadedDegree ||
      (p.poly_degree & (p.poly_degree - 1)) != 0) {
    ByteReader::fail_at(start, "ring degree N",
                        std::to_string(p.poly_degree) + " is not a power of two in [8, 65536]");
  }
  const std::size_t dnum_at = r.offset();
  const std::size_t dnum = r.u32("key-switching digits");
  p.dnum = dnum;
  if (p.dnum == 0) ByteReader::fail_at(dnum_at, "key-switching digits", "must be at least 1");
  const std::size_t digit_size_at = r.offset();
  const std::size_t digit_size = r.u32("digit size");
  const std::size_t scale_at = r.offset();
  p.default_scale = r.f64("default scale");
  if (!(p.default_scale > 0.0) || !std::isfinite(p.default_scale)) {
    ByteReader::fail_at(scale_at, "default scale", "must be positive and finite");
  }
  const std::size_t name_at = r.offset();
  const std::size_t name_length = r.u8("name length");
  if (name_length > kMaxParametersName) {
    ByteReader::fail_at(name_at, "name length", "longer than 64 characters");
  }
  const auto name = r.bytes(name_length, "name");
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!printable(name[i])) ByteReader::fail_at(name_at + 1 + i, "name", "not printable ASCII");
  }
  p.name.assign(name.begin(), name.end());
  const std::size_t data_count = read_prime_count(r, kMaxLoadedDataPrimes, "data prime count");
  const std::size_t special_count =
      read_prime_count(r, kMaxLoadedSpecialPrimes, "special prime count");
  const std::size_t primes_at = r.offset();
  p.data_primes = read_primes(r, data_count, "data primes");
  p.special_primes = read_primes(r, special_count, "special primes");
  if (p.dnum > data_count) ByteReader::fail_at(dnum_at, "key-switching digits", "more than primes");
  p.allow_insecure = options.allow_insecure;
  std::shared_ptr<const CkksContext> context;
  try {
    context = CkksContext::create(std::move(p));
  } catch (const std::exception& e) {  // invalid parameters, or no NTT root for a prime
    ByteReader::fail_at(primes_at, "parameters", e.what());
  }
  if (context->digit_size() != digit_size || context->dnum() != dnum) {
    ByteReader::fail_at(digit_size_at, "digit size",
                        std::to_string(digit_size) + " primes per digit does not match " +
                            std::to_string(dnum) + " digits");
  }
  return context;
}

std::shared_ptr<const CkksContext> read_header_and_parameters(ByteReader& r, ObjectType expected,
                                                              const LoadOptions& options) {
  const std::size_t start = r.offset();
  const ObjectHeader header = read_header(r);
  if (header.type != expected) {
    ByteReader::fail_at(start + 6, "object type",
                        "holds " + std::string(object_type_name(header.type)) + ", expected " +
                            std::string(object_type_name(expected)));
  }
  const auto& accepted = options.accepted_fingerprints;
  if (!accepted.empty() &&
      std::find(accepted.begin(), accepted.end(), header.fingerprint) == accepted.end()) {
    ByteReader::fail_at(start + 8, "parameter fingerprint",
                        "not one of the accepted parameter sets");
  }
  auto context = read_parameters_body(r, options);
  if (context->fingerprint() != header.fingerprint) {
    ByteReader::fail_at(start + 8, "parameter fingerprint",
                        "does not match the parameters in the body");
  }
  return context;
}

}  // namespace hesplit::ckks
