// Beat dataset files: round trip through our writer and reader, a cross-read with h5py, and
// every validation error of the reader.
#include "ecg/beat_dataset.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>

#include "python_oracle.hpp"
#include "test_data.hpp"

namespace hesplit::ecg {
namespace {

using ::testing::HasSubstr;

BeatSet make_side(std::size_t n, int salt) {
  BeatSet set;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < kBeatLength; ++k) {
      set.x.push_back(static_cast<float>((i + 1) * 0.001 + k * 1e-5 + salt * 0.5));
    }
    set.y.push_back(static_cast<std::int64_t>((i + salt) % 5));
    set.record.push_back(static_cast<std::int32_t>(100 + i % 48));
    set.r_peak.push_back(static_cast<std::int64_t>(1000 * i + 77 + salt));
  }
  return set;
}

BeatDataset make_dataset(std::size_t n_train, std::size_t n_test) {
  BeatDataset d;
  d.train = make_side(n_train, 0);
  d.test = make_side(n_test, 1);
  d.split = "beats";
  d.seed = 0xDEADBEEFCAFEULL;
  d.class_names = {"N", "L", "R", "A", "V"};
  d.extraction.records = {100, 101, 103};
  return d;
}

void expect_same_side(const BeatSet& a, const BeatSet& b) {
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.y, b.y);
  EXPECT_EQ(a.record, b.record);
  EXPECT_EQ(a.r_peak, b.r_peak);
}

std::string read_error(const std::filesystem::path& file) {
  try {
    read_beat_dataset(file);
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "no error";
}

TEST(BeatDataset, RoundTripKeepsEverything) {
  const auto dir = test::scratch_dir("beat_dataset_roundtrip");
  const BeatDataset original = make_dataset(37, 11);
  write_beat_dataset(dir / "d.h5", original);
  const BeatDataset back = read_beat_dataset(dir / "d.h5");
  expect_same_side(original.train, back.train);
  expect_same_side(original.test, back.test);
  EXPECT_EQ(back.split, "beats");
  EXPECT_EQ(back.seed, original.seed);
  EXPECT_EQ(back.class_names, original.class_names);
  EXPECT_EQ(back.extraction.records, original.extraction.records);
  EXPECT_EQ(back.extraction.wavelet, "bior4.4");
  EXPECT_DOUBLE_EQ(back.extraction.wavelet_threshold, original.extraction.wavelet_threshold);
  EXPECT_FALSE(std::filesystem::exists(dir / "d.h5.tmp"));
}

std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(BeatDataset, SameDatasetSameBytes) {
  // HDF5 would store creation times (one-second resolution); we turn them off.
  const auto dir = test::scratch_dir("beat_dataset_bytes");
  const BeatDataset d = make_dataset(8, 3);
  write_beat_dataset(dir / "a.h5", d);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  write_beat_dataset(dir / "b.h5", d);
  EXPECT_EQ(file_bytes(dir / "a.h5"), file_bytes(dir / "b.h5"));
}

TEST(BeatDataset, EmptyTestSideRoundTrips) {
  const auto dir = test::scratch_dir("beat_dataset_empty");
  const BeatDataset original = make_dataset(5, 0);
  write_beat_dataset(dir / "d.h5", original);
  const BeatDataset back = read_beat_dataset(dir / "d.h5");
  EXPECT_EQ(back.train.size(), 5u);
  EXPECT_EQ(back.test.size(), 0u);
  EXPECT_TRUE(back.test.x.empty());
}

TEST(BeatDataset, H5pySeesTheDocumentedLayoutAndWeReadItsCopy) {
  if (!test::python_oracle_available()) GTEST_SKIP() << "/usr/bin/python3 not installed";
  const auto dir = test::scratch_dir("beat_dataset_h5py");
  const BeatDataset original = make_dataset(23, 9);
  write_beat_dataset(dir / "d.h5", original);
  const auto result = test::run_python_oracle(
      "h5py_oracle.py", {(dir / "d.h5").string(), (dir / "copy.h5").string()});
  ASSERT_EQ(result.status, 0) << result.output;
  const auto summary = nlohmann::json::parse(result.output);
  const auto& sets = summary.at("datasets");
  EXPECT_EQ(sets.at("x_train").at("dtype"), "float32");
  EXPECT_EQ(sets.at("x_train").at("shape"), nlohmann::json::array({23, 1, 128}));
  EXPECT_EQ(sets.at("x_test").at("shape"), nlohmann::json::array({9, 1, 128}));
  EXPECT_EQ(sets.at("y_train").at("dtype"), "int64");
  EXPECT_EQ(sets.at("y_test").at("shape"), nlohmann::json::array({9}));
  EXPECT_EQ(sets.at("record_train").at("dtype"), "int32");
  EXPECT_EQ(sets.at("r_peak_test").at("dtype"), "int64");
  EXPECT_EQ(sets.at("r_peak_test").at("first").get<double>(), 78.0);
  EXPECT_EQ(sets.at("x_test").at("last").get<double>(),
            static_cast<double>(original.test.x.back()));
  double y_sum = 0;
  for (const auto y : original.train.y) y_sum += static_cast<double>(y);
  EXPECT_EQ(sets.at("y_train").at("sum").get<double>(), y_sum);
  const auto& attrs = summary.at("attrs");
  EXPECT_EQ(attrs.at("split"), "beats");
  EXPECT_EQ(attrs.at("seed").get<std::uint64_t>(), original.seed);
  EXPECT_EQ(attrs.at("classes"), nlohmann::json::array({"N", "L", "R", "A", "V"}));
  EXPECT_EQ(attrs.at("wavelet"), "bior4.4");
  EXPECT_EQ(attrs.at("window_before"), 100);
  EXPECT_EQ(attrs.at("records"), nlohmann::json::array({100, 101, 103}));

  // The copy h5py wrote has only x/y arrays and no attributes, like the reference's files.
  const BeatDataset copy = read_beat_dataset(dir / "copy.h5");
  EXPECT_EQ(copy.train.x, original.train.x);
  EXPECT_EQ(copy.test.y, original.test.y);
  EXPECT_EQ(copy.split, "unknown");
  EXPECT_EQ(copy.train.record, std::vector<std::int32_t>(23, 0));
  EXPECT_EQ(copy.train.r_peak, std::vector<std::int64_t>(23, -1));
}

// Files found by the hdf5_raw fuzz target on which libhdf5 1.10.8 overflows a heap buffer, reads
// freed memory or segfaults (named after where; ASan sees all four, a plain build only some). The
// reader runs libhdf5 in a child process, so this process survives each one: the file is refused
// with an error naming it, or (when the child's stray read went unnoticed) its answer passed every
// check of a dataset.
TEST(BeatDataset, FilesThatCrashLibhdf5AreRefusedWithoutCrashing) {
  const std::filesystem::path dir =
      std::filesystem::path(HESPLIT_SOURCE_DIR) / "tests" / "ecg" / "hostile_hdf5";
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++files;
    const std::string message = read_error(entry.path());
    std::cout << entry.path().filename().string() << ": " << message << "\n";
    if (message != "no error") {
      EXPECT_THAT(message, HasSubstr(entry.path().filename().string()));
    }
  }
  EXPECT_EQ(files, 4u);
  // This one segfaults libhdf5 in every build.
  EXPECT_THAT(read_error(dir / "segv-H5VM_memcpyvv.hdf5"),
              HasSubstr("the HDF5 library crashed (signal 11"));
}

