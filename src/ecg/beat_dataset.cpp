// HDF5 reading and writing of beat datasets in the layout of DATA.md, with the HDF5 C API.
#include "beat_dataset.hpp"

#include <hdf5.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string_view>
#include <system_error>

#include "ecg/beat_dataset_bytes.hpp"
#include "ecg/isolated_call.hpp"
#include "hdf5_handle.hpp"
#include "report/atomic_file.hpp"

namespace hesplit::ecg {
namespace {

using detail::Hdf5Handle;

// A bound on the beats of one side, checked before allocating: 2^24 beats are 8 GiB of samples,
// far beyond any ECG database (MIT-BIH has about 110,000 beats).
constexpr hsize_t kMaxBeats = hsize_t{1} << 24;
// Bounds on string attributes (class names, settings): far above what prepare writes.
constexpr hssize_t kMaxStrings = 1024;
constexpr std::size_t kMaxStringBytes = 4096;
const std::vector<std::string> kDefaultClasses = {"N", "L", "R", "A", "V"};

[[noreturn]] void fail(const std::filesystem::path& file, std::string_view problem) {
  throw DatasetError("beat dataset " + file.string() + ": " + std::string(problem));
}

// ---------------------------------------------------------------- writing

Hdf5Handle simple_space(const std::vector<hsize_t>& dims) {
  return Hdf5Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                    H5Sclose);
}

// Strings are stored fixed-length (NUL-terminated, UTF-8), never variable-length: libhdf5 keeps
// variable-length data in a "global heap" whose reader crashes or hangs on malformed files
// (docs/security.md), so read_beat_dataset refuses that storage and must never need it.
Hdf5Handle fixed_string_type(std::size_t longest) {
  Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!type.valid() || H5Tset_size(type.get(), longest + 1) < 0 ||
      H5Tset_strpad(type.get(), H5T_STR_NULLTERM) < 0 ||
      H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0) {
    return Hdf5Handle();
  }
  return type;
}

class Writer {
 public:
  Writer(const std::filesystem::path& target, hid_t file) : target_(target), file_(file) {}

