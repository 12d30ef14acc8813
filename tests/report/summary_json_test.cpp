#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "report/run_summary.hpp"
#include "sample_summary.hpp"
#include "test_data.hpp"

namespace hesplit::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::minimal_summary;
using testing::sample_summary;

json parse_file(const fs::path& file) {
  std::ifstream in(file);
  return json::parse(in);
}

std::vector<std::string> keys_in_order(const fs::path& file) {
  std::ifstream in(file);
  const auto doc = nlohmann::ordered_json::parse(in);
  std::vector<std::string> keys;
  for (const auto& [key, value] : doc.items()) keys.push_back(key);
  return keys;
}

void write_text(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

// The message of the SummaryError thrown by reading `text` from a file.
std::string read_error(const std::string& name, const std::string& text) {
  const fs::path dir = test::scratch_dir("summary_errors");
  const fs::path file = dir / name;
  write_text(file, text);
  try {
    read_summary_json(file);
  } catch (const SummaryError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for " << text;
  return {};
}

json minimal_json() { return json::parse(summary_to_json(minimal_summary()).dump()); }

TEST(SummaryJson, KeysAndValuesAreExactlyTheIssueSchema) {
  const fs::path dir = test::scratch_dir("summary_exact");
  const fs::path file = write_summary_json(dir, minimal_summary());
  EXPECT_EQ(file, dir / "summary.json");
  const json doc = parse_file(file);
  const json expected = json::parse(R"({
    "mode": "local", "seed": 0, "batch_size": 4, "dataset": "fixture.h5",
    "epochs": [
      {"epoch": 1, "train_loss": 0.5, "train_accuracy": 0.75, "test_accuracy": 0.625,
       "seconds": 1.25, "bytes_client_to_server": 0, "bytes_server_to_client": 0},
      {"epoch": 2, "train_loss": 0.25, "train_accuracy": 0.875, "test_accuracy": 0.75,
       "seconds": 1.5, "bytes_client_to_server": 0, "bytes_server_to_client": 0}],
    "test_accuracy": 0.75,
    "confusion_matrix": [[3, 1], [1, 3]]})");
  EXPECT_EQ(doc, expected) << doc.dump(2);
  EXPECT_TRUE(doc["seed"].is_number_integer());
  EXPECT_TRUE(doc["epochs"][0]["bytes_client_to_server"].is_number_integer());
}

TEST(SummaryJson, KeysFollowTheIssueOrder) {
  const fs::path dir = test::scratch_dir("summary_order");
  write_summary_json(dir, minimal_summary());
  EXPECT_EQ(keys_in_order(dir / "summary.json"),
            (std::vector<std::string>{"mode", "seed", "batch_size", "dataset", "epochs",
                                      "test_accuracy", "confusion_matrix"}));
}

TEST(SummaryJson, OptionalFieldsAppearOnlyWhenSet) {
  const auto doc = json::parse(summary_to_json(sample_summary()).dump());
  EXPECT_EQ(doc["class_names"], json({"N", "L", "R", "A", "V"}));
  EXPECT_EQ(doc["ckks"], json::parse(R"({"preset": "default-128", "N": 8192,
      "moduli_bits": [50, 50, 40, 60], "scale": 1099511627776.0, "security_bits": 128})"));
  EXPECT_EQ(doc["epochs"][3]["key_switches"], 828 * 104);
  EXPECT_FALSE(doc["epochs"][3].contains("rotations"));
  EXPECT_EQ(doc["server_layer"], "encrypted");
  EXPECT_EQ(doc["server_lr"], 1e-2);
  EXPECT_EQ(doc["train_samples"], 13245);
  EXPECT_FALSE(doc.contains("threads"));
  EXPECT_FALSE(doc.contains("hesplit_version"));
}

TEST(SummaryJson, LargeCountsAndSeedsKeepEveryDigit) {
  RunSummary s = minimal_summary();
  s.seed = 18446744073709551615ull;
  s.epochs[0].bytes_client_to_server = 239'500'000'123ull;
  const fs::path dir = test::scratch_dir("summary_big");
  write_summary_json(dir, s);
  const RunSummary back = read_summary_json(dir);
  EXPECT_EQ(back.seed, s.seed);
  EXPECT_EQ(back.epochs[0].bytes_client_to_server, 239'500'000'123ull);
}

TEST(SummaryJson, RoundTripKeepsEveryFieldAndUnknownKeys) {
  RunSummary s = sample_summary();
  s.threads = 2;
  s.hesplit_version = "0.1.0";
  s.extra = json{{"flood_bits", 30}, {"note", "x"}};
  s.epochs[1].test_loss = 0.25;
  s.epochs[1].rotations = 79;
  s.epochs[1].extra = json{{"noise_budget_bits", 12.5}};
  const fs::path dir = test::scratch_dir("summary_roundtrip");
  write_summary_json(dir, s);
  const RunSummary back = read_summary_json(dir / "summary.json");
  EXPECT_EQ(summary_to_json(back), summary_to_json(s));
  EXPECT_EQ(back.mode, "sealed");
  EXPECT_EQ(back.class_names, s.class_names);
  EXPECT_EQ(back.confusion_matrix, s.confusion_matrix);
  ASSERT_TRUE(back.ckks.has_value());
  EXPECT_EQ(back.ckks->moduli_bits, (std::vector<int>{50, 50, 40, 60}));
  EXPECT_EQ(back.extra["flood_bits"], 30);
  EXPECT_EQ(back.epochs[1].extra["noise_budget_bits"], 12.5);
  EXPECT_EQ(back.epochs[1].rotations, 79u);
  EXPECT_DOUBLE_EQ(back.epochs[9].test_accuracy, s.epochs[9].test_accuracy);
}

TEST(SummaryJson, InvalidUtf8InStringsDoesNotLoseTheRun) {
  RunSummary s = minimal_summary();
  s.dataset = "caf\xe9.h5";  // Latin-1, not UTF-8
  const auto dir = test::scratch_dir("summary_utf8");
  write_summary_json(dir, s);
  EXPECT_EQ(read_summary_json(dir).dataset, "caf\xef\xbf\xbd.h5");  // U+FFFD
}

TEST(SummaryJson, DivergedLossIsWrittenAsNullAndReadAsNaN) {
  RunSummary s = minimal_summary();
  s.epochs[1].train_loss = std::nan("");
  const auto doc = json::parse(summary_to_json(s).dump());
  EXPECT_TRUE(doc["epochs"][1]["train_loss"].is_null());
  const RunSummary back = summary_from_json_text(doc.dump(), "mem");
  EXPECT_TRUE(std::isnan(back.epochs[1].train_loss));
}

TEST(SummaryJson, ExtraKeysMayNotShadowSchemaFields) {
  RunSummary s = minimal_summary();
  s.extra = json{{"test_accuracy", 1.0}};
  EXPECT_THROW(summary_to_json(s), std::invalid_argument);
  s.extra = json::array({1});
  EXPECT_THROW(summary_to_json(s), std::invalid_argument);
}

TEST(SummaryJsonErrors, MissingFileNamesTheFile) {
  const fs::path dir = test::scratch_dir("summary_missing");
  try {
    read_summary_json(dir);  // a directory without summary.json
    FAIL();
  } catch (const SummaryError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "summary.json").string()), std::string::npos)
        << e.what();
  }
}

