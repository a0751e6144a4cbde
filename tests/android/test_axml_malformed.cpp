// AXML decoder on hostile and broken input: truncation at every offset, bogus chunk sizes,
// string references out of range, huge counts, limits, and the tricks packers play that
// Android accepts (blank attribute names, unknown chunks, odd strides, scribbled header).
#include <doctest/doctest.h>

#include <random>

#include "axml_builder.hpp"
#include "scanner/android/axml.hpp"
#include "scanner/android/manifest.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;
using namespace sdkscope::android;
using test::AxAttr;
using test::AxmlBuilder;
using test::get_u16;
using test::get_u32;
using test::put_u16;
using test::put_u32;

namespace {

constexpr std::uint16_t kStringPool = 0x0001, kResourceMap = 0x0180, kStartElement = 0x0102;

std::vector<std::uint8_t> full_manifest() {
  int rc = 0;
  auto out = test::run("unzip -p '" + test::testdata("android/apks/full.apk").string() + "' AndroidManifest.xml", &rc);
  REQUIRE(rc == 0);
  return {out.begin(), out.end()};
}

void preorder(const XmlElement& e, std::vector<std::string>& out) {
  out.push_back(e.name);
  for (const auto& c : e.children) preorder(c, out);
}

std::vector<std::string> preorder(const XmlParseResult& r) {
  std::vector<std::string> out;
  if (r.root) preorder(*r.root, out);
  return out;
}

std::size_t depth(const XmlElement& e) {
  std::size_t d = 0;
  for (const auto& c : e.children) d = std::max(d, depth(c));
  return d + 1;
}

bool all_codes_start_with(const Diagnostics& d, std::string_view prefix) {
  for (const auto& x : d.items())
    if (x.code.rfind(prefix, 0) != 0) return false;
  return true;
}

}  // namespace

TEST_CASE("axml malformed: truncation at every offset yields diagnostics and a prefix of the tree") {
  const auto full = full_manifest();
  Diagnostics full_diags;
  const auto whole = preorder(parse_axml(full, full_diags, "full"));
  REQUIRE(whole.size() > 40);
  std::size_t best = 0;
  std::size_t with_root = 0;
  for (std::size_t n = 0; n < full.size(); ++n) {
    Diagnostics diags;
    XmlParseResult r;
    CHECK_NOTHROW(r = parse_axml(Bytes(full.data(), n), diags, "cut"));
    CHECK_FALSE(r.ok);
    CHECK_FALSE(diags.empty());
    CHECK(all_codes_start_with(diags, "axml."));
    auto names = preorder(r);
    // Whatever was decoded is the start of the real document, and more input never gives less.
    CHECK(names.size() <= whole.size());
    CHECK(std::equal(names.begin(), names.end(), whole.begin()));
    CHECK(names.size() >= best);
    best = std::max(best, names.size());
    if (r.root) ++with_root;
  }
  CHECK(best >= whole.size() - 1);  // cut inside the last end-tag chunks
  CHECK(with_root > full.size() / 2);
}

