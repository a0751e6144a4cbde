// parse_plist on hostile input: truncation at every offset, byte mutations, garbage, a cyclic
// binary plist, deep nesting that overflows libplist 2.2's recursion, shared-object expansion
// bombs. Each must end in nullopt + a diagnostic (or a sound value), in bounded time, no crash.
#include <doctest/doctest.h>

#include <chrono>
#include <cstring>

#include "apple/plist_test_util.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;
using Clock = std::chrono::steady_clock;

struct Outcome {
  std::optional<nlohmann::json> value;
  Diagnostics diags;
};

Outcome parse(const Buf& b, const PlistLimits& limits = {}) {
  Outcome o;
  o.value = parse_plist(b, o.diags, "x.plist", limits);
  return o;
}

/// nullopt with exactly one diagnostic of `code`, located at the given `where`.
void check_refused(const Outcome& o, const char* code) {
  CHECK_FALSE(o.value.has_value());
  REQUIRE(o.diags.size() == 1);
  CHECK(o.diags.items()[0].code == code);
  CHECK(o.diags.items()[0].where == "x.plist");
  CHECK_FALSE(o.diags.items()[0].message.empty());
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

TEST_CASE("plist: garbage, empty input and other formats are plist.invalid") {
  const Buf cases[] = {
      {},
      to_buf("   \n"),
      to_buf("hello"),
      to_buf("{ CFBundleIdentifier = \"com.example\"; }"),  // OpenStep
      to_buf("{\"a\": 1}"),                                 // JSON
      to_buf("<plist><dict><key>a</key>"),                  // unterminated XML
      to_buf("<html><body>not a plist</body></html>"),
      to_buf("bplist"),
      to_buf("bplist00"),
      to_buf("bplist01" + std::string(40, '\0')),  // version libplist 2.2 does not read
      Buf(4096, 0),
      Buf(4096, 0xff),
  };
  for (const auto& b : cases) {
    CAPTURE(std::string(b.begin(), b.end()));
    check_refused(parse(b), "plist.invalid");
  }
}

TEST_CASE("plist: binary fixture truncated at every offset is refused") {
  const Buf full = plist_fixture("app_info.bplist");
  for (std::size_t n = 0; n < full.size(); ++n) {
    CAPTURE(n);
    Outcome o = parse(Buf(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)));
    CHECK_FALSE(o.value.has_value());
    CHECK(o.diags.has("plist.invalid"));
  }
}

TEST_CASE("plist: XML fixture truncated at every offset never crashes; before the root closes it is refused") {
  const Buf full = plist_source("app_info.plist");
  const std::string text(full.begin(), full.end());
  const std::size_t root_close = text.rfind("</dict>");
  REQUIRE(root_close != std::string::npos);
  for (std::size_t n = 0; n < full.size(); ++n) {
    CAPTURE(n);
    Outcome o = parse(Buf(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)));
    CHECK(o.value.has_value() != o.diags.has("plist.invalid"));
    if (n < root_close) CHECK_FALSE(o.value.has_value());
  }
}

TEST_CASE("plist: every byte of a binary plist mutated: no crash, value or diagnostic") {
  const Buf full = plist_fixture("app_info.bplist");
  const auto start = Clock::now();
  std::size_t refused = 0;
  for (std::size_t i = 0; i < full.size(); ++i) {
    for (std::uint8_t v : {std::uint8_t{0x00}, std::uint8_t{0xff}, static_cast<std::uint8_t>(full[i] ^ 0x01),
                           static_cast<std::uint8_t>(full[i] ^ 0x80), std::uint8_t{0x0f}}) {
      Buf b = full;
      b[i] = v;
      Outcome o = parse(b);
      CHECK(o.value.has_value() != !o.diags.empty());
      if (o.value)
        CHECK_NOTHROW((void)o.value->dump());
      else
        ++refused;
    }
  }
  CHECK(refused > 0);
  CHECK(seconds_since(start) < 30.0);
}

