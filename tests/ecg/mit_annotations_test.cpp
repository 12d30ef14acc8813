// MIT annotation files: every pseudo-code, the symbol table, and corrupt files.
#include "ecg/mit_annotations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecg/annotation_codes.hpp"
#include "ecg/wfdb_error.hpp"
#include "test_data.hpp"
#include "wfdb_fixtures.hpp"

namespace hesplit::ecg {
namespace {

using ::testing::HasSubstr;

AnnotationFile parse(const test::AnnotationWriter& w) {
  return parse_annotations(w.bytes(), "a.atr");
}

std::string parse_error(const test::Bytes& bytes) {
  try {
    parse_annotations(bytes, "a.atr");
  } catch (const WfdbError& e) {
    return e.what();
  }
  return "no error";
}

TEST(MitAnnotations, DecodesTimesAndAllModifiers) {
  test::AnnotationWriter w;
  w.annotation(28, 18)
      .aux("(N")          // rhythm change at 18 with its text
      .annotation(1, 59)  // N at 77
      .annotation(5, 300)
      .sub(-1 & 0x3FF)
      .chn(1)
      .num(3)        // V at 377, subtype -1, chan 1, num 3
      .skip(100000)  // a long gap
      .annotation(22, 23)
      .aux("odd")        // NOTE at 100400 with odd-length text
      .annotation(8, 1)  // A at 100401: chan and num carry over
      .end();
  const AnnotationFile f = parse(w);
  ASSERT_EQ(f.annotations.size(), 5u);
  const auto& a = f.annotations;
  EXPECT_EQ(a[0].sample, 18);
  EXPECT_EQ(f.symbol(a[0]), "+");
  EXPECT_EQ(a[0].aux, "(N");
  EXPECT_EQ(a[1].sample, 77);
  EXPECT_EQ(f.symbol(a[1]), "N");
  EXPECT_EQ(a[2].sample, 377);
  EXPECT_EQ(f.symbol(a[2]), "V");
  EXPECT_EQ(a[2].subtype, -1);
  EXPECT_EQ(a[2].chan, 1);
  EXPECT_EQ(a[2].num, 3);
  EXPECT_EQ(a[3].sample, 100400);
  EXPECT_EQ(f.symbol(a[3]), "\"");
  EXPECT_EQ(a[3].aux, "odd");
  EXPECT_EQ(a[3].subtype, 0);  // SUB applies to one annotation only
  EXPECT_EQ(a[4].sample, 100401);
  EXPECT_EQ(f.symbol(a[4]), "A");
  EXPECT_EQ(a[4].chan, 1);  // CHN and NUM apply to the following ones too
  EXPECT_EQ(a[4].num, 3);
}

TEST(MitAnnotations, LeadingSkipAndNegativeSkip) {
  test::AnnotationWriter w;
  w.skip(5000).annotation(1, 10).skip(-20).annotation(2, 0).end();
  const AnnotationFile f = parse(w);
  ASSERT_EQ(f.annotations.size(), 2u);
  EXPECT_EQ(f.annotations[0].sample, 5010);
  EXPECT_EQ(f.annotations[1].sample, 4990);
}

TEST(MitAnnotations, SymbolTableAsPhysioNetDocumentsIt) {
  const std::string expected[] = {" ",  "N", "L", "R", "a",    "V", "F",    "J", "A", "S", "E",
                                  "j",  "/", "Q", "~", "[15]", "|", "[17]", "s", "T", "*", "D",
                                  "\"", "=", "p", "B", "^",    "t", "+",    "u", "?", "!", "[",
                                  "]",  "e", "n", "@", "x",    "f", "(",    ")", "r"};
  for (int code = 0; code <= 41; ++code) {
    EXPECT_EQ(annotation_symbol(code), expected[code]) << code;
  }
  EXPECT_EQ(annotation_symbol(42), "[42]");
  EXPECT_EQ(annotation_symbol(49), "[49]");
  EXPECT_EQ(annotation_code("V"), 5);
  EXPECT_EQ(annotation_code("f"), 38);
  EXPECT_EQ(annotation_code("?"), 30);
  EXPECT_EQ(annotation_code("nope"), -1);
}

TEST(MitAnnotations, ModificationLabelTableIsConsumed) {
  test::AnnotationWriter w;
  w.annotation(22, 0)
      .aux("## time resolution: 1000")
      .annotation(22, 0)
      .aux("## annotation type definitions")
      .annotation(22, 0)
      .aux("42 k Custom beat")
      .annotation(22, 0)
      .aux("## end of definitions")
      .annotation(1, 5)
      .annotation(42, 7)
      .end();
  const AnnotationFile f = parse(w);
  ASSERT_EQ(f.annotations.size(), 2u);
  EXPECT_EQ(f.time_resolution, 1000.0);
  EXPECT_EQ(f.symbol(f.annotations[0]), "N");
  EXPECT_EQ(f.symbol(f.annotations[1]), "k");
  EXPECT_EQ(f.annotations[1].sample, 12);
}

TEST(MitAnnotations, EmptyFileWithMarkerHasNoAnnotations) {
  test::AnnotationWriter w;
  w.end();
  EXPECT_TRUE(parse(w).annotations.empty());
}

TEST(MitAnnotations, MissingEndMarker) {
  test::AnnotationWriter w;
  w.annotation(1, 10).annotation(1, 10);
  EXPECT_THAT(parse_error(w.bytes()),
              HasSubstr("a.atr: byte offset 4: file ends without the end-of-file marker"));
}

TEST(MitAnnotations, OddByteAtTheEnd) {
  test::AnnotationWriter w;
  w.annotation(1, 10);
  auto bytes = w.bytes();
  bytes.push_back(0);
  EXPECT_THAT(parse_error(bytes), HasSubstr("byte offset 2: truncated annotation word"));
}

TEST(MitAnnotations, TruncatedSkip) {
  test::AnnotationWriter w;
  w.annotation(1, 10).skip(70000);
  auto bytes = w.bytes();
  bytes.resize(bytes.size() - 2);
  EXPECT_THAT(parse_error(bytes), HasSubstr("byte offset 2: truncated SKIP interval"));
}

TEST(MitAnnotations, AuxRunningPastTheEnd) {
  test::AnnotationWriter w;
  w.annotation(28, 10).word(63, 40);  // announces 40 bytes, none follow
  w.word(1, 1);
  EXPECT_THAT(parse_error(w.bytes()),
              HasSubstr("byte offset 2: AUX text of 40 bytes runs past the end of the file"));
}

TEST(MitAnnotations, UndefinedCode) {
  test::AnnotationWriter w;
  w.annotation(1, 10).annotation(55, 3).end();
  EXPECT_THAT(parse_error(w.bytes()), HasSubstr("byte offset 2: undefined annotation code 55"));
}

TEST(MitAnnotations, ModifierBeforeAnyAnnotation) {
  test::AnnotationWriter w;
  w.sub(2).annotation(1, 10).end();
  EXPECT_THAT(parse_error(w.bytes()), HasSubstr("byte offset 0: SUB before any annotation"));
}

TEST(MitAnnotations, AnAnnotationBeforeTheRecordStartIsRefused) {
  test::AnnotationWriter w;
  w.annotation(1, 10).skip(-100).annotation(1, 1).end();
  EXPECT_THAT(parse_error(w.bytes()),
              HasSubstr("byte offset 8: annotation at sample -89, before the start of the record"));
}

// svdb 822 and 880 begin so: a NOTE at 0 carrying the time resolution, a SKIP of -1, then a
// NOTQRS annotation 1 later (at 0 again). WFDB reads them; so do we.
TEST(MitAnnotations, ASkipMayMoveTheTimeBackForAMoment) {
  test::AnnotationWriter w;
  w.annotation(22, 0).aux("## time resolution: 128").skip(-1).annotation(0, 1).annotation(1, 47);
  w.end();
  const AnnotationFile f = parse(w);
  ASSERT_FALSE(f.annotations.empty());
  EXPECT_EQ(f.annotations.back().sample, 47);
  EXPECT_EQ(f.symbol(f.annotations.back()), "N");
}

TEST(MitAnnotations, MissingFileIsNamed) {
  const auto dir = test::scratch_dir("annotations_missing");
  try {
    read_annotations(dir / "x.atr");
    FAIL() << "no error";
  } catch (const WfdbError& e) {
    EXPECT_THAT(e.what(), HasSubstr("x.atr: cannot read annotation file"));
  }
}

TEST(MitAnnotations, ReadsAFileFromDisk) {
  const auto dir = test::scratch_dir("annotations_disk");
  test::AnnotationWriter w;
  w.annotation(1, 100).annotation(12, 200).end();
  test::write_bytes(dir / "r.atr", w.bytes());
  const AnnotationFile f = read_annotations(dir / "r.atr");
  ASSERT_EQ(f.annotations.size(), 2u);
  EXPECT_EQ(f.symbol(f.annotations[1]), "/");
  EXPECT_EQ(f.annotations[1].sample, 300);
}

}  // namespace
}  // namespace hesplit::ecg
