// parse_plist on sound input: the committed fixtures in XML and binary form give the same JSON,
// and every plist type converts as documented (dates, data, big and negative integers, UTF-8).
#include <doctest/doctest.h>

#include <cstring>

#include "apple/plist_test_util.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;
using Json = nlohmann::json;

Json parse_ok(const Buf& b, const std::string& where = "Info.plist") {
  Diagnostics diags;
  auto j = parse_plist(b, diags, where);
  INFO(where);
  for (const auto& d : diags.items()) INFO(d.code << ": " << d.message);
  REQUIRE(j.has_value());
  CHECK(diags.empty());
  return *j;
}

TEST_CASE("plist: XML and binary fixtures give the same JSON") {
  const std::pair<const char*, const char*> pairs[] = {
      {"app_info.plist", "app_info.bplist"},
      {"framework_info.plist", "framework_info.bplist"},
      {"keyboard_extension_info.plist", "keyboard_extension_info.bplist"},
      {"privacy_complete.xcprivacy", "privacy_complete.bplist"},
  };
  for (const auto& [xml, bin] : pairs) {
    CAPTURE(xml);
    const Json a = parse_ok(plist_source(xml), xml);
    const Json b = parse_ok(plist_fixture(bin), bin);
    CHECK(a.is_object());
    CHECK(a.size() > 3);
    CHECK(a == b);
    CHECK(a.dump() == b.dump());
  }
}

TEST_CASE("plist: every value type converts as documented") {
  const Json j = parse_ok(plist_fixture("app_info.bplist"));
  const Json& info = j.at("PDBuildInfo");
  CHECK(info.at("BuiltAt") == "2024-05-06T07:08:09Z");
  CHECK(info.at("Checksum") == "c2Rrc2NvcGUgdGVzdA==");  // base64 of "sdkscope test"
  CHECK(info.at("Ratio").is_number_float());
  CHECK(info.at("Ratio").get<double>() == 3.25);
  CHECK(info.at("Offset").is_number_integer());
  CHECK(info.at("Offset").get<std::int64_t>() == -42);
  CHECK(info.at("MaxUnsigned").is_number_unsigned());
  CHECK(info.at("MaxUnsigned").get<std::uint64_t>() == 18446744073709551615ull);
  CHECK(info.at("MaxSigned").get<std::int64_t>() == 9223372036854775807ll);
  CHECK(info.at("Enabled") == true);
  CHECK(info.at("Disabled") == false);
  CHECK(info.at("Escaped") == "<b> & \"quoted\" \xF0\x9F\x98\x80");
  CHECK(info.at("EmptyArray") == Json::array());
  CHECK(info.at("EmptyDict") == Json::object());
  CHECK(j.at("CFBundleDisplayName") == "\xE7\xA4\xBA\xE4\xBE\x8B\xE5\xBA\x94\xE7\x94\xA8");  // 示例应用
  // Arrays keep their order.
  CHECK(j.at("LSApplicationQueriesSchemes") == Json({"weixin", "mqq", "alipay", "fbapi"}));
}

TEST_CASE("plist: dates before 2001, with fractions, and far ahead convert to UTC ISO 8601") {
  const std::pair<const char*, const char*> dates[] = {
      {"2001-01-01T00:00:00Z", "2001-01-01T00:00:00Z"},
      {"1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"},
      {"2000-02-29T23:59:59Z", "2000-02-29T23:59:59Z"},
      {"2038-01-19T03:14:08Z", "2038-01-19T03:14:08Z"},
  };
  for (const auto& [in, want] : dates) {
    const std::string xml = std::string("<plist><date>") + in + "</date></plist>";
    CHECK(parse_ok(to_buf(xml)) == want);
  }
  // A binary date is a double of seconds since 2001; 0.5 s gives microseconds.
  BplistBuilder b;
  Buf date{0x33};
  const double secs = 86400.5;
  std::uint64_t raw = 0;
  std::memcpy(&raw, &secs, sizeof raw);
  BplistBuilder::put_be(date, raw, 8);
  const auto d = b.add_raw(date);
  CHECK(parse_ok(b.build(d)) == "2001-01-02T00:00:00.500000Z");
}