TEST(BeatDataset, MissingFileIsNamed) {
  const auto dir = test::scratch_dir("beat_dataset_missing");
  const std::string message = read_error(dir / "nope.h5");
  EXPECT_THAT(message, HasSubstr("nope.h5"));
  EXPECT_THAT(message, HasSubstr("no such file"));
}

TEST(BeatDataset, NonHdf5FileIsRejected) {
  const auto dir = test::scratch_dir("beat_dataset_not_hdf5");
  std::ofstream(dir / "text.h5") << "this is not an HDF5 file\n";
  const std::string message = read_error(dir / "text.h5");
  EXPECT_THAT(message, HasSubstr("text.h5"));
  EXPECT_THAT(message, HasSubstr("not an HDF5 file"));
}

// Writes a file with raw HDF5 calls so that individual datasets can be wrong or missing.
class RawFile {
 public:
  explicit RawFile(const std::filesystem::path& path)
      : id_(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) {}
  ~RawFile() { H5Fclose(id_); }
  RawFile(const RawFile&) = delete;
  RawFile& operator=(const RawFile&) = delete;

  template <typename T>
  void add(const char* name, hid_t type, std::vector<hsize_t> dims, const std::vector<T>& data) {
    const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t set = H5Dcreate2(id_, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (!data.empty()) H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data());
    H5Dclose(set);
    H5Sclose(space);
  }

  // A valid side with n beats, optionally replacing one part.
  void side(const std::string& s, hsize_t n, hsize_t width = kBeatLength, std::int64_t label = 1) {
    add(("x_" + s).c_str(), H5T_NATIVE_FLOAT, {n, 1, width}, std::vector<float>(n * width, 0.5f));
    add(("y_" + s).c_str(), H5T_NATIVE_INT64, {n}, std::vector<std::int64_t>(n, label));
  }

  // Valid sides of two training and one test beat: a file the reader accepts but for what a test
  // adds.
  void small_sides() {
    side("train", 2);
    side("test", 1);
  }