TEST(SummaryJsonErrors, MalformedJsonNamesFileAndByte) {
  const std::string message = read_error("broken.json", R"({"mode": "local", "seed": )");
  EXPECT_NE(message.find("broken.json"), std::string::npos) << message;
  EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;
  EXPECT_NE(message.find("byte 27"), std::string::npos) << message;
}

TEST(SummaryJsonErrors, EmptyFile) {
  const std::string message = read_error("empty.json", "");
  EXPECT_NE(message.find("empty.json"), std::string::npos) << message;
}

TEST(SummaryJsonErrors, NotAnObject) {
  const std::string message = read_error("array.json", "[1, 2]");
  EXPECT_NE(message.find("array.json: document: expected a JSON object"), std::string::npos)
      << message;
}

TEST(SummaryJsonErrors, MissingFieldIsNamedWithItsPath) {
  json doc = minimal_json();
  doc["epochs"][1].erase("test_accuracy");
  const std::string message = read_error("s1.json", doc.dump());
  EXPECT_NE(message.find("s1.json: epochs[1].test_accuracy: missing"), std::string::npos)
      << message;
}

TEST(SummaryJsonErrors, PercentagesAreRejectedAsAccuracies) {
  json doc = minimal_json();
  doc["test_accuracy"] = 93.1;
  const std::string message = read_error("pct.json", doc.dump());
  EXPECT_NE(message.find("pct.json: test_accuracy: expected a number in [0, 1]"), std::string::npos)
      << message;
  EXPECT_NE(message.find("got 93.1"), std::string::npos) << message;
}

