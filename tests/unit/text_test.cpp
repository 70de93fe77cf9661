// Labelled grid values (`label: value`): the grammar of the README's grid section, case by case.
#include "study/detail/text.hpp"

#include <gtest/gtest.h>

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