  void array(const char* name, hid_t file_type, hid_t mem_type, const std::vector<hsize_t>& dims,
             const void* data) const {
    const Hdf5Handle space = simple_space(dims);
    // No modification times in the file: the same dataset gives the same bytes.
    const Hdf5Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    if (!properties.valid() || H5Pset_obj_track_times(properties.get(), false) < 0) {
      fail(target_, "cannot set dataset properties");
    }
    const Hdf5Handle set(
        H5Dcreate2(file_, name, file_type, space.get(), H5P_DEFAULT, properties.get(), H5P_DEFAULT),
        H5Dclose);
    if (!space.valid() || !set.valid()) fail(target_, std::string("cannot create dataset ") + name);
    // An empty side (split "all") has a zero-sized dataspace and nothing to write.
    const bool empty = std::any_of(dims.begin(), dims.end(), [](hsize_t d) { return d == 0; });
    if (!empty && H5Dwrite(set.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
      fail(target_, std::string("cannot write dataset ") + name);
    }
  }

  void attribute(const char* name, hid_t type, const std::vector<hsize_t>& dims,
                 const void* data) const {
    const Hdf5Handle space =
        dims.empty() ? Hdf5Handle(H5Screate(H5S_SCALAR), H5Sclose) : simple_space(dims);
    const Hdf5Handle attr(H5Acreate2(file_, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                          H5Aclose);
    if (!space.valid() || !attr.valid() || H5Awrite(attr.get(), type, data) < 0) {
      fail(target_, std::string("cannot write attribute ") + name);
    }
  }

  void string_attribute(const char* name, const std::string& value) const {
    strings_attribute(name, {value}, true);
  }

  // Packs the strings into one buffer of fixed-size, NUL-padded cells.
  void strings_attribute(const char* name, const std::vector<std::string>& values,
                         bool scalar = false) const {
    std::size_t longest = 0;
    for (const auto& v : values) longest = std::max(longest, v.size());
    const Hdf5Handle type = fixed_string_type(longest);
    if (!type.valid()) fail(target_, std::string("cannot make the string type of ") + name);
    std::vector<char> cells(values.size() * (longest + 1), '\0');
    for (std::size_t i = 0; i < values.size(); ++i) {
      std::copy(values[i].begin(), values[i].end(), cells.begin() + i * (longest + 1));
    }
    attribute(name, type.get(),
              scalar ? std::vector<hsize_t>{} : std::vector<hsize_t>{values.size()}, cells.data());
  }

  void side(const BeatSet& set, const std::string& suffix) const {
    const hsize_t n = set.size();
    if (set.x.size() != n * kBeatLength || set.record.size() != n || set.r_peak.size() != n) {
      fail(target_, "inconsistent " + suffix + " side: " + std::to_string(n) + " labels, " +
                        std::to_string(set.x.size()) + " samples, " +
                        std::to_string(set.record.size()) + " records, " +
                        std::to_string(set.r_peak.size()) + " R peaks");
    }
    array(("x_" + suffix).c_str(), H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {n, 1, kBeatLength},
          set.x.data());
    array(("y_" + suffix).c_str(), H5T_STD_I64LE, H5T_NATIVE_INT64, {n}, set.y.data());
    array(("record_" + suffix).c_str(), H5T_STD_I32LE, H5T_NATIVE_INT32, {n}, set.record.data());
    array(("r_peak_" + suffix).c_str(), H5T_STD_I64LE, H5T_NATIVE_INT64, {n}, set.r_peak.data());
  }

  void settings(const ExtractionSettings& s) const {
    string_attribute("channel", s.channel);
    attribute("window_before", H5T_NATIVE_INT32, {}, &s.window_before);
    attribute("window_after", H5T_NATIVE_INT32, {}, &s.window_after);
    string_attribute("normalisation", s.normalisation);
    string_attribute("resampling", s.resampling);
    string_attribute("wavelet", s.wavelet);
    string_attribute("wavelet_mode", s.wavelet_mode);
    attribute("wavelet_level", H5T_NATIVE_INT32, {}, &s.wavelet_level);
    attribute("wavelet_threshold", H5T_NATIVE_DOUBLE, {}, &s.wavelet_threshold);
    string_attribute("threshold_mode", s.threshold_mode);
    // Empty lists are left out (HDF5 cannot write an attribute from an empty buffer); the reader
    // gives back empty lists for absent attributes.
    if (!s.records.empty()) {
      attribute("records", H5T_NATIVE_INT32, {s.records.size()}, s.records.data());
    }
    if (!s.extracted_per_class.empty()) {
      attribute("extracted_per_class", H5T_NATIVE_INT64, {s.extracted_per_class.size()},
                s.extracted_per_class.data());
    }
  }

 private:
  const std::filesystem::path& target_;
  hid_t file_;
};

// ---------------------------------------------------------------- reading

class Reader {
 public:
  Reader(const std::filesystem::path& source, hid_t file) : source_(source), file_(file) {}

  bool has(const std::string& name) const {
    return H5Lexists(file_, name.c_str(), H5P_DEFAULT) > 0;
  }
  bool has_attribute(const char* name) const { return H5Aexists(file_, name) > 0; }

  // Opens a dataset of the given element class and rank; returns its dimensions.
  std::vector<hsize_t> shape(const std::string& name, H5T_class_t want_class,
                             const char* class_text, int want_rank) const {
    const Hdf5Handle set = open(name);
    const Hdf5Handle type(H5Dget_type(set.get()), H5Tclose);
    if (!type.valid() || H5Tget_class(type.get()) != want_class) {
      fail(source_, "dataset " + name + " is not of " + class_text + " type");
    }
    const Hdf5Handle space(H5Dget_space(set.get()), H5Sclose);
    const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
    if (rank != want_rank) {
      fail(source_, "dataset " + name + " has rank " + std::to_string(rank) + ", expected " +
                        std::to_string(want_rank));
    }
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    return dims;
  }

  template <typename T>
  std::vector<T> values(const std::string& name, hid_t mem_type, std::size_t count) const {
    std::vector<T> out(count);
    if (count == 0) return out;
    const Hdf5Handle set = open(name);
    if (H5Dread(set.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) {
      fail(source_, "cannot read dataset " + name + " (corrupt or unconvertible values)");
    }
    return out;
  }

  std::string string_attribute(const char* name, const std::string& fallback) const {
    const std::vector<std::string> v = strings_attribute(name, {fallback}, true);
    return v.front();
  }

  std::vector<std::string> strings_attribute(const char* name,
                                             const std::vector<std::string>& fallback,
                                             bool scalar = false) const {
    if (!has_attribute(name)) return fallback;
    const Hdf5Handle attr(H5Aopen(file_, name, H5P_DEFAULT), H5Aclose);
    const Hdf5Handle file_type(H5Aget_type(attr.get()), H5Tclose);
    const Hdf5Handle space(H5Aget_space(attr.get()), H5Sclose);
    if (!file_type.valid() || !space.valid() || H5Tget_class(file_type.get()) != H5T_STRING) {
      fail(source_, std::string("attribute ") + name + " is not a string");
    }
    // Checked before any read: a variable-length string would send H5Aread into libhdf5's global
    // heap reader, which malformed files crash or hang (docs/security.md).
    if (H5Tis_variable_str(file_type.get()) != 0) {
      fail(source_, std::string("attribute ") + name +
                        " is a variable-length string, which hesplit no longer reads (libhdf5 "
                        "cannot read those safely from untrusted files); re-create the file with "
                        "hesplit prepare");
    }
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    const std::size_t width = H5Tget_size(file_type.get());
    if (count < 1 || count > kMaxStrings || (scalar && count != 1)) {
      fail(source_, std::string("attribute ") + name + " has an unexpected number of strings");
    }
    if (width < 1 || width > kMaxStringBytes) {
      fail(source_, std::string("attribute ") + name + " has strings of " + std::to_string(width) +
                        " bytes (limit " + std::to_string(kMaxStringBytes) + ")");
    }
    // The file type is the memory type: a fixed-length string needs no conversion.
    std::vector<char> cells(static_cast<std::size_t>(count) * width);
    if (H5Aread(attr.get(), file_type.get(), cells.data()) < 0) {
      fail(source_, std::string("cannot read attribute ") + name);
    }
    const bool space_padded = H5Tget_strpad(file_type.get()) == H5T_STR_SPACEPAD;
    std::vector<std::string> out;
    for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
      std::string text(cells.data() + i * width, width);
      text.resize(std::min(text.find('\0'), text.size()));
      if (space_padded) text.erase(text.find_last_not_of(' ') + 1);
      out.push_back(std::move(text));
    }
    return out;
  }

  template <typename T>
  T number_attribute(const char* name, hid_t mem_type, T fallback) const {
    if (!has_attribute(name)) return fallback;
    const Hdf5Handle attr(H5Aopen(file_, name, H5P_DEFAULT), H5Aclose);
    const Hdf5Handle space(H5Aget_space(attr.get()), H5Sclose);
    T value{};
    if (!space.valid() || !numeric(attr.get()) || H5Sget_simple_extent_npoints(space.get()) != 1 ||
        H5Aread(attr.get(), mem_type, &value) < 0) {
      fail(source_, std::string("attribute ") + name + " is not a single number");
    }
    return value;
  }

  template <typename T>
  std::vector<T> ints_attribute(const char* name, hid_t mem_type) const {
    if (!has_attribute(name)) return {};
    const Hdf5Handle attr(H5Aopen(file_, name, H5P_DEFAULT), H5Aclose);
    const Hdf5Handle space(H5Aget_space(attr.get()), H5Sclose);
    if (!numeric(attr.get(), H5T_INTEGER)) {
      fail(source_, std::string("attribute ") + name + " is not of integer type");
    }
    const hssize_t count = space.valid() ? H5Sget_simple_extent_npoints(space.get()) : -1;
    if (count < 0 || count > 100000) {
      fail(source_, std::string("attribute ") + name + " has an unexpected size");
    }
    std::vector<T> out(static_cast<std::size_t>(count));
    if (count > 0 && H5Aread(attr.get(), mem_type, out.data()) < 0) {
      fail(source_, std::string("cannot read attribute ") + name);
    }
    return out;
  }

 private:
  // Only plain integer or float attributes are read as numbers: other classes (variable-length,
  // references, compounds) would make the conversion touch more of libhdf5 than a number needs.
  static bool numeric(hid_t attr, H5T_class_t only = H5T_NO_CLASS) {
    const Hdf5Handle type(H5Aget_type(attr), H5Tclose);
    if (!type.valid()) return false;
    const H5T_class_t found = H5Tget_class(type.get());
    if (only != H5T_NO_CLASS) return found == only;
    return found == H5T_INTEGER || found == H5T_FLOAT;
  }

  Hdf5Handle open(const std::string& name) const {
    if (!has(name)) fail(source_, "missing dataset " + name);
    Hdf5Handle set(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!set.valid()) fail(source_, "cannot open dataset " + name);
    return set;
  }

  const std::filesystem::path& source_;
  hid_t file_;
};

void check_side_shape(const std::filesystem::path& file, const Reader& in,
                      const std::string& suffix, std::size_t& n) {
  const auto x_dims = in.shape("x_" + suffix, H5T_FLOAT, "floating-point", 3);
  if (x_dims[1] != 1 || x_dims[2] != kBeatLength) {
    fail(file, "dataset x_" + suffix + " has shape (" + std::to_string(x_dims[0]) + "," +
                   std::to_string(x_dims[1]) + "," + std::to_string(x_dims[2]) +
                   "), expected (n,1," + std::to_string(kBeatLength) + ")");
  }
  if (x_dims[0] > kMaxBeats) {
    fail(file, "dataset x_" + suffix + " holds " + std::to_string(x_dims[0]) +
                   " beats, more than the limit of " + std::to_string(kMaxBeats));
  }
  n = static_cast<std::size_t>(x_dims[0]);
  for (const std::string& name : {"y_" + suffix, "record_" + suffix, "r_peak_" + suffix}) {
    if (name != "y_" + suffix && !in.has(name)) continue;  // optional in the reference layout
    const auto dims = in.shape(name, H5T_INTEGER, "integer", 1);
    if (dims[0] != n) {
      fail(file, "dataset " + name + " has " + std::to_string(dims[0]) + " entries but x_" +
                     suffix + " has " + std::to_string(n) + " beats");
    }
  }
}

BeatSet read_side(const std::filesystem::path& file, const Reader& in, const std::string& suffix,
                  std::size_t class_count) {
  std::size_t n = 0;
  check_side_shape(file, in, suffix, n);
  BeatSet set;
  set.x = in.values<float>("x_" + suffix, H5T_NATIVE_FLOAT, n * kBeatLength);
  set.y = in.values<std::int64_t>("y_" + suffix, H5T_NATIVE_INT64, n);
  set.record = in.has("record_" + suffix)
                   ? in.values<std::int32_t>("record_" + suffix, H5T_NATIVE_INT32, n)
                   : std::vector<std::int32_t>(n, 0);
  set.r_peak = in.has("r_peak_" + suffix)
                   ? in.values<std::int64_t>("r_peak_" + suffix, H5T_NATIVE_INT64, n)
                   : std::vector<std::int64_t>(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (set.y[i] < 0 || static_cast<std::size_t>(set.y[i]) >= class_count) {
      fail(file, "y_" + suffix + "[" + std::to_string(i) + "] = " + std::to_string(set.y[i]) +
                     " is outside the " + std::to_string(class_count) + " classes");
    }
  }
  const auto bad =
      std::find_if(set.x.begin(), set.x.end(), [](float v) { return !std::isfinite(v); });
  if (bad != set.x.end()) {
    const auto index = static_cast<std::size_t>(bad - set.x.begin());
    fail(file, "x_" + suffix + " beat " + std::to_string(index / kBeatLength) + " sample " +
                   std::to_string(index % kBeatLength) + " is not finite");
  }
  return set;
}

ExtractionSettings read_settings(const Reader& in) {
  ExtractionSettings s;
  s.channel = in.string_attribute("channel", s.channel);
  s.window_before = in.number_attribute("window_before", H5T_NATIVE_INT32, s.window_before);
  s.window_after = in.number_attribute("window_after", H5T_NATIVE_INT32, s.window_after);
  s.normalisation = in.string_attribute("normalisation", s.normalisation);
  s.resampling = in.string_attribute("resampling", s.resampling);
  s.wavelet = in.string_attribute("wavelet", s.wavelet);
  s.wavelet_mode = in.string_attribute("wavelet_mode", s.wavelet_mode);
  s.wavelet_level = in.number_attribute("wavelet_level", H5T_NATIVE_INT32, s.wavelet_level);
  s.wavelet_threshold =
      in.number_attribute("wavelet_threshold", H5T_NATIVE_DOUBLE, s.wavelet_threshold);
  s.threshold_mode = in.string_attribute("threshold_mode", s.threshold_mode);
  s.records = in.ints_attribute<std::int32_t>("records", H5T_NATIVE_INT32);
  s.extracted_per_class = in.ints_attribute<std::int64_t>("extracted_per_class", H5T_NATIVE_INT64);
  return s;
}

}  // namespace

void write_beat_dataset(const std::filesystem::path& file, const BeatDataset& dataset) {
  const detail::Hdf5QuietErrors quiet;
  // A missing folder is the user's mistake (a typo in --out), not something to create silently.
  const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : ".";
  if (std::error_code error; !std::filesystem::is_directory(folder, error)) {
    fail(file, "cannot create: no folder " + folder.string());
  }
  // HDF5 opens files by name: write_file_atomic_with hands it a temporary file it has just
  // created exclusively under an unpredictable name (a symlink planted at "FILE.tmp", the old
  // fixed name, is never followed), then fsyncs and renames it over FILE.
  try {
    report::write_file_atomic_with(file, [&](const std::filesystem::path& temporary) {
      const Hdf5Handle out(H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                           H5Fclose);
      if (!out.valid()) fail(file, "cannot create " + temporary.string() + " (not writable?)");
      const Writer writer(file, out.get());
      writer.side(dataset.train, "train");
      writer.side(dataset.test, "test");
      writer.string_attribute("split", dataset.split);
      writer.attribute("seed", H5T_NATIVE_UINT64, {}, &dataset.seed);
      writer.strings_attribute("classes", dataset.class_names);
      writer.settings(dataset.extraction);
      if (H5Fflush(out.get(), H5F_SCOPE_LOCAL) < 0) fail(file, "cannot flush to disk");
    });
  } catch (const DatasetError&) {
    throw;
  } catch (const std::runtime_error& e) {  // the writer's own steps (create, fsync, rename)
    throw DatasetError(std::string("beat dataset: ") + e.what());
  }
}

namespace detail {

BeatDataset read_beat_dataset_in_process(const std::filesystem::path& file) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) fail(file, "no such file");
  const detail::Hdf5QuietErrors quiet;
  if (H5Fis_hdf5(file.c_str()) <= 0) fail(file, "not an HDF5 file");
  const Hdf5Handle in(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!in.valid()) fail(file, "cannot open (corrupt HDF5 file?)");
  const Reader reader(file, in.get());