TEST(SummaryJsonErrors, WrongTypesAreNamed) {
  json doc = minimal_json();
  doc["mode"] = 3;
  EXPECT_NE(read_error("t1.json", doc.dump()).find("mode: expected a string, got 3"),
            std::string::npos);
  doc = minimal_json();
  doc["epochs"][0]["bytes_server_to_client"] = -5;
  EXPECT_NE(read_error("t2.json", doc.dump())
                .find("epochs[0].bytes_server_to_client: expected a non-negative integer, got -5"),
            std::string::npos);
  doc = minimal_json();
  doc["batch_size"] = 4.5;
  EXPECT_NE(read_error("t3.json", doc.dump()).find("batch_size: expected an integer >= 1"),
            std::string::npos);
  doc = minimal_json();
  doc["epochs"] = json::object();
  EXPECT_NE(read_error("t4.json", doc.dump()).find("epochs: expected an array"), std::string::npos);
  doc = minimal_json();
  doc["epochs"][0] = 7;
  EXPECT_NE(read_error("t5.json", doc.dump()).find("epochs[0]: expected a JSON object"),
            std::string::npos);
}

TEST(SummaryJsonErrors, ConfusionMatrixMustBeSquareWithMatchingNames) {
  json doc = minimal_json();
  doc["confusion_matrix"] = json::parse("[[1, 2], [3]]");
  const std::string ragged = read_error("cm.json", doc.dump());
  EXPECT_NE(ragged.find("cm.json: confusion_matrix[1]: expected a row of 2 counts"),
            std::string::npos)
      << ragged;
  doc = minimal_json();
  doc["confusion_matrix"][0][1] = -1;
  EXPECT_NE(read_error("cm2.json", doc.dump()).find("confusion_matrix[0][1]"), std::string::npos);
  doc = minimal_json();
  doc["class_names"] = json({"N", "L", "R"});
  EXPECT_NE(read_error("cm3.json", doc.dump()).find("class_names: 3 names for a 2x2"),
            std::string::npos);
}

TEST(SummaryJsonErrors, OversizedFileIsRefusedBeforeReading) {
  const fs::path dir = test::scratch_dir("summary_huge");
  const fs::path file = dir / "summary.json";
  write_text(file, "{}");
  fs::resize_file(file, (64u << 20) + 1);  // sparse: costs no disk
  try {
    read_summary_json(dir);
    FAIL();
  } catch (const SummaryError& e) {
    EXPECT_NE(std::string(e.what()).find("larger than"), std::string::npos) << e.what();
  }
}

TEST(SummaryJsonErrors, BadCkksBlockIsNamed) {
  json doc = minimal_json();
  doc["ckks"] = json::parse(R"({"preset": "p", "N": 8192, "moduli_bits": [50, 99],
                                "scale": 1.0, "security_bits": 128})");
  EXPECT_NE(read_error("ck.json", doc.dump()).find("ckks.moduli_bits[1]: expected an integer"),
            std::string::npos);
}

}  // namespace
}  // namespace hesplit::report

namespace hesplit::report {
namespace {

// Callers build records with designated initializers; under -Wextra -Werror that only compiles
// when every field has a default member initializer, so this test pins it.
TEST(SummaryStructs, DesignatedInitializersLeaveOptionalsUnset) {
  const EpochMetrics e{.epoch = 3, .train_loss = 0.1, .train_accuracy = 0.9, .seconds = 2.0};
  EXPECT_FALSE(e.key_switches.has_value());
  EXPECT_TRUE(e.extra.is_null());
  const RunSummary s{.mode = "plain", .seed = 1, .batch_size = 4, .dataset = "d", .epochs = {e}};
  EXPECT_FALSE(s.ckks.has_value());
  EXPECT_TRUE(s.extra.is_null());
  EXPECT_EQ(summary_to_json(s)["epochs"][0]["epoch"], 3);
}

}  // namespace
}  // namespace hesplit::report