  // A scalar or one-dimensional string attribute of the given type, written from `cells`.
  void attribute(const char* name, hid_t type, std::vector<hsize_t> dims, const void* cells) {
    const hid_t space = dims.empty()
                            ? H5Screate(H5S_SCALAR)
                            : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t attr = H5Acreate2(id_, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attr, type, cells);
    H5Aclose(attr);
    H5Sclose(space);
  }

 private:
  hid_t id_;
};

// An HDF5 C-string type of `size` bytes (H5T_VARIABLE: variable length), closed with the object.
class StringType {
 public:
  explicit StringType(std::size_t size) : id_(H5Tcopy(H5T_C_S1)) { H5Tset_size(id_, size); }
  ~StringType() { H5Tclose(id_); }
  StringType(const StringType&) = delete;
  StringType& operator=(const StringType&) = delete;
  hid_t id() const { return id_; }

 private:
  hid_t id_;
};

// Files of older hesplit versions stored strings variable-length; reading those would go through
// libhdf5's global heap, which crashes on malformed files, so the reader refuses them by type.
TEST(BeatDataset, VariableLengthStringAttributeIsRefusedBeforeReading) {
  const auto dir = test::scratch_dir("beat_dataset_vlen");
  {
    RawFile f(dir / "d.h5");
    f.small_sides();
    const StringType type(H5T_VARIABLE);
    const char* text = "paper";
    f.attribute("split", type.id(), {}, &text);
  }
  const std::string message = read_error(dir / "d.h5");
  EXPECT_THAT(message, HasSubstr("d.h5"));
  EXPECT_THAT(message, HasSubstr("attribute split is a variable-length string"));
  EXPECT_THAT(message, HasSubstr("hesplit prepare"));
}

TEST(BeatDataset, FixedLengthStringsOfOtherWritersAreRead) {
  // Space-padded and NUL-padded ASCII strings, as other HDF5 writers make them.
  const auto dir = test::scratch_dir("beat_dataset_fixed_strings");
  {
    RawFile f(dir / "d.h5");
    f.small_sides();
    const StringType padded(8);
    H5Tset_strpad(padded.id(), H5T_STR_SPACEPAD);
    f.attribute("split", padded.id(), {}, "beats   ");
    H5Tset_strpad(padded.id(), H5T_STR_NULLPAD);
    const char classes[] = "N\0\0\0\0\0\0\0Other\0\0\0";
    f.attribute("classes", padded.id(), {2}, classes);
  }
  const BeatDataset back = read_beat_dataset(dir / "d.h5");
  EXPECT_EQ(back.split, "beats");
  EXPECT_EQ(back.class_names, (std::vector<std::string>{"N", "Other"}));
}

TEST(BeatDataset, OversizedStringAttributeIsRejected) {
  const auto dir = test::scratch_dir("beat_dataset_long_string");
  {
    RawFile f(dir / "d.h5");
    f.small_sides();
    const StringType type(5000);
    f.attribute("wavelet", type.id(), {}, std::string(5000, 'w').c_str());
  }
  const std::string message = read_error(dir / "d.h5");
  EXPECT_THAT(message, HasSubstr("attribute wavelet has strings of 5000 bytes (limit 4096)"));
}

TEST(BeatDataset, StringWhereANumberBelongsIsRejected) {
  const auto dir = test::scratch_dir("beat_dataset_string_number");
  {
    RawFile f(dir / "d.h5");
    f.small_sides();
    const StringType type(8);
    f.attribute("seed", type.id(), {}, "12345678");
    f.attribute("records", type.id(), {1}, "100\0\0\0\0\0");
  }
  EXPECT_THAT(read_error(dir / "d.h5"), HasSubstr("attribute seed is not a single number"));
}

TEST(BeatDataset, MissingDatasetIsNamed) {
  const auto dir = test::scratch_dir("beat_dataset_missing_set");
  {
    RawFile f(dir / "d.h5");
    f.side("train", 4);
    f.add("x_test", H5T_NATIVE_FLOAT, {2, 1, 128}, std::vector<float>(256, 0.f));
  }
  const std::string message = read_error(dir / "d.h5");
  EXPECT_THAT(message, HasSubstr("d.h5"));
  EXPECT_THAT(message, HasSubstr("missing dataset y_test"));
}

TEST(BeatDataset, WrongBeatWidthIsRejected) {
  const auto dir = test::scratch_dir("beat_dataset_width");
  {
    RawFile f(dir / "d.h5");
    f.side("train", 4, 100);
    f.side("test", 2);
  }
  EXPECT_THAT(read_error(dir / "d.h5"),
              HasSubstr("x_train has shape (4,1,100), expected (n,1,128)"));
}

