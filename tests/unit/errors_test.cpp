#include "core/errors/errors.hpp"

#include <gtest/gtest.h>

#include <string>

namespace costsweep {
namespace {

TEST(PrintableTest, ShortMessagesAreUnchanged) {
  const std::string message = "cannot use draws '0': expected a whole number [job.ini line 3]";
  EXPECT_EQ(printable(message), message);
}

TEST(PrintableTest, LongQuotedPartsAreCutWithTheirLength) {
  const std::string formula(100000, 'x');
  const std::string shown = printable("cannot parse formula '" + formula + "': bad [line 2]");
  EXPECT_EQ(shown, "cannot parse formula '" + std::string(60, 'x') + "...(100000 characters)..." +
                       std::string(12, 'x') + "': bad [line 2]");
}

TEST(PrintableTest, ControlCharactersAreEscapedAndUtf8IsKeptWhole) {
  EXPECT_EQ(printable("cell 'a\x07"
                      "b'\nnext"),
            "cell 'a\\x07b'\nnext");
  // 100 two-byte characters: the cut never splits one.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";
  const std::string shown = printable("'" + accents + "'");
  EXPECT_EQ(shown, "'" + accents.substr(0, 60) + "...(200 characters)..." +
                       accents.substr(accents.size() - 12) + "'");
}

TEST(PrintableTest, AnUnclosedQuoteIsLeftAsIs) { EXPECT_EQ(printable("it's fine"), "it's fine"); }

}  // namespace
}  // namespace costsweep
