#include "net/log_line.hpp"

namespace hesplit::net {

std::string log_line(std::string_view text, std::size_t max_chars) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
    if (out.size() >= max_chars) {
      out.resize(max_chars);
      return out + "...";
    }
  }
  return out;
}

}  // namespace hesplit::net