TEST_CASE("axml malformed: bogus chunk sizes") {
  const auto good = test::sample_manifest(false);
  const auto pool = test::find_chunks(good, kStringPool).at(0);
  const auto elements = test::find_chunks(good, kStartElement);
  REQUIRE(elements.size() == 4);

  SUBCASE("string pool size zero stops the walk: no strings, no tree") {
    auto b = good;
    put_u32(b, pool + 4, 0);
    Diagnostics diags;
    auto r = parse_axml(b, diags, "x");
    CHECK(diags.has("axml.bad_chunk"));
    CHECK(diags.has("axml.empty"));
    CHECK_FALSE(r.root);
  }
  SUBCASE("an element chunk claiming 4 GB is decoded as far as the file goes") {
    auto b = good;
    put_u32(b, elements[2] + 4, 0xfffffff0);  // <application>
    Diagnostics diags;
    auto r = parse_axml(b, diags, "x");
    CHECK(diags.has("axml.truncated"));
    REQUIRE(r.root);
    CHECK(preorder(r) == std::vector<std::string>{"manifest", "uses-permission", "application"});
    CHECK(r.root->children.at(1).android_attr("debuggable")->num == 1);
  }
  SUBCASE("a chunk whose header is larger than the chunk") {
    auto b = good;
    put_u16(b, elements[1] + 2, 0x200);
    Diagnostics diags;
    auto r = parse_axml(b, diags, "x");
    CHECK(diags.has("axml.bad_chunk"));
    REQUIRE(r.root);
    CHECK(r.root->name == "manifest");
  }
  SUBCASE("a node header below 16 bytes skips that node, and end tags pop as in Android") {
    auto b = good;
    put_u16(b, elements[1] + 2, 8);  // uses-permission
    Diagnostics diags;
    auto r = parse_axml(b, diags, "x");
    CHECK(diags.has("axml.bad_chunk"));
    // Android pops one element per end tag whatever its name, so </uses-permission> now closes
    // <manifest>, and <application> would be a second root: kept out, and said so.
    CHECK(diags.has("axml.mismatched_end"));
    CHECK(diags.has("axml.multiple_roots"));
    CHECK(preorder(r) == std::vector<std::string>{"manifest"});
  }
  SUBCASE("document size field larger than the file, and smaller than possible") {
    for (std::uint32_t size : {0xffffffffu, 4u, 0u}) {
      auto b = good;
      put_u32(b, 4, size);
      Diagnostics diags;
      auto r = parse_axml(b, diags, "x");
      CHECK_FALSE(diags.empty());
      REQUIRE(r.root);
      CHECK(preorder(r).size() == 4);
    }
  }
  SUBCASE("trailing junk after the document is ignored with a note") {
    auto b = good;
    b.insert(b.end(), {0xde, 0xad, 0xbe, 0xef, 1, 2, 3});
    Diagnostics diags;
    auto r = parse_axml(b, diags, "x");
    CHECK(r.ok);
    CHECK(diags.has("axml.trailing_data"));
  }
}

TEST_CASE("axml malformed: string references out of range and broken pools") {
  const auto good = test::sample_manifest(false);
  const auto pool = test::find_chunks(good, kStringPool).at(0);
  const auto elements = test::find_chunks(good, kStartElement);

  SUBCASE("element name index past the pool") {
    auto b = good;
    put_u32(b, elements[3] + 16 + 4, 0x7fffffff);  // <activity> name
    Diagnostics diags;
    auto r = parse_axml(b, diags, "x");
    CHECK(diags.has("axml.bad_string_pool"));
    CHECK_FALSE(r.ok);
    REQUIRE(r.root);
    CHECK(preorder(r) == std::vector<std::string>{"manifest", "uses-permission", "application", ""});
    CHECK(r.root->children.at(1).children.at(0).android_attr("name")->str == ".Main");
  }
  SUBCASE("string value index past the pool, raw value present: the raw string is used") {
    auto b = good;
    // first attribute of <uses-permission>: name, a string; point its typed data far away
    put_u32(b, elements[1] + 16 + 20 + 16, 0x00ffffff);
    Diagnostics diags;
    auto r = parse_axml(b, diags, "x");
    REQUIRE(r.root);
    CHECK(r.root->children.at(0).android_attr("name")->str == "android.permission.INTERNET");
  }
  SUBCASE("string count 0xffffffff") {
    auto b = good;
    put_u32(b, pool + 8, 0xffffffff);
    Diagnostics diags;
    auto r = parse_axml(b, diags, "x");
    CHECK(diags.has("axml.bad_string_pool"));
    CHECK(r.root);  // the offsets that fit still decode
  }
  SUBCASE("string offsets pointing past the data") {
    auto b = good;
    put_u32(b, pool + 28 + 4 * 3, 0x00fffff0);
    Diagnostics diags;
    auto r = parse_axml(b, diags, "x");
    CHECK(diags.has("axml.bad_string_pool"));
    REQUIRE(r.root);
    CHECK(r.strings.at(3).empty());
  }
  SUBCASE("strings start past the chunk") {
    auto b = good;
    put_u32(b, pool + 20, 0x7ffffff0);
    Diagnostics diags;
    auto r = parse_axml(b, diags, "x");
    CHECK(diags.has("axml.bad_string_pool"));
    CHECK(r.root);
    CHECK(r.root->name.empty());
  }
  SUBCASE("a UTF-16 length running off the pool") {
    auto b = good;
    const auto strings_start = pool + get_u32(b, pool + 20);
    put_u16(b, strings_start + get_u32(b, pool + 28), 0x7ff0);
    Diagnostics diags;
    auto r = parse_axml(b, diags, "x");
    CHECK(diags.has("axml.bad_string_pool"));
    CHECK(r.root);
  }
  SUBCASE("pool header too small") {
    auto b = good;
    put_u16(b, pool + 2, 12);
    Diagnostics diags;
    parse_axml(b, diags, "x");
    CHECK(diags.has("axml.bad_string_pool"));
  }
}

