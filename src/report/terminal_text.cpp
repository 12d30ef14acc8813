#include "report/terminal_text.hpp"

#include <cstdint>
#include <optional>

#include <fmt/format.h>

namespace hesplit::report {
namespace {

struct CodePoint {
  char32_t value = 0;
  std::size_t length = 0;  // bytes it takes
};

// The well-formed UTF-8 sequence at the start of `text` (RFC 3629: shortest form, no surrogates,
// at most U+10FFFF), or nothing.
std::optional<CodePoint> decode_utf8(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const std::uint8_t lead = byte(0);
  std::size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, value = lead & 0x1F, minimum = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, value = lead & 0x0F, minimum = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() < length) return std::nullopt;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return std::nullopt;
    value = (value << 6) | (byte(i) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return std::nullopt;
  }
  return CodePoint{value, length};
}

// Code points a terminal acts on or that change how the surrounding text is displayed.
bool is_format_control(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

void append_ascii(std::string& out, char c) {
  switch (c) {
    case '\\':
      out += "\\\\";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      break;
  }
  const auto byte = static_cast<std::uint8_t>(c);
  if (byte < 0x20 || byte == 0x7F) {
    out += fmt::format("\\x{:02x}", byte);
  } else {
    out += c;
  }
}

}  // namespace

std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto byte = static_cast<std::uint8_t>(text.front());
    if (byte < 0x80) {
      append_ascii(out, text.front());
      text.remove_prefix(1);
      continue;
    }
    const std::optional<CodePoint> c = decode_utf8(text);
    if (!c) {
      out += fmt::format("\\x{:02x}", byte);
      text.remove_prefix(1);
    } else if (is_format_control(c->value)) {
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(c->value));
      text.remove_prefix(c->length);
    } else {
      out.append(text.substr(0, c->length));
      text.remove_prefix(c->length);
    }
  }
  return out;
}

}  // namespace hesplit::report
