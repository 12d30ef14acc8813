// Fuzz target: MIT-format annotation files (.atr) as parse_annotations reads them.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ecg/mit_annotations.hpp"
#include "ecg/wfdb_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hesplit::ecg;
  try {
    const AnnotationFile file =
        parse_annotations(std::span<const unsigned char>(data, size), "fuzz.atr");
    // Symbols are looked up in the file's own label table first: exercise that path too.
    for (const Annotation& annotation : file.annotations) (void)file.symbol(annotation);
  } catch (const WfdbError&) {
  }
  return 0;
}
