// WFDB header parsing (PhysioNet "header" file format page).
#include "wfdb_header.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "wfdb_error.hpp"

namespace hesplit::ecg {
namespace {

// Limits checked before anything is allocated from header values.
constexpr std::uintmax_t kMaxHeaderBytes = 1 << 20;
constexpr std::size_t kMaxSignals = 256;

struct Token {
  std::string_view text;
  std::size_t end = 0;  // position just past the token in its line
};

std::vector<Token> tokenize(std::string_view line) {
  std::vector<Token> tokens;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    const std::size_t start = pos;
    while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t') ++pos;
    if (pos > start) tokens.push_back({line.substr(start, pos - start), pos});
  }
  return tokens;
}

// Reads header fields, reporting the file, line and field name on any malformed value.
class FieldParser {
 public:
  FieldParser(const std::filesystem::path& source, std::size_t line)
      : source_(source), line_(line) {}

  template <typename T>
  T number(std::string_view text, const char* field) const {
    T value{};
    const auto* const end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end) {
      fail(std::string(field) + " '" + std::string(text) + "' is not a valid number");
    }
    if constexpr (std::is_floating_point_v<T>) {
      if (!std::isfinite(value)) fail(std::string(field) + " is not finite");
    }
    return value;
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw_wfdb_line(source_, line_, message);
  }

 private:
  const std::filesystem::path& source_;
  std::size_t line_;
};

void parse_record_line(const std::vector<Token>& tokens, const FieldParser& p, RecordHeader& h) {
  const std::string_view name = tokens[0].text;
  if (name.find('/') != std::string_view::npos) {
    p.fail("multi-segment records ('" + std::string(name) + "') are not supported");
  }
  h.name = std::string(name);
  if (tokens.size() < 2) p.fail("record line lacks the number of signals");
  const auto nsig = p.number<std::size_t>(tokens[1].text, "number of signals");
  if (nsig > kMaxSignals) {
    p.fail("number of signals " + std::to_string(nsig) + " exceeds the limit of " +
           std::to_string(kMaxSignals));
  }
  h.signals.resize(nsig);
  if (tokens.size() > 2) {
    // fs[/counter_frequency[(base_counter)]]
    std::string_view f = tokens[2].text;
    const std::size_t slash = f.find('/');
    h.sampling_frequency = p.number<double>(f.substr(0, slash), "sampling frequency");
    if (h.sampling_frequency <= 0) p.fail("sampling frequency must be positive");
    if (slash != std::string_view::npos) {
      std::string_view counter = f.substr(slash + 1);
      const std::size_t paren = counter.find('(');
      if (paren != std::string_view::npos) {
        if (counter.back() != ')') p.fail("base counter value lacks its closing ')'");
        h.base_counter = p.number<double>(counter.substr(paren + 1, counter.size() - paren - 2),
                                          "base counter value");
        counter = counter.substr(0, paren);
      }
      h.counter_frequency = p.number<double>(counter, "counter frequency");
    }
  }
  if (tokens.size() > 3) {
    h.samples_per_signal = p.number<std::uint64_t>(tokens[3].text, "number of samples per signal");
  }
  if (tokens.size() > 4) h.base_time = std::string(tokens[4].text);
  if (tokens.size() > 5) h.base_date = std::string(tokens[5].text);
  if (tokens.size() > 6) p.fail("record line has unexpected fields after the base date");
}

// format[xsamples_per_frame][:skew][+byte_offset]
void parse_format(std::string_view f, const FieldParser& p, SignalSpec& s) {
  const std::size_t plus = f.find('+');
  if (plus != std::string_view::npos) {
    s.byte_offset = p.number<std::uint64_t>(f.substr(plus + 1), "byte offset");
    f = f.substr(0, plus);
  }
  const std::size_t colon = f.find(':');
  if (colon != std::string_view::npos) {
    if (p.number<long>(f.substr(colon + 1), "skew") != 0) {
      p.fail("signal skew is not supported");
    }
    f = f.substr(0, colon);
  }
  const std::size_t x = f.find('x');
  if (x != std::string_view::npos) {
    if (p.number<long>(f.substr(x + 1), "samples per frame") != 1) {
      p.fail("multi-frequency signals (more than one sample per frame) are not supported");
    }
    f = f.substr(0, x);
  }
  s.format = p.number<int>(f, "format");
  if (s.format != 212 && s.format != 16) {
    p.fail("signal format " + std::to_string(s.format) +
           " is not supported (supported: 212 and 16)");
  }
}

// adc_gain[(baseline)][/units]; returns whether a baseline was given.
bool parse_gain(std::string_view g, const FieldParser& p, SignalSpec& s) {
  const std::size_t slash = g.find('/');
  if (slash != std::string_view::npos) {
    s.units = std::string(g.substr(slash + 1));
    g = g.substr(0, slash);
  }
  bool baseline_given = false;
  const std::size_t paren = g.find('(');
  if (paren != std::string_view::npos) {
    if (g.back() != ')') p.fail("baseline lacks its closing ')'");
    s.baseline = p.number<std::int32_t>(g.substr(paren + 1, g.size() - paren - 2), "baseline");
    baseline_given = true;
    g = g.substr(0, paren);
  }
  const double gain = p.number<double>(g, "ADC gain");
  if (gain < 0) p.fail("ADC gain must not be negative");
  s.gain_given = gain != 0;
  s.gain = s.gain_given ? gain : kWfdbDefaultGain;
  return baseline_given;
}

