#pragma once
// Text from files (WFDB header fields, annotation symbols, error messages quoting a value) made
// safe to print on a terminal: a header description holding "\x1b]0;title\x07" or "\x1b[2J" must
// not retitle or clear the user's terminal. Printable text, including valid UTF-8, is kept as it
// is; everything a terminal could act on is shown as a visible escape instead.
#include <string>
#include <string_view>

namespace hesplit::report {

// Returns `text` with
// - C0 controls and DEL as \t, \n, \r or \xNN, and the backslash as \\ (so an escape in the
//   output always means the file held that byte, never the four characters "\x1b");
// - C1 controls (U+0080..U+009F, which some terminals obey in UTF-8 too) and the Unicode
//   controls that reorder or break displayed text (bidi overrides and isolates, marks, line and
//   paragraph separators) as \uNNNN;
// - each byte that is not part of well-formed UTF-8 (stray continuation bytes, overlong forms,
//   surrogates, code points over U+10FFFF, truncated sequences) as \xNN.
std::string terminal_safe(std::string_view text);

}  // namespace hesplit::report
