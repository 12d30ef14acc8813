#include "ecg/beat_dataset_bytes.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace hesplit::ecg::detail {
namespace {

constexpr std::string_view kMagic = "hesplit-beats-1";

class Out {
 public:
  template <typename T>
  void value(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <typename T>
  void values(const std::vector<T>& v) {
    value(static_cast<std::uint64_t>(v.size()));
    bytes_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void text(const std::string& s) {
    value(static_cast<std::uint64_t>(s.size()));
    bytes_ += s;
  }
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class In {
 public:
  In(const std::string& bytes, const std::filesystem::path& source)
      : bytes_(bytes), source_(source) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw DatasetError("beat dataset " + source_.string() + ": the isolated reader's answer is " +
                       "corrupt at byte " + std::to_string(at_) + ": " + what);
  }
  template <typename T>
  T value() {
    T v{};
    if (bytes_.size() - at_ < sizeof v) fail("truncated");
    std::memcpy(&v, bytes_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  // A count of `element` bytes each, bounded by the bytes left before anything is allocated.
  std::size_t count(std::size_t element) {
    const auto n = value<std::uint64_t>();
    if (n > (bytes_.size() - at_) / element) fail("a count of " + std::to_string(n) + " overruns");
    return static_cast<std::size_t>(n);
  }
  template <typename T>
  std::vector<T> values() {
    std::vector<T> v(count(sizeof(T)));
    if (!v.empty()) std::memcpy(v.data(), bytes_.data() + at_, v.size() * sizeof(T));
    at_ += v.size() * sizeof(T);
    return v;
  }
  std::string text() {
    const std::size_t n = count(1);
    std::string s = bytes_.substr(at_, n);
    at_ += n;
    return s;
  }
  bool at_end() const { return at_ == bytes_.size(); }

 private:
  const std::string& bytes_;
  const std::filesystem::path& source_;
  std::size_t at_ = 0;
};

void put_side(Out& out, const BeatSet& set) {
  out.values(set.x);
  out.values(set.y);
  out.values(set.record);
  out.values(set.r_peak);
}

BeatSet get_side(In& in, std::size_t classes, const char* name) {
  BeatSet set;
  set.x = in.values<float>();
  set.y = in.values<std::int64_t>();
  set.record = in.values<std::int32_t>();
  set.r_peak = in.values<std::int64_t>();
  const std::size_t n = set.y.size();
  if (set.x.size() != n * kBeatLength || set.record.size() != n || set.r_peak.size() != n) {
    in.fail(std::string("inconsistent ") + name + " side");
  }
  for (const std::int64_t y : set.y) {
    if (y < 0 || static_cast<std::size_t>(y) >= classes) in.fail("a label outside the classes");
  }
  for (const float v : set.x) {
    if (!std::isfinite(v)) in.fail("a sample that is not finite");
  }
  return set;
}

}  // namespace

std::string encode_beat_dataset(const BeatDataset& d) {
  Out out;
  out.text(std::string(kMagic));
  out.text(d.split);
  out.value(d.seed);
  out.value(static_cast<std::uint64_t>(d.class_names.size()));
  for (const std::string& name : d.class_names) out.text(name);
  const ExtractionSettings& s = d.extraction;
  for (const std::string* t : {&s.channel, &s.normalisation, &s.resampling, &s.wavelet,
                               &s.wavelet_mode, &s.threshold_mode}) {
    out.text(*t);
  }
  out.value(s.window_before);
  out.value(s.window_after);
  out.value(s.wavelet_level);
  out.value(s.wavelet_threshold);
  out.values(s.records);
  out.values(s.extracted_per_class);
  put_side(out, d.train);
  put_side(out, d.test);
  return out.take();
}

BeatDataset decode_beat_dataset(const std::string& bytes, const std::filesystem::path& source) {
  In in(bytes, source);
  if (in.text() != kMagic) in.fail("wrong magic");
  BeatDataset d;
  d.split = in.text();
  d.seed = in.value<std::uint64_t>();
  // Each name takes at least its 8-byte length.
  const std::size_t classes = in.count(sizeof(std::uint64_t));
  for (std::size_t i = 0; i < classes; ++i) d.class_names.push_back(in.text());
  ExtractionSettings& s = d.extraction;
  for (std::string* t : {&s.channel, &s.normalisation, &s.resampling, &s.wavelet, &s.wavelet_mode,
                         &s.threshold_mode}) {
    *t = in.text();
  }
  s.window_before = in.value<decltype(s.window_before)>();
  s.window_after = in.value<decltype(s.window_after)>();
  s.wavelet_level = in.value<decltype(s.wavelet_level)>();
  s.wavelet_threshold = in.value<decltype(s.wavelet_threshold)>();
  s.records = in.values<std::int32_t>();
  s.extracted_per_class = in.values<std::int64_t>();
  d.train = get_side(in, classes, "train");
  d.test = get_side(in, classes, "test");
  if (!in.at_end()) in.fail("trailing bytes");
  return d;
}

}  // namespace hesplit::ecg::detail
