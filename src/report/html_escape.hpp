#pragma once
// Escaping for text placed in HTML or SVG, in element content and in quoted attribute values.
#include <string>
#include <string_view>

namespace hesplit::report {

// Replaces & < > " ' with character references, so any run-supplied string (class names, dataset
// paths, modes) is shown as text and can never open a tag or close an attribute.
std::string html_escape(std::string_view text);

}  // namespace hesplit::report
