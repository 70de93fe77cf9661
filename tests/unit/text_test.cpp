// Labelled grid values (`label: value`): the grammar of the README's grid section, case by case;
// and the shared rules of blanks and numbers.
#include "study/detail/text.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "core/text/text.hpp"

namespace {

using costsweep::study::detail::split_label;

void expect_labelled(const char* item, const char* label, const char* value) {
  const auto split = split_label(item);
  ASSERT_TRUE(split.has_value()) << item;
  EXPECT_EQ(split->label, label) << item;
  EXPECT_EQ(split->value, value) << item;
}

TEST(SplitLabel, NameColonValueWithSpacesTrimmed) {
  expect_labelled("a: b", "a", "b");
  expect_labelled(" \tlow :  uniform(0, 1)  ", "low", "uniform(0, 1)");
  expect_labelled("h100.sxm+nvl-2:3", "h100.sxm+nvl-2", "3");
  expect_labelled("_x:y", "_x", "y");
}

TEST(SplitLabel, EmptyValueIsLabelledDefault) { expect_labelled("default:", "default", ""); }

TEST(SplitLabel, OnlyTheFirstColonSeparates) {
  expect_labelled("a:: b", "a", ": b");
  expect_labelled("a: b: c", "a", "b: c");
}

TEST(SplitLabel, NotANameBeforeTheColonIsAPlainValue) {
  for (const char* item :
       {"uniform(0, 1)", "1a: b", "a b: c", ": b", "", "   ", "-a: b", "a(1): b", "é: b"}) {
    EXPECT_FALSE(split_label(item).has_value()) << item;
  }
}

TEST(SplitLabel, DoubleSlashAfterTheColonIsAValueNotALabel) {
  EXPECT_FALSE(split_label("https://example.org/table.csv").has_value());
  EXPECT_FALSE(split_label("a: //b").has_value());
  expect_labelled("a: /b", "a", "/b");
}

}  // namespace

// The shared text rules (core/text) every input follows: blanks, numbers, whole numbers.
namespace text = costsweep::text;

TEST(Text, TrimRemovesSpacesTabsAndLineEndsOnly) {
  EXPECT_EQ(text::trim(" \t a b \r\n"), "a b");
  EXPECT_EQ(text::trim("\r\n\t "), "");
  EXPECT_EQ(text::trim(""), "");
  EXPECT_EQ(text::trim("\va\f"), "\va\f");  // other control characters are the caller's to refuse
  EXPECT_EQ(text::trim("\xc2\xa0x\xc2\xa0"), "\xc2\xa0x\xc2\xa0");  // no-break spaces are kept
}

TEST(Text, NumbersAreWholeFiniteCLiterals) {
  EXPECT_EQ(text::parse_number("2.5"), 2.5);
  EXPECT_EQ(text::parse_number("-1e-3"), -1e-3);
  EXPECT_EQ(text::parse_number("3E8"), 3e8);
  EXPECT_EQ(text::parse_number("0.1"), 0.1);  // correctly rounded, as the compiler reads it
  for (const char* bad :
       {"", " 1", "1 ", "+1", "1,5", "0x10", "1e400", "inf", "nan", "1.2.3", "e5", "--1", "1e"}) {
    EXPECT_FALSE(text::parse_number(bad).has_value()) << "'" << bad << "'";
  }
}

TEST(Text, WholeNumbersAsDigitsOrExactLiteralsWithinBounds) {
  EXPECT_EQ(text::parse_whole("50000", 1, 1'000'000), 50000u);
  EXPECT_EQ(text::parse_whole("1e6", 1, 1'000'000), 1'000'000u);
  EXPECT_EQ(text::parse_whole("18446744073709551615", 0, UINT64_MAX), UINT64_MAX);
  for (const char* bad : {"", "1.5", "1e7", "0", "-3", "1e20", "5 ", "0x10"}) {
    EXPECT_FALSE(text::parse_whole(bad, 1, 1'000'000).has_value()) << "'" << bad << "'";
  }
}
