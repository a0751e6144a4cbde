// The two pieces under parse_dex that are easy to get subtly wrong: the instruction walker
// (widths, payloads, truncation) on hand-made code arrays, and the MUTF-8 decoder on raw bytes.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "scanner/dex/dalvik.hpp"
#include "scanner/util/mutf8.hpp"
#include "scanner/util/strings.hpp"

using namespace sdkscope;
using namespace sdkscope::dex;

namespace {

struct Walked {
  std::vector<std::uint32_t> strings;
  dalvik::WalkResult result;
};

Walked walk(const std::vector<std::uint16_t>& units) {
  std::vector<std::uint8_t> bytes;
  for (auto u : units) {
    bytes.push_back(static_cast<std::uint8_t>(u));
    bytes.push_back(static_cast<std::uint8_t>(u >> 8));
  }
  Walked w;
  w.result = dalvik::walk_const_strings(Bytes(bytes), [&](std::uint32_t s) { w.strings.push_back(s); });
  return w;
}

using Idx = std::vector<std::uint32_t>;

}  // namespace

TEST_CASE("walker: const-string and const-string/jumbo") {
  auto w = walk({0x001a, 0x0005, 0x011b, 0x5678, 0x1234, 0x000e});
  CHECK(w.strings == Idx{5, 0x12345678});
  CHECK_FALSE(w.result.truncated);
}

TEST_CASE("walker: operands are never read as opcodes") {
  // const-wide v0, #0x0009001a0007001a (51l: five units) then return-void: the literal's units
  // look like const-string but sit inside an instruction.
  CHECK(walk({0x0018, 0x001a, 0x0007, 0x001a, 0x0009, 0x000e}).strings.empty());
  // const v0, #0x0003001a (31i); invoke-static {..} method@0x001a (35c); goto/32 +0x0005001a (30t).
  CHECK(walk({0x0014, 0x001a, 0x0003, 0x1071, 0x001a, 0x0000, 0x002a, 0x001a, 0x0005}).strings.empty());
  // invoke-polymorphic is 4 units (45cc); invoke-custom/range 3 (3rc); const-method-type 2 (21c).
  CHECK(walk({0x10fa, 0x001a, 0x0000, 0x001a, 0x00fd, 0x001a, 0x0000, 0x00ff, 0x001a, 0x001a, 0x0002})
            .strings == Idx{2});
}

TEST_CASE("walker: payloads are skipped whole") {
  SUBCASE("packed-switch-payload: ident, size, first_key, size targets") {
    auto w = walk({0x0100, 0x0002, 0x001a, 0x0003, 0x001a, 0x0004, 0x001a, 0x0005,  //
                   0x001a, 0x0009});
    CHECK(w.strings == Idx{9});
    CHECK_FALSE(w.result.truncated);
  }
  SUBCASE("sparse-switch-payload: ident, size, size keys, size targets") {
    auto w = walk({0x0200, 0x0001, 0x001a, 0x0003, 0x001a, 0x0004, 0x001a, 0x0009});
    CHECK(w.strings == Idx{9});
  }
  SUBCASE("fill-array-data-payload: odd byte count rounds up to whole units") {
    // element_width 1, size 3: three data bytes padded to two units.
    auto w = walk({0x0300, 0x0001, 0x0003, 0x0000, 0x1a1a, 0x001a, 0x001a, 0x0009});
    CHECK(w.strings == Idx{9});
  }
  SUBCASE("fill-array-data-payload of ints that each look like const-string") {
    std::vector<std::uint16_t> units = {0x0300, 0x0004, 0x0004, 0x0000};
    for (std::uint16_t i = 0; i < 4; ++i) units.insert(units.end(), {0x001a, i});
    units.insert(units.end(), {0x001a, 0x0007});
    CHECK(walk(units).strings == Idx{7});
  }
  SUBCASE("a nop with another high byte is a plain one-unit nop") {
    CHECK(walk({0x0400, 0x001a, 0x0003}).strings == Idx{3});
    CHECK(walk({0x0000, 0x001a, 0x0003}).strings == Idx{3});
  }
}

TEST_CASE("walker: truncated instructions stop the walk without reading past the end") {
  auto check = [](const std::vector<std::uint16_t>& units, std::uint32_t at, const Idx& found) {
    auto w = walk(units);
    CHECK(w.result.truncated);
    CHECK(w.result.at == at);
    CHECK(w.strings == found);
  };
  check({0x001a}, 0, {});                           // const-string missing its index
  check({0x001a, 0x0001, 0x001b, 0x0002}, 2, {1});  // jumbo missing its high half
  check({0x0018, 0, 0, 0}, 0, {});                  // const-wide is 5 units
  check({0x0100}, 0, {});                           // payload without its size
  check({0x0100, 0x0005, 0, 0}, 0, {});             // packed-switch claiming 5 targets
  check({0x0200, 0xFFFF}, 0, {});                   // sparse-switch claiming 65535 pairs
  check({0x0300, 0x0001, 0x0000}, 0, {});           // fill-array-data header cut short
  check({0x0300, 0xFFFF, 0xFFFF, 0xFFFF}, 0, {});   // 65535 x 4G bytes: no overflow, just too long
  CHECK_FALSE(walk({}).result.truncated);
}

