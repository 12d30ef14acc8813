// Loading a whole WFDB record (header, signals, annotations).
#include "wfdb_record.hpp"

#include "wfdb_error.hpp"

namespace hesplit::ecg {

WfdbRecord read_record(const std::filesystem::path& base, const std::string& annotator,
                       bool require_annotations) {
  std::filesystem::path stem = base;
  const auto ext = stem.extension();
  if (ext == ".hea" || ext == ".dat" || ext == ".atr") stem.replace_extension();
  WfdbRecord record;
  record.folder = stem.has_parent_path() ? stem.parent_path() : std::filesystem::path(".");
  record.name = stem.filename().string();
  std::error_code error;
  std::filesystem::path header_file = stem;
  header_file += ".hea";
  if (!std::filesystem::exists(header_file, error)) {
    throw_wfdb(header_file, "no such header file (expected DIR/RECORD, e.g. data/mitdb/100)");
  }
  record.header = read_header(header_file);
  record.signals = read_signals(record.header, record.folder);
  std::filesystem::path annotation_file = stem;
  annotation_file += "." + annotator;
  if (std::filesystem::exists(annotation_file, error)) {
    record.annotations = read_annotations(annotation_file);
  } else if (require_annotations) {
    throw_wfdb(annotation_file, "no such annotation file");
  }
  return record;
}

}  // namespace hesplit::ecg
