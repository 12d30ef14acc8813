// Fuzz target: the beat dataset reader (in process, see hdf5_raw.cpp) on well-formed HDF5 files
// with hostile contents. Each input starts from a valid small dataset (written by
// write_beat_dataset) and then, through the HDF5 C API, deletes or replaces datasets and
// attributes the reader looks at with ones of fuzzed type, rank, shape (up to 2^40 entries, stored
// sparse so the file stays small), values and strings. The files are valid HDF5, so this
// exercises our validation rather than libhdf5's parser (that is fuzz/hdf5_raw.cpp).
#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ecg/beat_dataset.hpp"
#include "ecg/hdf5_handle.hpp"
#include "scratch_dir.hpp"

namespace {

using hesplit::ecg::detail::Hdf5Handle;

constexpr std::array kDatasets{"x_train", "y_train", "record_train", "r_peak_train",
                               "x_test",  "y_test",  "record_test",  "r_peak_test"};
constexpr std::array kAttributes{"split",          "seed",          "classes",
                                 "channel",        "window_before", "window_after",
                                 "normalisation",  "resampling",    "wavelet",
                                 "wavelet_mode",   "wavelet_level", "wavelet_threshold",
                                 "threshold_mode", "records",       "extracted_per_class"};

hesplit::ecg::BeatDataset base_dataset(FuzzedDataProvider& in) {
  hesplit::ecg::BeatDataset dataset;
  const auto fill = [&in](hesplit::ecg::BeatSet& set) {
    const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 3);
    set.x.assign(n * hesplit::ecg::kBeatLength, 0.25f);
    for (std::size_t i = 0; i < n; ++i) {
      set.y.push_back(static_cast<std::int64_t>(i));
      set.record.push_back(100);
      set.r_peak.push_back(static_cast<std::int64_t>(i) * 300);
    }
  };
  fill(dataset.train);
  fill(dataset.test);
  dataset.split = "beats";
  dataset.class_names = {"N", "L", "R", "A", "V"};
  return dataset;
}

// A file element type picked by the input: the reader expects floats, integers and fixed-length
// strings; variable-length strings and mismatched classes must be refused cleanly.
Hdf5Handle element_type(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 7)) {
    case 0:
      return Hdf5Handle(H5Tcopy(H5T_IEEE_F32LE), H5Tclose);
    case 1:
      return Hdf5Handle(H5Tcopy(H5T_IEEE_F64BE), H5Tclose);
    case 2:
      return Hdf5Handle(H5Tcopy(H5T_STD_I64LE), H5Tclose);
    case 3:
      return Hdf5Handle(H5Tcopy(H5T_STD_I32BE), H5Tclose);
    case 4:
      return Hdf5Handle(H5Tcopy(H5T_STD_U8LE), H5Tclose);
    case 5:
      return Hdf5Handle(H5Tcopy(H5T_STD_U64LE), H5Tclose);
    case 6: {
      Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(type.get(), H5T_VARIABLE);
      return type;
    }
    default: {
      Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(type.get(), in.ConsumeIntegralInRange<std::size_t>(1, 16));
      return type;
    }
  }
}

