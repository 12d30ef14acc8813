// Symbol-to-label tables of the two class schemes.
#include "class_scheme.hpp"

#include <array>
#include <utility>

namespace hesplit::ecg {
namespace {

constexpr std::array<std::pair<std::string_view, int>, 5> kNlrav = {
    {{"N", 0}, {"L", 1}, {"R", 2}, {"A", 3}, {"V", 4}}};

constexpr std::array<std::pair<std::string_view, int>, 15> kAami = {{{"N", 0},
                                                                     {"L", 0},
                                                                     {"R", 0},
                                                                     {"e", 0},
                                                                     {"j", 0},
                                                                     {"A", 1},
                                                                     {"a", 1},
                                                                     {"J", 1},
                                                                     {"S", 1},
                                                                     {"V", 2},
                                                                     {"E", 2},
                                                                     {"F", 3},
                                                                     {"/", 4},
                                                                     {"f", 4},
                                                                     {"Q", 4}}};

template <std::size_t N>
std::optional<int> find(const std::array<std::pair<std::string_view, int>, N>& table,
                        std::string_view symbol) {
  for (const auto& [s, label] : table) {
    if (s == symbol) return label;
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> class_names(ClassScheme scheme) {
  if (scheme == ClassScheme::kAami) return {"N", "S", "V", "F", "Q"};
  return {"N", "L", "R", "A", "V"};
}

std::optional<int> class_label(ClassScheme scheme, std::string_view symbol) {
  return scheme == ClassScheme::kAami ? find(kAami, symbol) : find(kNlrav, symbol);
}

std::string scheme_name(ClassScheme scheme) {
  return scheme == ClassScheme::kAami ? "aami" : "nlrav";
}

}  // namespace hesplit::ecg