TEST_CASE("plist: a binary array that contains itself is refused as cyclic") {
  // Built by hand: object 0 = [object 0]. libplist 2.2 rejects it too; we refuse before it looks.
  BplistBuilder b;
  b.add_array({0});
  check_refused(parse(b.build(0)), "plist.invalid");
  // A longer cycle through a dictionary: 0 = {k: 2}, 2 = [3], 3 = [0].
  BplistBuilder c;
  const auto dict = c.add_raw({});
  const auto key = c.add_ascii("k");
  const auto a = c.add_raw({});
  const auto z = c.add_raw({});
  c.set(dict, {0xD1, static_cast<std::uint8_t>(key), static_cast<std::uint8_t>(a)});
  c.set(a, c.array_bytes({z}));
  c.set(z, c.array_bytes({dict}));
  Outcome o = parse(c.build(dict));
  check_refused(o, "plist.invalid");
  CHECK(o.diags.items()[0].message.find("cyclic") != std::string::npos);
}

TEST_CASE("plist: a 100k-deep binary chain is refused without recursing (libplist 2.2 would overflow its stack)") {
  const auto start = Clock::now();
  Outcome o = parse(bplist_chain(100'000));
  check_refused(o, "plist.limit");
  CHECK(seconds_since(start) < 5.0);
  check_refused(parse(bplist_chain(65)), "plist.limit");
}

TEST_CASE("plist: 100k levels of XML <array> are refused before libplist sees them") {
  const auto start = Clock::now();
  check_refused(parse(to_buf(xml_nested_arrays(100'000))), "plist.limit");
  check_refused(parse(to_buf(xml_nested_arrays(66))), "plist.limit");
  // Dictionaries nest through keys; comments and CDATA that look like tags do not count.
  std::string dicts = "<plist>";
  for (int i = 0; i < 100'000; ++i) dicts += "<dict><key>k</key>";
  check_refused(parse(to_buf(dicts)), "plist.limit");
  const std::string tricky =
      "<plist><array><!-- <array><array> --><string><![CDATA[<array><array>]]></string></array></plist>";
  Outcome o = parse(to_buf(tricky));
  REQUIRE(o.value.has_value());
  CHECK(*o.value == nlohmann::json({"<array><array>"}));
  CHECK(seconds_since(start) < 5.0);
}

TEST_CASE("plist: shared binary objects are counted per reference (expansion bomb)") {
  // Seven levels of arrays, each holding ten references to the next: 135 bytes, 11 million values.
  BplistBuilder b;
  for (std::size_t i = 0; i < 7; ++i) b.add_array(std::vector<std::size_t>(10, i + 1));
  b.add_array({});
  const Buf bomb = b.build(0);
  CHECK(bomb.size() < 200);
  const auto start = Clock::now();
  check_refused(parse(bomb), "plist.limit");
  CHECK(seconds_since(start) < 2.0);
  // The same shape with five levels (111,111 values) is fine, and converts in full.
  BplistBuilder ok;
  for (std::size_t i = 0; i < 5; ++i) ok.add_array(std::vector<std::size_t>(10, i + 1));
  ok.add_array({});
  Outcome o = parse(ok.build(0));
  REQUIRE(o.value.has_value());
  CHECK(o.value->size() == 10);
  CHECK((*o.value)[9][9][9][9][9] == nlohmann::json::array());
  // A 60 KB string referenced 2,000 times would make libplist copy 120 MB.
  BplistBuilder s(2);
  const auto str = s.add_ascii(std::string(60'000, 'x'));
  const auto arr = s.add_array(std::vector<std::size_t>(2000, str));
  check_refused(parse(s.build(arr)), "plist.limit");
}

TEST_CASE("plist: node and byte limits apply to XML and binary input") {
  PlistLimits limits;
  limits.max_nodes = 10;
  std::string xml = "<plist><array>";
  for (int i = 0; i < 20; ++i) xml += "<string>s</string>";
  xml += "</array></plist>";
  check_refused(parse(to_buf(xml), limits), "plist.limit");
  BplistBuilder b;
  const auto leaf = b.add_bool(true);
  const auto root = b.add_array(std::vector<std::size_t>(20, leaf));
  check_refused(parse(b.build(root), limits), "plist.limit");
  PlistLimits tiny;
  tiny.max_bytes = 100;
  check_refused(parse(plist_fixture("app_info.bplist"), tiny), "plist.limit");
  check_refused(parse(plist_source("app_info.plist"), tiny), "plist.limit");
}

TEST_CASE("plist: nonsensical binary trailers and tables are refused before libplist") {
  BplistBuilder base;
  const auto k = base.add_ascii("a");
  const auto v = base.add_bool(true);
  const auto root = base.add_dict({k}, {v});
  const Buf good = base.build(root);
  REQUIRE(parse(good).value.has_value());
  const std::size_t t = good.size() - 32;
  auto with = [&](std::size_t off, std::initializer_list<std::uint8_t> bytes) {
    Buf b = good;
    std::size_t i = off;
    for (auto x : bytes) b[i++] = x;
    return b;
  };
  const Buf cases[] = {
      with(t + 6, {0}),                                                // offset size 0
      with(t + 6, {3}),                                                // offset size 3
      with(t + 7, {0}),                                                // reference size 0
      with(t + 8, {0, 0, 0, 0, 0, 0, 0, 0}),                           // no objects
      with(t + 8, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),   // 2^64-1 objects
      with(t + 16, {0, 0, 0, 0, 0, 0, 0, 9}),                          // root beyond the objects
      with(t + 24, {0, 0, 0, 0, 0, 0, 0, 0}),                          // offset table over the header
      with(t + 24, {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),  // offset table past the end
      with(t - 3, {0xff}),                                             // an object offset past the table
      with(8, {0xDF}),                                                 // key "a" now claims an extended length
      with(8, {0x70}),                                                 // unknown marker
      with(8, {0x13}),                                                 // key is now an integer
      with(8, {0x00}),                                                 // null marker, which libplist 2.2 does not read
  };
  for (std::size_t i = 0; i < std::size(cases); ++i) {
    CAPTURE(i);
    check_refused(parse(cases[i]), "plist.invalid");
  }
  // A container whose references point past the object count.
  BplistBuilder r;
  const auto arr = r.add_array({5});
  check_refused(parse(r.build(arr)), "plist.invalid");
  // An array claiming 2^32-1 elements in a few bytes.
  BplistBuilder big;
  const auto huge = big.add_raw({0xAF, 0x12, 0xff, 0xff, 0xff, 0xff, 0x00});
  check_refused(parse(big.build(huge)), "plist.invalid");
}

TEST_CASE("plist: a Data or string object whose length runs into the offset table is refused") {
  BplistBuilder b;
  const auto d = b.add_raw({0x4F, 0x10, 0x40, 'x'});  // data of 64 bytes, 1 present
  check_refused(parse(b.build(d)), "plist.invalid");
}

TEST_CASE("plist: NUL inside dictionary keys is refused (libplist 2.2 aborts the process on it)") {
  // Found by mutating app_info.bplist: an offset moved onto bytes that read as a key with a NUL;
  // libplist's plist_get_key_val then fails assert(length == strlen(key)).
  BplistBuilder ascii;
  const auto k = ascii.add_ascii(std::string("a\0b", 3));
  const auto v = ascii.add_bool(true);
  check_refused(parse(ascii.build(ascii.add_dict({k}, {v}))), "plist.invalid");
  BplistBuilder utf16;
  const auto k16 = utf16.add_raw({0x62, 0x00, 0x41, 0x00, 0x00});  // UTF-16BE "A\0"
  const auto v16 = utf16.add_bool(true);
  check_refused(parse(utf16.build(utf16.add_dict({k16}, {v16}))), "plist.invalid");
  // The same characters in a value are harmless: libplist 2.2 cuts the string at the NUL.
  BplistBuilder val;
  const auto s = val.add_ascii(std::string("a\0b", 3));
  Outcome o = parse(val.build(val.add_array({s})));
  REQUIRE(o.value.has_value());
  CHECK((*o.value)[0] == "a");
  // XML may not contain NUL at all.
  check_refused(parse(to_buf(std::string("<plist><dict><key>a\0b</key><true/></dict></plist>", 48))), "plist.invalid");
}

TEST_CASE("plist: a caller's huge depth limit is capped, so libplist's recursion stays bounded") {
  PlistLimits deep;
  deep.max_depth = 10'000'000;
  check_refused(parse(to_buf(xml_nested_arrays(100'000)), deep), "plist.limit");
  check_refused(parse(bplist_chain(100'000), deep), "plist.limit");
  CHECK(parse(bplist_chain(512), deep).value.has_value());
  check_refused(parse(bplist_chain(513), deep), "plist.limit");
}

}  // namespace
}  // namespace sdkscope::apple
