#include "split/session/checkpoint_store.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "report/atomic_file.hpp"

namespace hesplit::split {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMarker = "checkpoint.txt";
constexpr const char* kMagic = "hesplit-checkpoint 1";
constexpr std::uintmax_t kMaxMarkerBytes = 1 << 20;

template <typename T>
bool parse_unsigned(std::string_view text, T& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

std::string folder_name(const CheckpointPosition& p) {
  char name[32];
  std::snprintf(name, sizeof name, "g%012llu", static_cast<unsigned long long>(p.global_batches));
  return name;
}

}  // namespace

std::string to_string(const CheckpointPosition& p) {
  // ostringstream: GCC 12 misreports chains of std::string + as overlapping copies.
  std::ostringstream text;
  text << 'e' << p.epoch << "-b" << p.next_batch << "-g" << p.global_batches;
  return text.str();
}

CheckpointPosition parse_position(const std::string& text) {
  CheckpointPosition p;
  const std::size_t b = text.find("-b");
  const std::size_t g = text.find("-g");
  if (text.size() > 64 || !text.starts_with('e') || b == std::string::npos ||
      g == std::string::npos || g < b ||
      !parse_unsigned(std::string_view(text).substr(1, b - 1), p.epoch) ||
      !parse_unsigned(std::string_view(text).substr(b + 2, g - b - 2), p.next_batch) ||
      !parse_unsigned(std::string_view(text).substr(g + 2), p.global_batches) || p.epoch == 0) {
    throw std::runtime_error("\"" + text.substr(0, 64) + "\" is not a checkpoint position");
  }
  return p;
}

std::string exact_number(double value) {
  char buffer[64];
  const auto [end, error] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::hex);
  return std::string(buffer, end);
}

double parse_exact_number(const std::string& text, const std::string& what) {
  double value = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::hex);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw std::runtime_error(what + ": \"" + text.substr(0, 64) + "\" is not a number");
  }
  return value;
}

CheckpointStore::CheckpointStore(fs::path root, std::size_t keep)
    : root_(std::move(root)), keep_(std::max<std::size_t>(keep, 2)) {}

fs::path CheckpointStore::folder(const CheckpointPosition& position) const {
  return root_ / folder_name(position);
}

void CheckpointStore::save(const CheckpointPosition& position, const CheckpointFields& fields,
                           const std::function<void(const fs::path& folder)>& write_files) {
  const fs::path dir = folder(position);
  // A folder without a marker is the debris of a crash mid-save: start it afresh.
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_files(dir);
  std::ostringstream marker;
  marker << kMagic << "\nposition=" << to_string(position) << "\n";
  for (const auto& [key, value] : fields) {
    if (key.find_first_of("=\n") != std::string::npos || value.find('\n') != std::string::npos) {
      throw std::logic_error("checkpoint field \"" + key + "\" cannot be stored");
    }
    marker << key << "=" << value << "\n";
  }
  report::write_file_atomic(dir / kMarker, marker.str());
  const std::vector<CheckpointPosition> valid = available();
  for (std::size_t i = keep_; i < valid.size(); ++i) fs::remove_all(folder(valid[i]));
}

std::optional<CheckpointPosition> CheckpointStore::read_marker(const fs::path& dir,
                                                               CheckpointFields* fields) const {
  const fs::path file = dir / kMarker;
  std::error_code error;
  const std::uintmax_t size = fs::file_size(file, error);
  if (error) return std::nullopt;
  if (size > kMaxMarkerBytes) {
    throw std::runtime_error("checkpoint marker " + file.string() + " is " + std::to_string(size) +
                             " bytes, too large");
  }
  std::ifstream in(file, std::ios::binary);
  std::string line;
  if (!std::getline(in, line) || line != kMagic) {
    throw std::runtime_error("checkpoint marker " + file.string() + ": not a hesplit checkpoint");
  }
  std::optional<CheckpointPosition> position;
  CheckpointFields read;
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos) {
      throw std::runtime_error("checkpoint marker " + file.string() + ", line " +
                               std::to_string(number) + ": no '='");
    }
    const std::string key = line.substr(0, eq);
    if (key == "position") {
      position = parse_position(line.substr(eq + 1));
    } else {
      read[key] = line.substr(eq + 1);
    }
  }
  if (!position) {
    throw std::runtime_error("checkpoint marker " + file.string() + " has no position");
  }
  if (folder(*position) != dir) {
    throw std::runtime_error("checkpoint marker " + file.string() + " names position " +
                             to_string(*position) + ", which belongs in another folder");
  }
  if (fields != nullptr) *fields = std::move(read);
  return position;
}

std::vector<CheckpointPosition> CheckpointStore::available() const {
  std::vector<CheckpointPosition> out;
  std::error_code error;
  if (!fs::is_directory(root_, error)) return out;
  for (const fs::directory_entry& entry : fs::directory_iterator(root_)) {
    if (!entry.is_directory() || !entry.path().filename().string().starts_with('g')) continue;
    if (auto position = read_marker(entry.path(), nullptr)) out.push_back(*position);
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.global_batches > b.global_batches; });
  return out;
}

CheckpointFields CheckpointStore::fields(const CheckpointPosition& position) const {
  CheckpointFields out;
  if (!read_marker(folder(position), &out)) {
    throw std::runtime_error("no checkpoint " + to_string(position) + " in " + root_.string());
  }
  return out;
}

}  // namespace hesplit::split
