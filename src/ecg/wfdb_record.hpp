#pragma once
// One WFDB record on disk: DIR/NAME.hea, the signal files it names, and DIR/NAME.atr.
#include <filesystem>
#include <optional>
#include <string>

#include "mit_annotations.hpp"
#include "wfdb_header.hpp"
#include "wfdb_signals.hpp"

namespace hesplit::ecg {

struct WfdbRecord {
  std::filesystem::path folder;
  std::string name;
  RecordHeader header;
  RecordSignals signals;
  std::optional<AnnotationFile> annotations;  // absent when there is no annotation file
};

// `base` is DIR/NAME (an extension .hea, .dat or .atr is ignored). The annotation file
// DIR/NAME.<annotator> is read when it exists; with require_annotations its absence is an error.
WfdbRecord read_record(const std::filesystem::path& base, const std::string& annotator = "atr",
                       bool require_annotations = false);

}  // namespace hesplit::ecg
