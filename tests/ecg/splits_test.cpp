// The four splits, on synthetic label pools (exact properties) and through prepare_dataset on the
// real data (sizes, overlap, patients, determinism).
#include "ecg/splits.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>

#include "ecg/dataset_summary.hpp"
#include "ecg/mitdb_records.hpp"
#include "ecg/prepare.hpp"
#include "ecg/seeded_rng.hpp"
#include "test_data.hpp"

namespace hesplit::ecg {
namespace {

// A pool shaped like the paper's: class c has counts[c] beats.
std::vector<std::int64_t> pool_labels(const std::vector<std::size_t>& counts) {
  std::vector<std::int64_t> labels;
  for (std::size_t c = 0; c < counts.size(); ++c) {
    labels.insert(labels.end(), counts[c], static_cast<std::int64_t>(c));
  }
  return labels;
}

const std::vector<std::size_t> kPaperPool = {71732, 8036, 7231, 2491, 6559};

std::vector<std::size_t> label_counts(const std::vector<std::int64_t>& labels,
                                      const std::vector<std::size_t>& indices) {
  std::vector<std::size_t> counts(5, 0);
  for (const auto i : indices) ++counts[static_cast<std::size_t>(labels[i])];
  return counts;
}

TEST(SeededRng, IsDeterministicAndUnbiasedEnough) {
  SeededRng a(42);
  SeededRng b(42);
  SeededRng c(43);
  EXPECT_EQ(a.next(), b.next());
  EXPECT_NE(a.next(), c.next());
  // SplitMix64 reference value for seed 0 (first output, Steele et al.'s constants).
  EXPECT_EQ(SeededRng(0).next(), 0xE220A8397B1DCDAFULL);
  std::vector<int> histogram(10, 0);
  SeededRng r(7);
  for (int i = 0; i < 100000; ++i) ++histogram[static_cast<std::size_t>(r.below(10))];
  for (const int h : histogram) EXPECT_NEAR(h, 10000, 500);
}

TEST(Splits, PaperDrawsWithReplacementPerClass) {
  const auto labels = pool_labels(kPaperPool);
  const SplitIndices s = paper_split(labels, ClassScheme::kNlrav, 1);
  EXPECT_EQ(s.train.size(), 13245u);
  EXPECT_EQ(s.test.size(), 13245u);
  EXPECT_EQ(label_counts(labels, s.train),
            (std::vector<std::size_t>{3000, 3000, 3000, 1245, 3000}));
  EXPECT_EQ(label_counts(labels, s.test), (std::vector<std::size_t>{3000, 3000, 3000, 1245, 3000}));
  // With replacement: the same beat appears on both sides for roughly 28% of the test beats.
  const std::set<std::size_t> train(s.train.begin(), s.train.end());
  const auto shared = std::count_if(s.test.begin(), s.test.end(),
                                    [&](std::size_t i) { return train.count(i) > 0; });
  const double fraction = static_cast<double>(shared) / static_cast<double>(s.test.size());
  EXPECT_GT(fraction, 0.25);
  EXPECT_LT(fraction, 0.31);
  // And duplicates within a side (drawing 3000 of 2491 A beats must repeat some).
  EXPECT_LT(train.size(), s.train.size());
}

TEST(Splits, PaperIsSeeded) {
  const auto labels = pool_labels(kPaperPool);
  EXPECT_EQ(paper_split(labels, ClassScheme::kNlrav, 5).test,
            paper_split(labels, ClassScheme::kNlrav, 5).test);
  EXPECT_NE(paper_split(labels, ClassScheme::kNlrav, 5).test,
            paper_split(labels, ClassScheme::kNlrav, 6).test);
}

TEST(Splits, BeatsAreDistinctAndDisjoint) {
  const auto labels = pool_labels(kPaperPool);
  const SplitIndices s = beats_split(labels, ClassScheme::kNlrav, 3);
  EXPECT_EQ(label_counts(labels, s.train),
            (std::vector<std::size_t>{3000, 3000, 3000, 1245, 3000}));
  EXPECT_EQ(label_counts(labels, s.test), (std::vector<std::size_t>{3000, 3000, 3000, 1245, 3000}));
  std::set<std::size_t> all(s.train.begin(), s.train.end());
  EXPECT_EQ(all.size(), s.train.size());
  all.insert(s.test.begin(), s.test.end());
  EXPECT_EQ(all.size(), s.train.size() + s.test.size());  // no beat twice, no beat on both sides
  EXPECT_NE(beats_split(labels, ClassScheme::kNlrav, 4).train, s.train);
}

TEST(Splits, BeatsCapsSmallClassesAtAnEvenCount) {
  const auto labels = pool_labels({10, 7, 0, 3, 100});
  const SplitIndices s = beats_split(labels, ClassScheme::kAami, 0);
  EXPECT_EQ(label_counts(labels, s.train), (std::vector<std::size_t>{5, 3, 0, 1, 50}));
  EXPECT_EQ(label_counts(labels, s.test), (std::vector<std::size_t>{5, 3, 0, 1, 50}));
}

TEST(Splits, PaperNeedsEveryClass) {
  EXPECT_THROW(paper_split(pool_labels({5, 5, 0, 5, 5}), ClassScheme::kNlrav, 0),
               std::runtime_error);
}

TEST(Splits, PatientsFollowDeChazal) {
  const std::vector<std::int32_t> records = {100, 101, 114, 234, 102};
  const SplitIndices s = patients_split(records);
  EXPECT_EQ(s.train, (std::vector<std::size_t>{1, 2}));  // 101, 114 are DS1
  EXPECT_EQ(s.test, (std::vector<std::size_t>{0, 3}));   // 100, 234 are DS2; 102 in neither
}

TEST(Splits, AllPutsEverythingInTrain) {
  const SplitIndices s = all_split(4);
  EXPECT_EQ(s.train, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_TRUE(s.test.empty());
}

TEST(Splits, DeChazalListsAreDisjointAndComplete) {
  std::set<std::int32_t> ds(kDeChazalDs1.begin(), kDeChazalDs1.end());
  ds.insert(kDeChazalDs2.begin(), kDeChazalDs2.end());
  EXPECT_EQ(ds.size(), 44u);
  for (const auto paced : {102, 104, 107, 217}) EXPECT_EQ(ds.count(paced), 0u);
  EXPECT_EQ(split_records(SplitKind::kPaper).size(), 43u);
  EXPECT_EQ(split_records(SplitKind::kPatients).size(), 44u);
}

TEST(Splits, NamesParse) {
  EXPECT_EQ(parse_split("patients"), SplitKind::kPatients);
  EXPECT_EQ(split_name(SplitKind::kAll), "all");
  EXPECT_EQ(parse_class_scheme("aami"), ClassScheme::kAami);
  EXPECT_THROW(parse_split("random"), std::invalid_argument);
  EXPECT_THROW(parse_class_scheme("abc"), std::invalid_argument);
}

// ---- on the real data, through prepare_dataset

std::optional<std::filesystem::path> mitdb_or_skip() { return test::mitdb_dir(); }

TEST(PrepareMitdb, PaperSplitSizesAndLeak) {
  const auto dir = mitdb_or_skip();
  if (!dir) GTEST_SKIP() << test::kNoMitdbMessage;
  PrepareOptions o;
  o.mitdb_dir = *dir;
  o.split = SplitKind::kPaper;
  o.seed = 0;
  std::size_t last_done = 0;
  std::size_t calls = 0;
  const BeatDataset d = prepare_dataset(o, [&](std::size_t done, std::size_t total) {
    EXPECT_EQ(total, 43u);
    EXPECT_GT(done, last_done);
    last_done = done;
    ++calls;
  });
  EXPECT_EQ(calls, 43u);
  EXPECT_EQ(d.train.size(), 13245u);
  EXPECT_EQ(d.test.size(), 13245u);
  const DatasetSummary s = summarize(d);
  EXPECT_EQ(s.train_per_class, (std::vector<std::size_t>{3000, 3000, 3000, 1245, 3000}));
  const double leak =
      static_cast<double>(s.test_beats_also_in_train) / static_cast<double>(d.test.size());
  EXPECT_GT(leak, 0.25);
  EXPECT_LT(leak, 0.31);
  EXPECT_EQ(s.shared_records.size(), 43u);  // every patient on both sides
  EXPECT_EQ(d.extraction.records.size(), 43u);
  EXPECT_EQ(d.extraction.extracted_per_class,
            (std::vector<std::int64_t>{71732, 8036, 7231, 2491, 6559}));
}

TEST(PrepareMitdb, PatientsSplitKeepsPatientsApart) {
  const auto dir = mitdb_or_skip();
  if (!dir) GTEST_SKIP() << test::kNoMitdbMessage;
  PrepareOptions o;
  o.mitdb_dir = *dir;
  o.split = SplitKind::kPatients;
  o.classes = ClassScheme::kAami;
  const BeatDataset d = prepare_dataset(o);
  const DatasetSummary s = summarize(d);
  EXPECT_TRUE(s.shared_records.empty());
  EXPECT_EQ(s.train_records, std::vector<std::int32_t>(kDeChazalDs1.begin(), kDeChazalDs1.end()));
  EXPECT_EQ(s.test_records, std::vector<std::int32_t>(kDeChazalDs2.begin(), kDeChazalDs2.end()));
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"N", "S", "V", "F", "Q"}));
  // Record 114 contributes through its MLII signal (the second one).
  EXPECT_GT(std::count(d.train.record.begin(), d.train.record.end(), 114), 1000);
  EXPECT_EQ(s.test_beats_also_in_train, 0u);
}