TEST(BeatDataset, WrongRankIsRejected) {
  const auto dir = test::scratch_dir("beat_dataset_rank");
  {
    RawFile f(dir / "d.h5");
    f.add("x_train", H5T_NATIVE_FLOAT, {4, 128}, std::vector<float>(512, 0.f));
    f.add("y_train", H5T_NATIVE_INT64, {4}, std::vector<std::int64_t>(4, 0));
    f.side("test", 2);
  }
  EXPECT_THAT(read_error(dir / "d.h5"), HasSubstr("x_train has rank 2, expected 3"));
}

TEST(BeatDataset, LabelCountMismatchIsRejected) {
  const auto dir = test::scratch_dir("beat_dataset_labels");
  {
    RawFile f(dir / "d.h5");
    f.add("x_train", H5T_NATIVE_FLOAT, {4, 1, 128}, std::vector<float>(512, 0.f));
    f.add("y_train", H5T_NATIVE_INT64, {3}, std::vector<std::int64_t>(3, 0));
    f.side("test", 2);
  }
  EXPECT_THAT(read_error(dir / "d.h5"), HasSubstr("y_train has 3 entries but x_train has 4"));
}

TEST(BeatDataset, LabelOutOfRangeIsRejected) {
  const auto dir = test::scratch_dir("beat_dataset_range");
  {
    RawFile f(dir / "d.h5");
    f.side("train", 4);
    f.side("test", 2, kBeatLength, 5);
  }
  EXPECT_THAT(read_error(dir / "d.h5"), HasSubstr("y_test[0] = 5 is outside the 5 classes"));
}

TEST(BeatDataset, FloatLabelsAreRejected) {
  const auto dir = test::scratch_dir("beat_dataset_float_labels");
  {
    RawFile f(dir / "d.h5");
    f.side("train", 4);
    f.add("x_test", H5T_NATIVE_FLOAT, {2, 1, 128}, std::vector<float>(256, 0.f));
    f.add("y_test", H5T_NATIVE_FLOAT, {2}, std::vector<float>(2, 0.f));
  }
  EXPECT_THAT(read_error(dir / "d.h5"), HasSubstr("y_test is not of integer type"));
}

TEST(BeatDataset, NonFiniteSampleIsRejected) {
  const auto dir = test::scratch_dir("beat_dataset_nan");
  {
    RawFile f(dir / "d.h5");
    std::vector<float> x(3 * 128, 0.f);
    x[128 + 7] = std::numeric_limits<float>::quiet_NaN();
    f.add("x_train", H5T_NATIVE_FLOAT, {3, 1, 128}, x);
    f.add("y_train", H5T_NATIVE_INT64, {3}, std::vector<std::int64_t>(3, 0));
    f.side("test", 1);
  }
  EXPECT_THAT(read_error(dir / "d.h5"), HasSubstr("x_train beat 1 sample 7 is not finite"));
}

TEST(BeatDataset, InconsistentSideIsNotWritten) {
  const auto dir = test::scratch_dir("beat_dataset_bad_write");
  BeatDataset d = make_dataset(3, 2);
  d.train.record.pop_back();
  try {
    write_beat_dataset(dir / "d.h5", d);
    FAIL() << "no error";
  } catch (const DatasetError& e) {
    EXPECT_THAT(e.what(), HasSubstr("inconsistent train side"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "d.h5"));
}

// The writer used to go through the fixed name "FILE.tmp" with truncation: a symlink planted
// there sent the dataset into whatever file it pointed at (issue 20).
TEST(BeatDataset, SymlinkAtTheOldTemporaryNameIsNotFollowed) {
  const auto dir = test::scratch_dir("beat_dataset_planted_symlink");
  std::ofstream(dir / "victim") << "victim\n";
  std::filesystem::create_symlink(dir / "victim", dir / "d.h5.tmp");
  const BeatDataset d = make_dataset(3, 2);
  write_beat_dataset(dir / "d.h5", d);
  EXPECT_EQ(test::slurp(dir / "victim"), "victim\n");
  EXPECT_TRUE(std::filesystem::is_symlink(dir / "d.h5.tmp"));
  EXPECT_TRUE(std::filesystem::is_regular_file(std::filesystem::symlink_status(dir / "d.h5")));
  expect_same_side(read_beat_dataset(dir / "d.h5").train, d.train);
}

TEST(BeatDataset, UnwritableFolderIsReported) {
  const auto dir = test::scratch_dir("beat_dataset_unwritable");
  try {
    write_beat_dataset(dir / "no" / "such" / "d.h5", make_dataset(1, 1));
    FAIL() << "no error";
  } catch (const DatasetError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot create"));
  }
}

}  // namespace
}  // namespace hesplit::ecg
