// AXML decoder against aapt: every compiled XML in the fixture APKs decodes to the tree
// `aapt dump xmltree` prints; plus typed-value rendering and the synthetic encodings aapt 1
// never writes (UTF-8 pools, long strings, surrogate pairs).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "aapt_xmltree.hpp"
#include "axml_builder.hpp"
#include "scanner/android/axml.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;
using namespace sdkscope::android;
using sdkscope::test::AxAttr;
using sdkscope::test::AxmlBuilder;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE_MESSAGE(in, "missing fixture " << p.string() << " (run scripts/gen-android-fixtures.sh)");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::uint8_t> apk_entry(const std::string& apk, const std::string& entry) {
  int rc = 0;
  auto out = test::run("unzip -p '" + test::testdata("android/apks/" + apk).string() + "' '" + entry + "'", &rc);
  REQUIRE_MESSAGE(rc == 0, "unzip failed for " << apk << "!" << entry);
  return {out.begin(), out.end()};
}

// (apk, entry in the apk, committed aapt dump)
struct Case {
  const char* apk;
  const char* entry;
  const char* expected;
};
constexpr Case kCases[] = {
    {"full.apk", "AndroidManifest.xml", "full.manifest.xmltree"},
    {"full.apk", "res/layout/main.xml", "full.res_layout_main.xmltree"},
    {"full.apk", "res/xml/network_security_config.xml", "full.res_xml_network_security_config.xmltree"},
    {"full.apk", "res/xml/backup_rules.xml", "full.res_xml_backup_rules.xmltree"},
    {"full.apk", "res/xml/file_paths.xml", "full.res_xml_file_paths.xmltree"},
    {"minimal.apk", "AndroidManifest.xml", "minimal.manifest.xmltree"},
    {"custom_permission.apk", "AndroidManifest.xml", "custom_permission.manifest.xmltree"},
};

}  // namespace

TEST_CASE("axml: fixture documents decode exactly as aapt dump xmltree shows them") {
  for (const auto& c : kCases) {
    CAPTURE(c.expected);
    auto bytes = apk_entry(c.apk, c.entry);
    Diagnostics diags;
    auto result = parse_axml(bytes, diags, c.entry);
    CHECK(result.ok);
    CHECK(diags.empty());
    CHECK(looks_like_axml(bytes));
    auto aapt = test::parse_aapt_xmltree(slurp(test::testdata(std::string("android/expected/") + c.expected)));
    auto diffs = test::compare_with_aapt(aapt, result);
    for (std::size_t i = 0; i < std::min<std::size_t>(diffs.size(), 10); ++i) MESSAGE(diffs[i]);
    CHECK(diffs.empty());
    REQUIRE(result.root);
    CHECK(test::count_elements(*result.root) == test::count_elements(aapt));
  }
}

TEST_CASE("axml: the aapt comparison notices a wrong value, name, id, type, line or text") {
  auto bytes = apk_entry("full.apk", "res/xml/network_security_config.xml");
  Diagnostics diags;
  const auto good = parse_axml(bytes, diags, "nsc");
  const auto aapt = test::parse_aapt_xmltree(
      slurp(test::testdata("android/expected/full.res_xml_network_security_config.xmltree")));
  REQUIRE(test::compare_with_aapt(aapt, good).empty());
  auto mutate = [&](auto fn) {
    auto copy = good;
    fn(copy);
    return test::compare_with_aapt(aapt, copy).size();
  };
  CHECK(mutate([](XmlParseResult& r) { r.root->children[0].attrs[0].num = 1; }) > 0);
  CHECK(mutate([](XmlParseResult& r) { r.root->children[0].attrs[0].name = "cleartext"; }) > 0);
  CHECK(mutate([](XmlParseResult& r) { r.root->children[0].attrs[0].resource_id = 0x01010001; }) > 0);
  CHECK(mutate([](XmlParseResult& r) { r.root->children[0].attrs[0].type = XmlAttribute::Type::String; }) > 0);
  CHECK(mutate([](XmlParseResult& r) { r.root->children[1].line = 99; }) > 0);
  CHECK(mutate([](XmlParseResult& r) { r.texts[0].text = "evil.example.com"; }) > 0);
  CHECK(mutate([](XmlParseResult& r) { r.texts[1].path = {1, 0}; }) > 0);
  CHECK(mutate([](XmlParseResult& r) { r.root->children[1].children.pop_back(); }) > 0);
  CHECK(mutate([](XmlParseResult& r) { r.root.reset(); }) > 0);
}

