// The standard mnemonic table of MIT annotation codes.
#include "annotation_codes.hpp"

#include <array>
#include <string_view>

namespace hesplit::ecg {
namespace {

// Index = annotation code. Empty entries are codes PhysioNet leaves unassigned.
constexpr std::array<std::string_view, kMaxAnnotationCode + 1> kSymbols = {
    " ", "N", "L",  "R", "a", "V", "F", "J", "A", "S",  // 0 - 9
    "E", "j", "/",  "Q", "~", "",  "|", "",  "s", "T",  // 10 - 19
    "*", "D", "\"", "=", "p", "B", "^", "t", "+", "u",  // 20 - 29
    "?", "!", "[",  "]", "e", "n", "@", "x", "f", "(",  // 30 - 39
    ")", "r", "",   "",  "",  "",  "",  "",  "",  "",   // 40 - 49
};

}  // namespace

std::string annotation_symbol(int code) {
  if (code >= 0 && code <= kMaxAnnotationCode &&
      !kSymbols[static_cast<std::size_t>(code)].empty()) {
    return std::string(kSymbols[static_cast<std::size_t>(code)]);
  }
  // Built step by step: GCC 12 -O3 warns falsely (-Wrestrict) on "[" + std::to_string(code).
  std::string text(1, '[');
  text += std::to_string(code);
  text += ']';
  return text;
}

int annotation_code(const std::string& symbol) {
  for (int code = 1; code <= kMaxAnnotationCode; ++code) {
    if (kSymbols[static_cast<std::size_t>(code)] == symbol) return code;
  }
  return -1;
}

}  // namespace hesplit::ecg
