// Decoding MIT-format annotation files word by word, with the byte offset of every problem.
#include "mit_annotations.hpp"

#include <charconv>
#include <fstream>
#include <string_view>

#include "annotation_codes.hpp"
#include "wfdb_error.hpp"

namespace hesplit::ecg {
namespace {

constexpr int kSkip = 59;
constexpr int kNum = 60;
constexpr int kSub = 61;
constexpr int kChn = 62;
constexpr int kAux = 63;
constexpr std::uintmax_t kMaxAnnotationFileBytes = std::uintmax_t{1} << 28;

class Decoder {
 public:
  Decoder(std::span<const unsigned char> bytes, const std::filesystem::path& source)
      : bytes_(bytes), source_(source) {}

  std::vector<Annotation> run() {
    std::vector<Annotation> out;
    while (true) {
      const std::size_t at = pos_;
      const std::uint32_t word = take16("annotation word");
      if (word == 0) return out;  // the end marker
      const int code = static_cast<int>(word >> 10);
      const int data = static_cast<int>(word & 0x3FF);
      switch (code) {
        case kSkip:
          skip(at);
          break;
        case kNum:
        case kSub:
        case kChn:
        case kAux:
          if (out.empty()) fail(at, pseudo_name(code) + " before any annotation");
          modify(out.back(), code, data, at);
          break;
        default:
          if (code > kMaxAnnotationCode) {
            fail(at, "undefined annotation code " + std::to_string(code));
          }
          time_ += data;
          // WFDB lets a SKIP move the time back for a moment (two svdb files: a NOTE at 0, then a
          // SKIP of -1, then an annotation 1 later); only an annotation before the record is
          // refused.
          if (time_ < 0) {
            fail(at, "annotation at sample " + std::to_string(time_) +
                         ", before the start of the record");
          }
          out.push_back(Annotation{time_, code, 0, chan_, num_, {}});
      }
    }
  }

 private:
  [[noreturn]] void fail(std::size_t at, const std::string& message) const {
    throw_wfdb_at(source_, at, message);
  }

  static std::string pseudo_name(int code) {
    switch (code) {
      case kNum:
        return "NUM";
      case kSub:
        return "SUB";
      case kChn:
        return "CHN";
      default:
        return "AUX";
    }
  }

  std::uint32_t take16(const char* what) {
    if (pos_ + 2 > bytes_.size()) {
      fail(pos_, pos_ == bytes_.size()
                     ? std::string("file ends without the end-of-file marker (two zero bytes)")
                     : std::string("truncated ") + what);
    }
    const std::uint32_t value = bytes_[pos_] | (static_cast<std::uint32_t>(bytes_[pos_ + 1]) << 8);
    pos_ += 2;
    return value;
  }

  // SKIP: a signed 32-bit interval in PDP-11 order (high 16 bits first, each half little-endian).
  void skip(std::size_t at) {
    if (pos_ + 4 > bytes_.size()) fail(at, "truncated SKIP interval");
    const std::uint32_t high = take16("SKIP interval");
    const std::uint32_t low = take16("SKIP interval");
    time_ += static_cast<std::int32_t>((high << 16) | low);
  }

  void modify(Annotation& a, int code, int data, std::size_t at) {
    switch (code) {
      case kNum:
        num_ = static_cast<std::int8_t>(data & 0xFF);  // WFDB keeps num in a signed char
        a.num = num_;
        break;
      case kSub:
        a.subtype = static_cast<std::int8_t>(data & 0xFF);
        break;
      case kChn:
        chan_ = data & 0xFF;  // an unsigned char in WFDB
        a.chan = chan_;
        break;
      default:
        aux(a, data, at);
    }
  }

  void aux(Annotation& a, int length, std::size_t at) {
    if (length > 255) fail(at, "AUX length " + std::to_string(length) + " exceeds 255 bytes");
    const auto padded = static_cast<std::size_t>((length + 1) & ~1);
    if (pos_ + padded > bytes_.size()) {
      fail(at, "AUX text of " + std::to_string(length) + " bytes runs past the end of the file");
    }
    a.aux.assign(reinterpret_cast<const char*>(bytes_.data() + pos_),
                 static_cast<std::size_t>(length));
    pos_ += padded;
  }

  std::span<const unsigned char> bytes_;
  const std::filesystem::path& source_;
  std::size_t pos_ = 0;
  std::int64_t time_ = 0;
  int chan_ = 0;
  int num_ = 0;
};

// Table lines are NOTE annotations at time 0: markers start with "## ", definitions do not.
bool is_table_entry(const Annotation& a, bool defining) {
  return a.sample == 0 && a.code == kNoteCode && a.subtype == 0 &&
         (a.aux.starts_with("## ") || (defining && !a.aux.empty()));
}

// "CODE MNEMONIC DESCRIPTION" inside the definitions block.
void parse_definition(std::string_view line, AnnotationFile& file) {
  int code = -1;
  const auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), code);
  if (ec != std::errc() || code < 0 || code > kMaxAnnotationCode) return;
  std::string_view rest(ptr, static_cast<std::size_t>(line.data() + line.size() - ptr));
  rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
  const std::string_view mnemonic = rest.substr(0, rest.find(' '));
  if (!mnemonic.empty()) file.custom_symbols[code] = std::string(mnemonic);
}

// Consumes a leading modification-label table (and the null annotation that closes it): its
// "## time resolution: F" line and the "CODE MNEMONIC DESCRIPTION" lines between
// "## annotation type definitions" and "## end of definitions".
void take_label_table(AnnotationFile& file) {
  auto& list = file.annotations;
  constexpr std::string_view kResolution = "## time resolution: ";
  std::size_t n = 0;
  bool defining = false;
  for (; n < list.size() && is_table_entry(list[n], defining); ++n) {
    const std::string_view text(list[n].aux);
    if (text.starts_with(kResolution)) {
      double value = 0;
      const std::string_view number = text.substr(kResolution.size());
      std::from_chars(number.data(), number.data() + number.size(), value);
      if (value > 0) file.time_resolution = value;
    } else if (text == "## annotation type definitions") {
      defining = true;
    } else if (text == "## end of definitions") {
      defining = false;
    } else if (defining) {
      parse_definition(text, file);
    }
  }
  if (n > 0 && n < list.size() && list[n].code == 0 && list[n].sample == 0) ++n;
  list.erase(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(n));
}

}  // namespace

std::string AnnotationFile::symbol(const Annotation& a) const {
  const auto custom = custom_symbols.find(a.code);
  return custom != custom_symbols.end() ? custom->second : annotation_symbol(a.code);
}

AnnotationFile parse_annotations(std::span<const unsigned char> bytes,
                                 const std::filesystem::path& source) {
  AnnotationFile file;
  file.annotations = Decoder(bytes, source).run();
  take_label_table(file);
  return file;
}

AnnotationFile read_annotations(const std::filesystem::path& file) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  if (error) throw_wfdb(file, "cannot read annotation file: " + error.message());
  if (size > kMaxAnnotationFileBytes) throw_wfdb(file, "annotation file is larger than 256 MiB");
  std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw_wfdb(file, "cannot open annotation file");
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) {
    throw_wfdb_at(file, static_cast<std::uint64_t>(in.gcount()), "short read");
  }
  return parse_annotations(bytes, file);
}

}  // namespace hesplit::ecg