  BeatDataset dataset;
  dataset.split = reader.string_attribute("split", "unknown");
  dataset.seed = reader.number_attribute<std::uint64_t>("seed", H5T_NATIVE_UINT64, 0);
  dataset.class_names = reader.strings_attribute("classes", kDefaultClasses);
  dataset.extraction = read_settings(reader);
  dataset.train = read_side(file, reader, "train", dataset.class_names.size());
  dataset.test = read_side(file, reader, "test", dataset.class_names.size());
  return dataset;
}

}  // namespace detail

namespace {

// What reading a file of this size may cost. Our files store the beats uncompressed, so the
// decoded dataset is about the file's size; 8x leaves room for narrower stored types and for
// compressed files from other tools. The child's heap holds libhdf5's buffers and our copy.
IsolationLimits isolation_limits(std::uintmax_t file_bytes) {
  IsolationLimits limits;
  limits.max_output_bytes = static_cast<std::size_t>(8 * file_bytes + (1u << 20));
  limits.max_memory_bytes = 4 * limits.max_output_bytes + (std::size_t{256} << 20);
  return limits;
}

}  // namespace

BeatDataset read_beat_dataset(const std::filesystem::path& file) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) fail(file, "no such file");
  const std::uintmax_t file_bytes = std::filesystem::file_size(file, error);
  if (error) fail(file, "cannot read its size: " + error.message());
  // libhdf5 runs in a child process: on a malformed file it can overflow buffers, crash or hang
  // (docs/security.md), and a child's crash cannot touch this process.
  try {
    return detail::decode_beat_dataset(
        isolated_call(
            [&file] {
              return detail::encode_beat_dataset(detail::read_beat_dataset_in_process(file));
            },
            isolation_limits(file_bytes)),
        file);
  } catch (const IsolatedWorkError& e) {
    // The reader's own errors name the file already; others (the memory cap) get it here.
    const std::string what = e.what();
    if (what.find(file.string()) == std::string::npos) fail(file, what);
    throw DatasetError(what);
  } catch (const IsolatedCallError& e) {
    fail(file, std::string("the HDF5 library ") + e.what() +
                   " reading it: the file is malformed (or hostile); re-create it with hesplit "
                   "prepare");
  }
}

}  // namespace hesplit::ecg