TEST_CASE("axml: typed values of the full manifest and layout") {
  Diagnostics diags;
  auto manifest = parse_axml(apk_entry("full.apk", "AndroidManifest.xml"), diags, "m");
  REQUIRE(manifest.root);
  const XmlElement& root = *manifest.root;
  CHECK(root.name == "manifest");
  CHECK_FALSE(manifest.utf8_pool);  // aapt 1 writes UTF-16 pools
  const auto* vc = root.android_attr("versionCode");
  REQUIRE(vc);
  CHECK(vc->type == XmlAttribute::Type::Int);
  CHECK(vc->num == 4207);
  CHECK(vc->str == "4207");
  CHECK(vc->resource_id == 0x0101021b);
  CHECK(root.plain_attr("package")->str == "com.example.full");
  CHECK(root.android_attr("package") == nullptr);

  const XmlElement* app = nullptr;
  for (const auto& c : root.children)
    if (c.name == "application") app = &c;
  REQUIRE(app);
  CHECK(app->android_attr("label")->type == XmlAttribute::Type::Reference);
  CHECK(app->android_attr("label")->ref == 0x7f040000);
  CHECK(app->android_attr("label")->str == "@0x7f040000");
  CHECK(app->android_attr("debuggable")->type == XmlAttribute::Type::Bool);
  CHECK(app->android_attr("debuggable")->num == 1);
  CHECK(app->android_attr("allowBackup")->num == 0);
  CHECK(app->android_attr("allowBackup")->str == "false");
  // meta-data values: int, UTF-16 string with a surrogate pair, bool, float, hex int
  std::vector<std::string> values;
  for (const auto& c : app->children)
    if (c.name == "meta-data" && c.android_attr("value")) values.push_back(c.android_attr("value")->str);
  CHECK(values == std::vector<std::string>{"12451000", "k-3f9a \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80", "true", "1.5", "0x1f",
                                           "@0x7f040002"});

  auto layout = parse_axml(apk_entry("full.apk", "res/layout/main.xml"), diags, "layout");
  REQUIRE(layout.root);
  const auto& title = layout.root->children.at(0);
  // textSize is not in the manifest id table, so android_attr falls back to the name.
  const XmlAttribute* text_size = title.android_attr("textSize");
  REQUIRE(text_size);
  CHECK(text_size->resource_id == 0x01010095);
  CHECK(text_size->type == XmlAttribute::Type::Dimension);
  CHECK(text_size->str == "14.5sp");
  CHECK(layout.root->attrs.at(1).str == "#80ff0000");
  CHECK(layout.root->attrs.at(2).str == "-1");  // match_parent is the integer -1
  CHECK(diags.empty());
}