TEST(PrepareMitdb, SameSeedSameDatasetAnyThreadCount) {
  const auto dir = mitdb_or_skip();
  if (!dir) GTEST_SKIP() << test::kNoMitdbMessage;
  PrepareOptions o;
  o.mitdb_dir = *dir;
  o.split = SplitKind::kBeats;
  o.seed = 11;
  o.threads = 1;
  const BeatDataset one = prepare_dataset(o);
  o.threads = 3;
  const BeatDataset three = prepare_dataset(o);
  EXPECT_EQ(one.train.x, three.train.x);
  EXPECT_EQ(one.test.r_peak, three.test.r_peak);
  EXPECT_EQ(summarize(one).test_beats_also_in_train, 0u);
  EXPECT_EQ(one.train.size(), 13245u);
}

TEST(PrepareMitdb, AllSplitAndHdf5File) {
  const auto dir = mitdb_or_skip();
  if (!dir) GTEST_SKIP() << test::kNoMitdbMessage;
  PrepareOptions o;
  o.mitdb_dir = *dir;
  o.split = SplitKind::kAll;
  const BeatDataset d = prepare_dataset(o);
  EXPECT_EQ(d.train.size(), 96049u);
  EXPECT_EQ(d.test.size(), 0u);
  const auto scratch = test::scratch_dir("prepare_all");
  write_beat_dataset(scratch / "all.h5", d);
  const BeatDataset back = read_beat_dataset(scratch / "all.h5");
  EXPECT_EQ(back.train.x, d.train.x);
  EXPECT_EQ(back.split, "all");
  EXPECT_EQ(back.extraction.records, d.extraction.records);
  EXPECT_EQ(back.extraction.extracted_per_class, d.extraction.extracted_per_class);
}

TEST(PrepareMitdb, PaperRejectsAami) {
  PrepareOptions o;
  o.mitdb_dir = "/nonexistent";
  o.classes = ClassScheme::kAami;
  EXPECT_THROW(prepare_dataset(o), std::invalid_argument);
}

TEST(PrepareMitdb, MissingFolderNamesTheFile) {
  PrepareOptions o;
  o.mitdb_dir = test::scratch_dir("prepare_empty");
  try {
    prepare_dataset(o);
    FAIL() << "no error";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr(".hea: no such header file"));
  }
}

}  // namespace
}  // namespace hesplit::ecg