// Writes `count` elements of `type` from the input (strings for string types).
void write_values(FuzzedDataProvider& in, hid_t type, std::size_t count, bool attribute,
                  hid_t object) {
  std::vector<std::string> texts;
  std::vector<const char*> pointers;
  std::vector<std::uint8_t> raw;
  const void* buffer = nullptr;
  hid_t memory_type = type;
  if (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0) {
    for (std::size_t i = 0; i < count; ++i) texts.push_back(in.ConsumeRandomLengthString(12));
    for (const std::string& text : texts) pointers.push_back(text.c_str());
    buffer = pointers.data();
  } else {
    raw = in.ConsumeBytes<std::uint8_t>(count * H5Tget_size(type));
    raw.resize(count * H5Tget_size(type));
    buffer = raw.data();
  }
  if (attribute) {
    H5Awrite(object, memory_type, buffer);
  } else {
    H5Dwrite(object, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  }
}

// Dimensions: mostly small, sometimes huge (unwritten chunked storage costs nothing on disk).
std::vector<hsize_t> dimensions(FuzzedDataProvider& in, int max_rank, bool& huge) {
  const int rank = in.ConsumeIntegralInRange(0, max_rank);
  std::vector<hsize_t> dims;
  std::size_t total = 1;
  for (int i = 0; i < rank; ++i) {
    const hsize_t dim = in.ConsumeBool() ? in.ConsumeIntegralInRange<hsize_t>(0, 130)
                                         : hsize_t{1} << in.ConsumeIntegralInRange(0, 40);
    dims.push_back(dim);
    total = dim == 0 ? 0 : (total > (std::size_t{1} << 20) ? total : total * dim);
  }
  huge = total > (std::size_t{1} << 16);
  return dims;
}

void replace_dataset(FuzzedDataProvider& in, hid_t file, const char* name) {
  if (H5Lexists(file, name, H5P_DEFAULT) > 0) H5Ldelete(file, name, H5P_DEFAULT);
  const Hdf5Handle type = element_type(in);
  bool huge = false;
  const std::vector<hsize_t> dims = dimensions(in, 4, huge);
  const Hdf5Handle space(
      dims.empty() ? H5Screate(H5S_SCALAR)
                   : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
      H5Sclose);
  const Hdf5Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (huge) {
    const std::vector<hsize_t> chunk(dims.size(), 1);
    H5Pset_chunk(properties.get(), static_cast<int>(chunk.size()), chunk.data());
    H5Pset_alloc_time(properties.get(), H5D_ALLOC_TIME_INCR);
  }
  const Hdf5Handle set(
      H5Dcreate2(file, name, type.get(), space.get(), H5P_DEFAULT, properties.get(), H5P_DEFAULT),
      H5Dclose);
  if (!set.valid() || huge) return;
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  write_values(in, type.get(), count, false, set.get());
}

void replace_attribute(FuzzedDataProvider& in, hid_t file, const char* name) {
  if (H5Aexists(file, name) > 0) H5Adelete(file, name);
  const Hdf5Handle type = element_type(in);
  bool huge = false;
  std::vector<hsize_t> dims = dimensions(in, 2, huge);
  if (huge) dims.assign(1, 2000);  // attributes live in the object header: keep them small
  const Hdf5Handle space(
      dims.empty() ? H5Screate(H5S_SCALAR)
                   : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
      H5Sclose);
  const Hdf5Handle attr(H5Acreate2(file, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                        H5Aclose);
  if (!attr.valid()) return;
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  write_values(in, type.get(), count, true, attr.get());
}

void mutate(FuzzedDataProvider& in, const std::filesystem::path& path) {
  const hesplit::ecg::detail::Hdf5QuietErrors quiet;
  const Hdf5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) return;
  const int edits = in.ConsumeIntegralInRange(0, 6);
  for (int e = 0; e < edits && in.remaining_bytes() > 0; ++e) {
    const char* dataset = in.PickValueInArray(kDatasets);
    const char* attribute = in.PickValueInArray(kAttributes);
    switch (in.ConsumeIntegralInRange(0, 3)) {
      case 0:
        H5Ldelete(file.get(), dataset, H5P_DEFAULT);
        break;
      case 1:
        replace_dataset(in, file.get(), dataset);
        break;
      case 2:
        H5Adelete(file.get(), attribute);
        break;
      default:
        replace_attribute(in, file.get(), attribute);
        break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const hesplit::fuzz::ScratchDir scratch("beat-dataset");
  FuzzedDataProvider in(data, size);
  const std::filesystem::path file = scratch.path() / "fuzz.h5";
  try {
    hesplit::ecg::write_beat_dataset(file, base_dataset(in));
  } catch (const hesplit::ecg::DatasetError&) {
    __builtin_trap();  // the writer must accept its own valid datasets
  }
  mutate(in, file);
  try {
    (void)hesplit::ecg::detail::read_beat_dataset_in_process(file);
  } catch (const hesplit::ecg::DatasetError&) {
  }
  return 0;
}