TEST_CASE("axml malformed: huge attribute counts and strides") {
  const auto good = test::sample_manifest(false);
  const auto elements = test::find_chunks(good, kStartElement);
  auto b = good;
  put_u16(b, elements[0] + 16 + 12, 0xffff);  // <manifest> attributeCount
  Diagnostics diags;
  auto r = parse_axml(b, diags, "x");
  CHECK(diags.has("axml.bad_element"));
  REQUIRE(r.root);
  CHECK(r.root->attrs.size() == 3);  // what the chunk really holds
  CHECK(preorder(r).size() == 4);
}

TEST_CASE("axml malformed: limits stop decoding and keep the sound part") {
  AxmlBuilder deep;
  for (int i = 0; i < 50; ++i) deep.start("e" + std::to_string(i));
  for (int i = 49; i >= 0; --i) deep.end("e" + std::to_string(i));
  const auto doc = deep.build();

  SUBCASE("depth") {
    AxmlLimits limits;
    limits.max_depth = 10;
    Diagnostics diags;
    auto r = parse_axml(doc, diags, "x", limits);
    CHECK(diags.has("axml.limit"));
    REQUIRE(r.root);
    CHECK(depth(*r.root) == 10);
  }
  SUBCASE("elements") {
    AxmlLimits limits;
    limits.max_elements = 7;
    Diagnostics diags;
    auto r = parse_axml(doc, diags, "x", limits);
    CHECK(diags.has("axml.limit"));
    CHECK(preorder(r).size() == 7);
  }
  SUBCASE("strings") {
    AxmlLimits limits;
    limits.max_strings = 5;
    Diagnostics diags;
    auto r = parse_axml(doc, diags, "x", limits);
    CHECK(diags.has("axml.limit"));
    CHECK(r.strings.size() == 5);
  }
  SUBCASE("memory: 65535 attributes aliasing one huge string through a stride of 0") {
    AxmlBuilder b;
    const std::string big(100'000, 'x');
    b.attribute_stride(0).start("root", {AxAttr::plain_str("a", big)}).end("root");
    auto bytes = b.build();
    put_u16(bytes, test::find_chunks(bytes, kStartElement).at(0) + 16 + 12, 0xffff);
    Diagnostics diags;
    auto r = parse_axml(bytes, diags, "x");  // default limits: 64 MiB of tree, not 6.5 GB
    CHECK(diags.has("axml.limit"));
    CHECK(diags.has("axml.overlapping_attributes"));
    REQUIRE(r.root);
    CHECK(r.root->attrs.size() < 1000);
    CHECK(r.root->attrs.size() > 100);
  }
}

TEST_CASE("axml packer tricks Android accepts: decoded, noted as info, manifest still right") {
  SUBCASE("attribute names blanked, resource ids kept") {
    Diagnostics diags;
    auto r = parse_axml(test::sample_manifest(true, false), diags, "x");
    CHECK(r.ok);
    REQUIRE(r.root);
    CHECK(r.root->attrs.at(0).name.empty());
    CHECK(r.root->android_attr("versionCode")->num == 42);
    auto m = build_manifest(*r.root, nullptr, diags, "x");
    CHECK(m.package == "org.sample.app");
    CHECK(m.version_code == 42);
    CHECK(m.version_name == "4.2");
    REQUIRE(m.uses_permissions.size() == 1);
    CHECK(m.uses_permissions[0].name == "android.permission.INTERNET");
    CHECK(m.debuggable == true);
    REQUIRE(m.components.size() == 1);
    CHECK(m.components[0].name == "org.sample.app.Main");
    CHECK(m.components[0].exported);
  }
  SUBCASE("decoy: an attribute named android:name with another id, the real one renamed") {
    AxmlBuilder b;
    b.start("manifest", {AxAttr::plain_str("package", "p")})
        .start("uses-permission", {AxAttr::android_str("name", 0x01010001, "decoy.PERMISSION"),
                                   AxAttr::android_str("zzz", 0x01010003, "real.PERMISSION")})
        .end("uses-permission")
        .end("manifest");
    Diagnostics diags;
    auto r = parse_axml(b.build(), diags, "x");
    REQUIRE(r.root);
    CHECK(r.root->children.at(0).android_attr("name")->str == "real.PERMISSION");
    auto m = build_manifest(*r.root, nullptr, diags, "x");
    REQUIRE(m.uses_permissions.size() == 1);
    CHECK(m.uses_permissions[0].name == "real.PERMISSION");
  }
  SUBCASE("unknown chunks between nodes, stride 28, zeroed document type, mismatched end names") {
    AxmlBuilder b;
    b.attribute_stride(28)
        .raw_chunk(0x0777, {1, 2, 3, 4})
        .start_ns("android", test::kAndroidUri)
        .start("manifest", {AxAttr::plain_str("package", "p"), AxAttr::android_typed("versionCode", 0x0101021b, 0x10, 9)})
        .raw_chunk(0x0000, {})
        .start("application")
        .end("not-application")
        .end("manifest")
        .end_ns("android", test::kAndroidUri);
    auto bytes = b.build();
    put_u16(bytes, 0, 0x0000);
    Diagnostics diags;
    auto r = parse_axml(bytes, diags, "x");
    CHECK(r.ok);  // every trick is one Android itself accepts: info only
    CHECK(diags.has("axml.unknown_chunk"));
    CHECK(diags.has("axml.bad_header"));
    CHECK(diags.has("axml.mismatched_end"));
    for (const auto& d : diags.items()) CHECK(d.severity == Severity::info);
    REQUIRE(r.root);
    CHECK(r.root->android_attr("versionCode")->num == 9);
    CHECK(preorder(r) == std::vector<std::string>{"manifest", "application"});
  }
  SUBCASE("a second string pool before the first node replaces the first; one after it is ignored") {
    auto doc = test::sample_manifest(false);
    const auto pool_off = test::find_chunks(doc, kStringPool).at(0);
    const auto pool_size = get_u32(doc, pool_off + 4);
    std::vector<std::uint8_t> real(doc.begin() + pool_off, doc.begin() + pool_off + pool_size);
    // decoy pool first (same shape, every string replaced by garbage of the same UTF-16 length)
    auto decoy = real;
    for (std::size_t i = get_u32(real, 20) + 2; i + 1 < decoy.size(); i += 2)
      if (get_u16(decoy, i) >= 0x61 && get_u16(decoy, i) <= 0x7a) put_u16(decoy, i, 'q');
    std::vector<std::uint8_t> b(doc.begin(), doc.begin() + pool_off);
    b.insert(b.end(), decoy.begin(), decoy.end());
    b.insert(b.end(), doc.begin() + pool_off, doc.end());
    b.insert(b.end(), decoy.begin(), decoy.end());  // after every node: ignored
    put_u32(b, 4, static_cast<std::uint32_t>(b.size()));
    Diagnostics diags;
    auto r = parse_axml(b, diags, "x");
    CHECK(diags.has("axml.ignored_chunk"));
    REQUIRE(r.root);
    CHECK(r.root->plain_attr("package")->str == "org.sample.app");
  }
  SUBCASE("end tag without start, second root element") {
    AxmlBuilder b;
    b.end("ghost").start("manifest").end("manifest").start("manifest").end("manifest");
    Diagnostics diags;
    auto r = parse_axml(b.build(), diags, "x");
    CHECK(diags.has("axml.unbalanced"));
    CHECK(diags.has("axml.multiple_roots"));
    CHECK(preorder(r) == std::vector<std::string>{"manifest"});
  }
}

TEST_CASE("axml malformed: not AXML at all") {
  Diagnostics diags;
  const std::string text = "<?xml version=\"1.0\"?><manifest/>";
  auto r = parse_axml(Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), diags, "x");
  CHECK(diags.has("axml.bad_header"));
  CHECK_FALSE(r.root);
  Diagnostics d2;
  parse_axml({}, d2, "empty");
  CHECK(d2.has("axml.bad_header"));
}

TEST_CASE("axml malformed: random byte mutations never crash") {
  const auto full = full_manifest();
  std::mt19937 rng(20240611);
  std::size_t with_diags = 0;
  for (int i = 0; i < 2000; ++i) {
    auto b = full;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < flips; ++k) b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
    Diagnostics diags;
    CHECK_NOTHROW(parse_axml(b, diags, "fuzz"));
    if (!diags.empty()) ++with_diags;
  }
  CHECK(with_diags > 100);
}
