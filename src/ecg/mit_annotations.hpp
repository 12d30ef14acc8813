#pragma once
// MIT-format annotation files (.atr), as PhysioNet's "annotation" format page describes them:
// 16-bit little-endian words, 6-bit type code and 10-bit time difference; pseudo-codes SKIP (59:
// a 32-bit interval follows, high half first), NUM (60), SUB (61), CHN (62) and AUX (63: I bytes
// of text follow, padded to an even count) modify the annotation before them (NUM and CHN also
// the ones after); a zero word ends the file. A leading modification-label table (NOTE
// annotations at time 0 whose text starts with "## ") redefines mnemonics and is consumed.
// Anything else (undefined codes 50..58, a modifier before any annotation, negative times, a
// truncated word, interval or text, no end marker) is a WfdbError naming the byte offset.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hesplit::ecg {

struct Annotation {
  std::int64_t sample = 0;  // time in samples from the start of the record
  int code = 0;             // annotation type code, 0 .. 49
  int subtype = 0;          // signed, as WFDB stores it (8 bits)
  int chan = 0;             // 0 .. 255
  int num = 0;              // signed, 8 bits
  std::string aux;          // auxiliary text, e.g. "(N" on rhythm annotations
};

struct AnnotationFile {
  std::vector<Annotation> annotations;
  std::map<int, std::string> custom_symbols;  // from a modification-label table, if any
  std::optional<double> time_resolution;      // "## time resolution: F", if any

  // The mnemonic of an annotation: the file's own label when it defines one, else PhysioNet's.
  std::string symbol(const Annotation& a) const;
};

// `source` names the file in error messages.
AnnotationFile parse_annotations(std::span<const unsigned char> bytes,
                                 const std::filesystem::path& source);

AnnotationFile read_annotations(const std::filesystem::path& file);

}  // namespace hesplit::ecg
