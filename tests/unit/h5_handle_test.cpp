// h5::Handle owns one identifier: move-only, and every identifier is closed exactly once,
// whatever moves, self-moves and early closes happen (checked against HDF5's own count of open
// identifiers, H5Iis_valid).
#include "io/h5_handle.hpp"

#include <gtest/gtest.h>

#include <type_traits>
#include <utility>

namespace costsweep::h5 {
namespace {

static_assert(!std::is_copy_constructible_v<Handle>);
static_assert(!std::is_copy_assignable_v<Handle>);
static_assert(std::is_nothrow_move_constructible_v<Handle>);
static_assert(std::is_nothrow_move_assignable_v<Handle>);
static_assert(std::is_nothrow_destructible_v<Handle>);

Handle new_space() { return own_space(H5Screate(H5S_SCALAR), "create a dataspace"); }

bool open(hid_t id) { return H5Iis_valid(id) > 0; }

TEST(H5Handle, DestructorClosesTheIdentifier) {
  hid_t id = H5I_INVALID_HID;
  {
    const Handle space = new_space();
    id = space.get();
    EXPECT_TRUE(open(id));
  }
  EXPECT_FALSE(open(id));
}

TEST(H5Handle, MoveTransfersOwnershipAndEmptiesTheSource) {
  Handle a = new_space();
  const hid_t id = a.get();
  Handle b = std::move(a);
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): the moved-from state is the point
  EXPECT_EQ(b.get(), id);
  EXPECT_TRUE(open(id));
  Handle c;
  c = std::move(b);
  EXPECT_EQ(c.get(), id);
  EXPECT_TRUE(open(id));
  c.close();
  EXPECT_FALSE(c.valid());
  EXPECT_FALSE(open(id));
}

TEST(H5Handle, MoveAssignmentClosesWhatTheTargetHeld) {
  Handle a = new_space();
  Handle b = new_space();
  const hid_t old = b.get(), moved = a.get();
  b = std::move(a);
  EXPECT_FALSE(open(old));
  EXPECT_TRUE(open(moved));
}

TEST(H5Handle, SelfMoveKeepsTheIdentifierOpen) {
  Handle a = new_space();
  const hid_t id = a.get();
  Handle& same = a;
  a = std::move(same);
  EXPECT_EQ(a.get(), id);
  EXPECT_TRUE(open(id));
}

TEST(H5Handle, AbandonForgetsWithoutClosing) {
  Handle a = new_space();
  const hid_t id = a.get();
  a.abandon();
  EXPECT_FALSE(a.valid());
  EXPECT_TRUE(open(id));
  H5Sclose(id);
}

TEST(H5Handle, OwnRefusesAFailedCallWithItsMessage) {
  silence_error_printing();
  try {
    own_space(H5Dget_space(H5I_INVALID_HID), "get the dataspace of nothing");
    FAIL() << "no H5Error";
  } catch (const H5Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot get the dataspace of nothing"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace costsweep::h5