TEST_CASE("axml: format_res_value renders every Res_value type") {
  CHECK(format_res_value(0x10, 0xffffffff) == "-1");
  CHECK(format_res_value(0x11, 0x1f) == "0x1f");
  CHECK(format_res_value(0x12, 0xffffffff) == "true");
  CHECK(format_res_value(0x12, 0) == "false");
  CHECK(format_res_value(0x01, 0x7f040000) == "@0x7f040000");
  CHECK(format_res_value(0x01, 0) == "@null");
  CHECK(format_res_value(0x07, 0x7f040000) == "@0x7f040000");
  CHECK(format_res_value(0x02, 0x01010001) == "?0x01010001");
  CHECK(format_res_value(0x04, 0x3fc00000) == "1.5");
  CHECK(format_res_value(0x04, 0x3e800000) == "0.25");
  CHECK(format_res_value(0x05, 0x07400022) == "14.5sp");  // aapt's encoding of 14.5sp
  CHECK(format_res_value(0x05, 0x00003001) == "48dip");
  CHECK(format_res_value(0x05, 0x00006400) == "100px");
  CHECK(format_res_value(0x05, 0xfec00025) == "-2.5mm");
  CHECK(format_res_value(0x05, 0x00000c03) == "12pt");
  CHECK(format_res_value(0x05, 0x00000104) == "1in");
  CHECK(format_res_value(0x05, 0x0000010f) == "1(unit 15)");
  CHECK(format_res_value(0x06, 0x00000100) == "100%");  // mantissa 1, radix 23p0 = 1.0 -> 100%
  CHECK(format_res_value(0x06, 0x00000101) == "100%p");  // unit 1 = fraction of the parent
  CHECK(format_res_value(0x06, 0x00004010) == "50%");   // mantissa 64, radix 16p7: 64/128 = 0.5
  CHECK(format_res_value(0x1c, 0x80ff0000) == "#80ff0000");
  CHECK(format_res_value(0x1f, 0xffff00aa) == "#ffff00aa");
  CHECK(format_res_value(0x00, 1) == "@empty");
  CHECK(format_res_value(0x00, 0) == "");
  CHECK(format_res_value(0x03, 7) == "(string 7)");
  CHECK(format_res_value(0x2a, 5) == "(type 0x2a)0x5");
}

TEST_CASE("axml: UTF-8 and UTF-16 pools decode the same text, long lengths included") {
  const std::string long_ascii(300, 'a');         // needs the two-byte UTF-8 length
  // Over 0x7fff units needs the two-unit UTF-16 length; UTF-8 pools cannot encode it at all.
  const std::string very_long(40000, 'b');
  const std::string mixed = "caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x98\x80 end";  // 2-, 3- and 4-byte UTF-8
  for (bool utf8 : {false, true}) {
    CAPTURE(utf8);
    AxmlBuilder b(utf8);
    b.start_ns("android", test::kAndroidUri)
        .start("root", {AxAttr::android_str("label", 0x01010001, mixed), AxAttr::plain_str("a", long_ascii),
                        AxAttr::plain_str("b", utf8 ? "short" : very_long)})
        .cdata(mixed)
        .end("root")
        .end_ns("android", test::kAndroidUri);
    Diagnostics diags;
    auto r = parse_axml(b.build(), diags, "synthetic");
    CHECK(r.ok);
    CHECK(diags.empty());
    CHECK(r.utf8_pool == utf8);
    REQUIRE(r.root);
    CHECK(r.root->android_attr("label")->str == mixed);
    CHECK((r.root->plain_attr("a")->str == long_ascii));
    CHECK((r.root->plain_attr("b")->str == (utf8 ? "short" : very_long)));
    REQUIRE(r.texts.size() == 1);
    CHECK(r.texts[0].text == mixed);
    CHECK(r.texts[0].path.empty());
  }
}

TEST_CASE("axml: texts carry the path of their element and element lines are kept") {
  AxmlBuilder b;
  b.start("a", {}, 3).start("b", {}, 5).end("b").start("c", {}, 7).start("d", {}, 8).cdata("deep").end("d").end("c").end("a");
  Diagnostics diags;
  auto r = parse_axml(b.build(), diags, "paths");
  REQUIRE(r.root);
  CHECK(r.root->line == 3);
  CHECK(r.root->children.at(1).children.at(0).line == 8);
  REQUIRE(r.texts.size() == 1);
  CHECK(r.texts[0].path == std::vector<std::size_t>{1, 0});
  CHECK(r.texts[0].text == "deep");
}

TEST_CASE("axml: looks_like_axml") {
  CHECK(looks_like_axml(test::sample_manifest(false)));
  const std::vector<std::uint8_t> text = {'<', '?', 'x', 'm', 'l', ' ', 'v', 'e', 'r'};
  CHECK_FALSE(looks_like_axml(text));
  CHECK_FALSE(looks_like_axml({}));
}
