// Argument constants at invoke sites (dalvik::walk_refs with on_call), on hand-assembled code.
#include <doctest/doctest.h>

#include <vector>

#include "scanner/dex/dalvik.hpp"

using namespace sdkscope;
using namespace sdkscope::dex;

namespace {

struct Calls {
  std::vector<dalvik::InvokeArgs> seen;
  void on_string(std::uint32_t) {}
  void on_method(std::uint32_t) {}
  void on_field(std::uint32_t) {}
  void on_call(std::uint32_t, const dalvik::InvokeArgs& a) { seen.push_back(a); }
};

Calls walk(const std::vector<std::uint16_t>& units) {
  std::vector<std::uint8_t> bytes;
  for (auto u : units) {
    bytes.push_back(static_cast<std::uint8_t>(u & 0xff));
    bytes.push_back(static_cast<std::uint8_t>(u >> 8));
  }
  Calls c;
  auto r = dalvik::walk_refs(Bytes(bytes), c);
  CHECK_FALSE(r.truncated);
  return c;
}

}  // namespace

TEST_CASE("const/4 survives an unrelated const-string and reaches the invoke's register") {
  // const/4 v1, #1 ; const-string v0, s@0 ; invoke-virtual {v2, v0, v1}, m@7 ; return-void
  auto c = walk({0x1112, 0x001a, 0x0000, 0x306e, 0x0007, 0x0102, 0x000e});
  REQUIRE(c.seen.size() == 1);
  CHECK(c.seen[0].count == 3);
  CHECK_FALSE(c.seen[0].values[0]);
  CHECK_FALSE(c.seen[0].values[1]);
  REQUIRE(c.seen[0].values[2]);
  CHECK(*c.seen[0].values[2] == 1);
}

TEST_CASE("a branch forgets every constant; a write to the register forgets it; negatives sign-extend") {
  // const/4 v1, #1 ; if-eqz v3, +2 ; invoke-virtual {v2, v0, v1}, m@7
  auto branched = walk({0x1112, 0x0338, 0x0002, 0x306e, 0x0007, 0x0102});
  REQUIRE(branched.seen.size() == 1);
  CHECK_FALSE(branched.seen[0].values[2]);
  // const/4 v1, #1 ; move-result v1 ; invoke-virtual {v2, v0, v1}
  auto overwritten = walk({0x1112, 0x010a, 0x306e, 0x0007, 0x0102});
  CHECK_FALSE(overwritten.seen[0].values[2]);
  // const/4 v1, #-1 ; const/16 v2, #-2 ; const v3, #0x12345678 ; invoke-static/range {v1 .. v3}, m@7
  auto lits = walk({0xf112, 0x0213, 0xfffe, 0x0314, 0x5678, 0x1234, 0x0377, 0x0007, 0x0001});
  REQUIRE(lits.seen.size() == 1);
  CHECK(lits.seen[0].count == 3);
  CHECK(*lits.seen[0].values[0] == -1);
  CHECK(*lits.seen[0].values[1] == -2);
  CHECK(*lits.seen[0].values[2] == 0x12345678);
  // const-wide/16 v0, #5 writes v0 and v1: a const/4 v1 before it is forgotten.
  auto wide = walk({0x1112, 0x0016, 0x0005, 0x306e, 0x0007, 0x0102});
  CHECK_FALSE(wide.seen[0].values[2]);
}