TEST_CASE("walker: width table agrees with the instruction formats") {
  using dalvik::kInsnWidth;
  const std::vector<std::pair<int, int>> samples = {
      {0x00, 1}, {0x01, 1}, {0x02, 2}, {0x03, 3}, {0x0e, 1}, {0x12, 1}, {0x13, 2}, {0x14, 3}, {0x18, 5},
      {0x1a, 2}, {0x1b, 3}, {0x1c, 2}, {0x21, 1}, {0x24, 3}, {0x25, 3}, {0x26, 3}, {0x28, 1}, {0x29, 2},
      {0x2a, 3}, {0x2b, 3}, {0x2c, 3}, {0x2d, 2}, {0x32, 2}, {0x3d, 2}, {0x3e, 1}, {0x43, 1}, {0x44, 2},
      {0x6d, 2}, {0x6e, 3}, {0x72, 3}, {0x73, 1}, {0x74, 3}, {0x78, 3}, {0x79, 1}, {0x7b, 1}, {0x8f, 1},
      {0x90, 2}, {0xaf, 2}, {0xb0, 1}, {0xcf, 1}, {0xd0, 2}, {0xe2, 2}, {0xe3, 1}, {0xf9, 1}, {0xfa, 4},
      {0xfb, 4}, {0xfc, 3}, {0xfd, 3}, {0xfe, 2}, {0xff, 2}};
  for (auto [op, width] : samples)
    CHECK_MESSAGE(kInsnWidth[static_cast<std::size_t>(op)] == width, "opcode ", op);
}

TEST_CASE("mutf8: the two MUTF-8 quirks and ordinary UTF-8") {
  CHECK(mutf8_to_utf8("plain ascii") == "plain ascii");
  CHECK(mutf8_to_utf8("") == "");
  CHECK(mutf8_to_utf8("a\xC0\x80"
                      "b") == std::string("a\0b", 3));                         // U+0000 as C0 80
  CHECK(mutf8_to_utf8("\xC3\xA9") == "\xC3\xA9");                              // U+00E9, same as UTF-8
  CHECK(mutf8_to_utf8("\xE4\xB8\xAD") == "\xE4\xB8\xAD");                      // U+4E2D
  CHECK(mutf8_to_utf8("\xED\xA0\xBD\xED\xB8\x80") == "\xF0\x9F\x98\x80");      // U+1F600 as a surrogate pair
  CHECK(mutf8_to_utf8("x\xED\xAF\xBF\xED\xBF\xBFy") == "x\xF4\x8F\xBF\xBFy");  // U+10FFFF
  CHECK(mutf8_to_utf8("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");              // 4-byte UTF-8 passes through
}

TEST_CASE("mutf8: malformed input becomes U+FFFD") {
  const std::string r = "\xEF\xBF\xBD";
  CHECK(mutf8_to_utf8("\xED\xA0\xBD"
                      "a") == r + "a");           // high surrogate without its low half
  CHECK(mutf8_to_utf8("\xED\xA0\xBD") == r);      // ... at the end
  CHECK(mutf8_to_utf8("\xED\xB8\x80") == r);      // lone low surrogate
  CHECK(mutf8_to_utf8("\x80z") == r + "z");       // stray continuation byte
  CHECK(mutf8_to_utf8("\xE4\xB8") == r + r);      // truncated 3-byte sequence
  CHECK(mutf8_to_utf8("\xFF") == r);              // never a lead byte
  CHECK(mutf8_to_utf8("\xF4\x90\x80\x80") == r);  // past U+10FFFF
}

TEST_CASE("mutf8: any byte string decodes to valid UTF-8 at most three times as long") {
  std::mt19937 rng(12345);
  for (int round = 0; round < 2000; ++round) {
    std::string in(rng() % 24, '\0');
    for (auto& c : in) {
      // Bias towards the interesting bytes: leads, continuations, the surrogate lead 0xED.
      static constexpr unsigned char kPick[] = {0x41, 0x80, 0xBF, 0xC0, 0xC3, 0xE4,
                                                0xED, 0xA0, 0xB0, 0xF0, 0xFF};
      c = static_cast<char>((rng() % 2) ? kPick[rng() % sizeof(kPick)] : rng() % 256);
    }
    const std::string out = mutf8_to_utf8(in);
    CHECK(sanitize_utf8(out) == out);
    CHECK(out.size() <= 3 * in.size());
  }
}