// A signal file is named by a plain file name and lives beside the header, as in every PhysioNet
// database ("100.dat"). A name with a '/' (absolute, "../x", "./100.dat", "sub/x") would let a
// header read any file the user can read, or one file under several names; neither is needed.
void check_plain_file_name(const std::string& name, const FieldParser& p) {
  if (name.find('/') != std::string::npos || name == "." || name == "..") {
    p.fail("signal file name '" + name +
           "' is not a plain file name (signal files must lie in the header's folder)");
  }
}

SignalSpec parse_signal_line(std::string_view line, const std::vector<Token>& tokens,
                             const FieldParser& p, std::size_t index, const std::string& record) {
  SignalSpec s;
  s.file_name = std::string(tokens[0].text);
  if (s.file_name == "-") p.fail("signals read from standard input are not supported");
  check_plain_file_name(s.file_name, p);
  if (tokens.size() < 2) p.fail("signal line lacks the format");
  parse_format(tokens[1].text, p, s);
  const bool baseline_given = tokens.size() > 2 && parse_gain(tokens[2].text, p, s);
  if (tokens.size() > 3) {
    s.adc_resolution = p.number<int>(tokens[3].text, "ADC resolution");
    if (s.adc_resolution < 0 || s.adc_resolution > 32) p.fail("ADC resolution out of range");
    if (s.adc_resolution == 0) s.adc_resolution = 12;
  }
  if (tokens.size() > 4) s.adc_zero = p.number<std::int32_t>(tokens[4].text, "ADC zero");
  if (!baseline_given) s.baseline = s.adc_zero;
  s.initial_value =
      tokens.size() > 5 ? p.number<std::int32_t>(tokens[5].text, "initial value") : s.adc_zero;
  if (tokens.size() > 6) s.checksum = p.number<std::int32_t>(tokens[6].text, "checksum");
  if (tokens.size() > 7) s.block_size = p.number<std::int32_t>(tokens[7].text, "block size");
  if (tokens.size() > 8) {
    // The description is the rest of the line, inner spaces included.
    std::string_view rest = line.substr(tokens[7].end);
    rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
    s.description = std::string(rest);
  } else {
    s.description = "record " + record + ", signal " + std::to_string(index);
  }
  return s;
}

// Signals stored in one file must agree on format and byte offset (they are interleaved).
void check_shared_files(const RecordHeader& h, const std::filesystem::path& source) {
  for (std::size_t i = 1; i < h.signals.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      const SignalSpec& a = h.signals[j];
      const SignalSpec& b = h.signals[i];
      if (a.file_name != b.file_name) continue;
      if (j != i - 1 && h.signals[i - 1].file_name != b.file_name) {
        throw_wfdb(source, "signals " + std::to_string(j) + " and " + std::to_string(i) +
                               " share file " + b.file_name + " but are not consecutive");
      }
      if (a.format != b.format || a.byte_offset != b.byte_offset) {
        throw_wfdb(source, "signals " + std::to_string(j) + " and " + std::to_string(i) +
                               " share file " + b.file_name +
                               " but differ in format or byte offset");
      }
    }
  }
}

}  // namespace

std::optional<std::size_t> RecordHeader::find_signal(std::string_view description) const {
  for (std::size_t i = 0; i < signals.size(); ++i) {
    if (signals[i].description == description) return i;
  }
  return std::nullopt;
}

RecordHeader parse_header(std::string_view text, const std::filesystem::path& source) {
  RecordHeader h;
  bool have_record_line = false;
  std::size_t signals_read = 0;
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find('\0') != std::string_view::npos) {
      throw_wfdb_line(source, line_number, "contains a NUL byte (not a text header?)");
    }
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;
    if (line[first] == '#') {
      h.comments.emplace_back(line.substr(first + 1));
      continue;
    }
    const std::vector<Token> tokens = tokenize(line);
    const FieldParser parser(source, line_number);
    if (!have_record_line) {
      parse_record_line(tokens, parser, h);
      have_record_line = true;
    } else if (signals_read < h.signals.size()) {
      h.signals[signals_read] = parse_signal_line(line, tokens, parser, signals_read, h.name);
      ++signals_read;
    } else {
      parser.fail("more signal lines than the " + std::to_string(h.signals.size()) +
                  " announced on the record line");
    }
  }
  if (!have_record_line) throw_wfdb(source, "no record line (empty header?)");
  if (signals_read < h.signals.size()) {
    throw_wfdb(source, "record line announces " + std::to_string(h.signals.size()) +
                           " signals but only " + std::to_string(signals_read) +
                           " signal lines follow");
  }
  check_shared_files(h, source);
  return h;
}

RecordHeader read_header(const std::filesystem::path& file) {
  std::filesystem::path path = file;
  if (path.extension() != ".hea") path += ".hea";
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error) throw_wfdb(path, "cannot read header: " + error.message());
  if (size > kMaxHeaderBytes) {
    throw_wfdb(path, "header is " + std::to_string(size) + " bytes, more than the limit of " +
                         std::to_string(kMaxHeaderBytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_wfdb(path, "cannot open header");
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) throw_wfdb(path, "cannot read header");
  return parse_header(text.str(), path);
}

}  // namespace hesplit::ecg