TEST_CASE("plist: UID and binary integers of every width") {
  BplistBuilder b;
  const auto uid = b.add_raw({0x81, 0x01, 0x02});             // UID 0x0102
  const auto i1 = b.add_raw({0x10, 0xff});                    // 1-byte 255
  const auto i8 = b.add_int(static_cast<std::uint64_t>(-7));  // 8-byte, negative
  Buf big{0x14};                                              // 16-byte: unsigned beyond int64
  BplistBuilder::put_be(big, 0, 8);
  BplistBuilder::put_be(big, 0x8000000000000000ull, 8);
  const auto i16 = b.add_raw(big);
  const auto root = b.add_array({uid, i1, i8, i16});
  const Json j = parse_ok(b.build(root));
  REQUIRE(j.size() == 4);
  CHECK(j[0] == 0x0102);
  CHECK(j[1] == 255);
  CHECK(j[2].get<std::int64_t>() == -7);
  CHECK(j[3].is_number_unsigned());
  CHECK(j[3].get<std::uint64_t>() == 0x8000000000000000ull);
}

TEST_CASE("plist: UTF-8 BOM, leading whitespace and UTF-16 XML are read") {
  const std::string body =
      "<?xml version=\"1.0\"?>\n<plist version=\"1.0\"><dict><key>k</key><string>\xE4\xB8\xAD</string></dict></plist>";
  const Json want = {{"k", "\xE4\xB8\xAD"}};
  CHECK(parse_ok(to_buf("\xEF\xBB\xBF" + body)) == want);
  CHECK(parse_ok(to_buf(" \r\n\t\n" + body)) == want);
  CHECK(parse_ok(to_buf("\xEF\xBB\xBF\n  " + body)) == want);
  // UTF-16 with a BOM, both byte orders; 中 is U+4E2D, and a surrogate pair (U+1F600) too.
  const std::u16string text16 =
      u"<?xml version=\"1.0\" "
      u"encoding=\"UTF-16\"?><plist><dict><key>k</key><string>\u4e2d\U0001F600</string></dict></plist>";
  for (bool big_endian : {false, true}) {
    Buf b = big_endian ? Buf{0xFE, 0xFF} : Buf{0xFF, 0xFE};
    for (char16_t c : text16) {
      const auto hi = static_cast<std::uint8_t>(c >> 8), lo = static_cast<std::uint8_t>(c & 0xff);
      b.push_back(big_endian ? hi : lo);
      b.push_back(big_endian ? lo : hi);
    }
    CHECK(parse_ok(b) == Json({{"k", "\xE4\xB8\xAD\xF0\x9F\x98\x80"}}));
  }
}

TEST_CASE("plist: invalid UTF-8 in strings and keys becomes U+FFFD, so the JSON always dumps") {
  BplistBuilder b;
  const auto key = b.add_ascii("k\xff");
  const auto val = b.add_ascii("a\xc3(b\x80");
  const auto root = b.add_dict({key}, {val});
  const Json j = parse_ok(b.build(root));
  CHECK(j.dump() == "{\"k\xEF\xBF\xBD\":\"a\xEF\xBF\xBD(b\xEF\xBF\xBD\"}");
}

TEST_CASE("plist: the configured depth limit is inclusive, in XML and binary alike") {
  // Root = depth 0, so N nested XML arrays reach depth N - 1, and a chain of N reaches depth N.
  for (std::size_t d : {1u, 10u, 64u}) {
    Diagnostics diags;
    auto x = parse_plist(to_buf(xml_nested_arrays(d + 1)), diags, "x");
    auto b = parse_plist(bplist_chain(d), diags, "b");
    CAPTURE(d);
    CHECK(diags.empty());
    REQUIRE(x.has_value());
    REQUIRE(b.has_value());
    CHECK(*x == *b);
  }
  PlistLimits small;
  small.max_depth = 3;
  Diagnostics diags;
  CHECK(parse_plist(to_buf(xml_nested_arrays(4)), diags, "x", small).has_value());
  CHECK(parse_plist(bplist_chain(3), diags, "b", small).has_value());
  CHECK(diags.empty());
}

}  // namespace
}  // namespace sdkscope::apple
