// Hostile and broken App Bundle protobufs: truncation at every offset, random mutations, nesting
// and width bombs, and wire-level corner cases. The decoders must not crash, must say what went
// wrong with a stable "pb.*" code, keep what was sound, and finish quickly.
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "scanner/android/proto_xml.hpp"
#include "scanner/android/resources_pb.hpp"
#include "support/test_paths.hpp"

namespace sdkscope::android {
namespace {

using Buf = std::vector<std::uint8_t>;

// A minimal protobuf encoder, independent of the decoder under test.
struct Pb {
  Buf b;
  Pb& varint(std::uint64_t v) {
    while (v >= 0x80) {
      b.push_back(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    b.push_back(static_cast<std::uint8_t>(v));
    return *this;
  }
  Pb& tag(std::uint32_t field, int wire) { return varint((static_cast<std::uint64_t>(field) << 3) | wire); }
  Pb& u(std::uint32_t field, std::uint64_t v) { return tag(field, 0).varint(v); }
  Pb& fixed32(std::uint32_t field, std::uint32_t v) {
    tag(field, 5);
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }
  Pb& fixed64(std::uint32_t field, std::uint64_t v) {
    tag(field, 1);
    for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }
  Pb& bytes(std::uint32_t field, const Buf& payload) {
    tag(field, 2).varint(payload.size());
    b.insert(b.end(), payload.begin(), payload.end());
    return *this;
  }
  Pb& msg(std::uint32_t field, const Pb& m) { return bytes(field, m.b); }
  Pb& str(std::uint32_t field, std::string_view s) { return bytes(field, Buf(s.begin(), s.end())); }
  Pb& raw(const Buf& more) {
    b.insert(b.end(), more.begin(), more.end());
    return *this;
  }
};

// XmlNode { element = 1 } around an XmlElement { name = 3, ... }.
Pb node(const Pb& element) { return Pb().msg(1, element); }
Pb element(std::string_view name) { return Pb().str(3, name); }
Pb android_attr(std::string_view name, std::uint32_t id) {
  return Pb().str(1, kAndroidNs).str(2, name).u(5, id);
}

const std::set<std::string> kPbCodes = {"pb.truncated", "pb.bad_wire_type", "pb.bad_tag", "pb.bad_varint",
                                        "pb.too_deep",  "pb.limit",         "pb.no_element", "pb.bad_id"};

// Every diagnostic has a known code, the location we passed, and at most one per code.
void check_diagnostics(const Diagnostics& diags, const std::string& where) {
  std::set<std::string> seen;
  for (const auto& d : diags.items()) {
    CHECK_MESSAGE(kPbCodes.count(d.code) == 1, "unexpected code " << d.code);
    CHECK(d.where == where);
    CHECK_FALSE(d.message.empty());
    CHECK_MESSAGE(seen.insert(d.code).second, "code repeated: " << d.code);
  }
}

std::size_t tree_depth(const XmlElement& e) {
  std::size_t deepest = 0;
  for (const auto& c : e.children) deepest = std::max(deepest, tree_depth(c));
  return deepest + 1;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// End offset of each top-level field of a message: the only places a prefix can end cleanly.
std::set<std::size_t> top_level_boundaries(const Buf& b) {
  std::set<std::size_t> out{0};
  std::size_t pos = 0;
  auto varint = [&] {
    std::uint64_t v = 0;
    for (int shift = 0; pos < b.size(); shift += 7) {
      std::uint8_t c = b[pos++];
      v |= static_cast<std::uint64_t>(c & 0x7f) << shift;
      if (!(c & 0x80)) break;
    }
    return v;
  };
  while (pos < b.size()) {
    std::uint64_t tag = varint();
    REQUIRE((tag & 7) == 2);  // the fixtures' top-level fields are all length-delimited
    pos += varint();
    out.insert(pos);
  }
  return out;
}

}  // namespace

TEST_CASE("aab: manifest truncated at every offset reports pb.truncated and keeps the start") {
  const std::string where = "base/manifest/AndroidManifest.xml";
  for (const std::string name : {"manifest.pb", "aapt2/manifest.pb"}) {
    CAPTURE(name);
    Buf full = test::read_file(test::testdata("aab/" + name));
    auto boundaries = top_level_boundaries(full);
    const std::string tag_name = "manifest";
    // The root's name is an early field: once a prefix holds it, the partial root carries it.
    auto name_at = std::search(full.begin(), full.end(), tag_name.begin(), tag_name.end()) - full.begin();
    REQUIRE(name_at < static_cast<std::ptrdiff_t>(full.size()));
    Diagnostics full_diags;
    const auto full_strings = parse_proto_xml(full, full_diags, where).strings;
    REQUIRE(full_diags.empty());
    const std::set<std::string> known(full_strings.begin(), full_strings.end());
    for (std::size_t len = 0; len < full.size(); ++len) {
      CAPTURE(len);
      Diagnostics diags;
      auto r = parse_proto_xml(Bytes(full.data(), len), diags, where);
      check_diagnostics(diags, where);
      CHECK(r.ok == diags.empty());
      // No half-read string reaches the result.
      for (const auto& s : r.strings) CHECK_MESSAGE(known.count(s) == 1, "partial string: " << s);
      if (len == 0) {
        CHECK(diags.has("pb.no_element"));
      } else if (boundaries.count(len) == 0) {
        CHECK(diags.has("pb.truncated"));
      }
      if (len >= static_cast<std::size_t>(name_at) + tag_name.size() && boundaries.count(len) == 0) {
        REQUIRE(r.root);
        CHECK(r.root->name == "manifest");
      }
    }
  }
}

TEST_CASE("aab: resources.pb truncated at every offset reports pb.truncated outside field boundaries") {
  const std::string where = "base/resources.pb";
  for (const std::string name : {"resources.pb", "aapt2/resources.pb"}) {
    CAPTURE(name);
    Buf full = test::read_file(test::testdata("aab/" + name));
    auto boundaries = top_level_boundaries(full);
    CHECK(boundaries.size() >= 2);
    Diagnostics full_diags;
    const ResourceTable full_table = parse_resources_pb(full, full_diags, where).table;
    REQUIRE(full_diags.empty());
    auto is_full_string = [&](const std::string& s) {
      return std::find(full_table.strings.begin(), full_table.strings.end(), s) != full_table.strings.end();
    };
    for (std::size_t len = 0; len < full.size(); ++len) {
      CAPTURE(len);
      Diagnostics diags;
      auto r = parse_resources_pb(Bytes(full.data(), len), diags, where);
      check_diagnostics(diags, where);
      CHECK(r.complete == diags.empty());
      CHECK(diags.empty() == (boundaries.count(len) == 1));
      if (!diags.empty()) CHECK(diags.has("pb.truncated"));
      // What a prefix yields is what the whole file says, never a half-read name or value: every
      // name is the full file's name for that id, and every value one of its strings or paths.
      for (const auto& [id, n] : r.table.names) {
        REQUIRE(full_table.names.count(id) == 1);
        CHECK(n == full_table.names.at(id));
      }
      for (const auto& [id, v] : r.table.values) {
        REQUIRE(full_table.values.count(id) == 1);
        CHECK((v == full_table.values.at(id) || is_full_string(v)));
      }
      for (const auto& s : r.table.strings) CHECK(is_full_string(s));
      if (len * 10 >= full.size() * 9) CHECK(r.table.names.size() >= full_table.names.size() / 2);
    }
  }
}

TEST_CASE("aab: random mutations never crash and only yield pb.* diagnostics") {
  const std::vector<std::pair<std::string, bool>> inputs = {
      {"manifest.pb", true}, {"aapt2/manifest.pb", true}, {"aapt2/network_security_config.pb", true},
      {"resources.pb", false}, {"aapt2/resources.pb", false}};
  const auto start = std::chrono::steady_clock::now();
  std::size_t runs = 0, with_diagnostics = 0;
  for (const auto& [name, is_xml] : inputs) {
    const Buf original = test::read_file(test::testdata("aab/" + name));
    for (std::uint32_t seed = 0; seed < 2000; ++seed) {
      std::mt19937 rng(seed);
      Buf data = original;
      // 1..8 edits: overwrite a byte, flip a bit, insert or delete one.
      const int edits = 1 + static_cast<int>(rng() % 8);
      for (int e = 0; e < edits && !data.empty(); ++e) {
        const std::size_t at = rng() % data.size();
        switch (rng() % 4) {
          case 0: data[at] = static_cast<std::uint8_t>(rng()); break;
          case 1: data[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;
          case 2: data.insert(data.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(rng())); break;
          default: data.erase(data.begin() + static_cast<std::ptrdiff_t>(at)); break;
        }
      }
      CAPTURE(name);
      CAPTURE(seed);
      Diagnostics diags;
      if (is_xml) {
        auto r = parse_proto_xml(data, diags, name);
        CHECK(r.ok == diags.empty());
        if (r.ok) CHECK(r.root);
      } else {
        auto r = parse_resources_pb(data, diags, name);
        CHECK(r.complete == diags.empty());
      }
      check_diagnostics(diags, name);
      ++runs;
      if (!diags.empty()) ++with_diagnostics;
    }
  }
  MESSAGE(runs << " mutated inputs, " << with_diagnostics << " with diagnostics, " << seconds_since(start) << " s");
  // Most random edits break a length or a tag; if none were noticed the checks are not running.
  CHECK(with_diagnostics > runs / 2);
  CHECK(seconds_since(start) < 30.0);
}

TEST_CASE("aab: a 100000-level nesting bomb stops at the depth limit") {
  // XmlNode{element{child{XmlNode{element{...}}}}}, written outside-in after sizing inside-out,
  // since prepending level by level would be quadratic.
  constexpr std::size_t kLevels = 100'000;
  auto varint_size = [](std::uint64_t v) {
    std::size_t n = 1;
    while (v >= 0x80) {
      v >>= 7;
      ++n;
    }
    return n;
  };
  // node_len[i] = bytes of the XmlNode at level i; element_len[i] = its XmlElement.
  std::vector<std::size_t> node_len(kLevels + 1, 0), element_len(kLevels, 0);
  const std::size_t name_field = 3;  // tag, length 1, "e"
  for (std::size_t i = kLevels; i-- > 0;) {
    element_len[i] = name_field + (i + 1 < kLevels ? 1 + varint_size(node_len[i + 1]) + node_len[i + 1] : 0);
    node_len[i] = 1 + varint_size(element_len[i]) + element_len[i];
  }
  Pb out;
  out.b.reserve(node_len[0]);
  for (std::size_t i = 0; i < kLevels; ++i) {
    out.tag(1, 2).varint(element_len[i]);  // XmlNode.element
    out.str(3, "e");                       // XmlElement.name
    if (i + 1 < kLevels) out.tag(5, 2).varint(node_len[i + 1]);  // XmlElement.child
  }
  REQUIRE(out.b.size() == node_len[0]);

  const auto start = std::chrono::steady_clock::now();
  Diagnostics diags;
  auto r = parse_proto_xml(out.b, diags, "bomb.xml");
  CHECK(seconds_since(start) < 5.0);
  CHECK(diags.has("pb.too_deep"));
  CHECK_FALSE(r.ok);
  REQUIRE(r.root);
  // Each element costs two message levels (XmlNode, XmlElement) of the 100 allowed.
  CHECK(tree_depth(*r.root) == pb::kDefaultMaxDepth / 2);
  check_diagnostics(diags, "bomb.xml");
}

TEST_CASE("aab: nested groups past the depth limit are refused") {
  Pb groups;
  for (int i = 0; i < 5000; ++i) groups.tag(7, 3);
  for (int i = 0; i < 5000; ++i) groups.tag(7, 4);
  Pb root = element("manifest");
  root.raw(groups.b);
  Diagnostics diags;
  auto r = parse_proto_xml(node(root).b, diags, "groups.xml");
  CHECK(diags.has("pb.too_deep"));
  REQUIRE(r.root);
  CHECK(r.root->name == "manifest");

  // Shallow groups are an old but valid encoding of unknown fields: skipped silently.
  Pb shallow = element("manifest");
  shallow.tag(9, 3).u(1, 5).str(2, "x").tag(9, 3).tag(9, 4).tag(9, 4);
  shallow.msg(4, android_attr("versionCode", 0x0101021b));
  Diagnostics ok_diags;
  auto ok = parse_proto_xml(node(shallow).b, ok_diags, "groups.xml");
  CHECK(ok_diags.empty());
  REQUIRE(ok.root);
  CHECK(ok.root->attrs.size() == 1);
}

TEST_CASE("aab: element, attribute, text, entry and string limits are enforced") {
  SUBCASE("200000 empty children hit the default element limit") {
    Pb root = element("manifest");
    for (int i = 0; i < 200'000; ++i) root.msg(5, node(Pb()));
    Diagnostics diags;
    const auto start = std::chrono::steady_clock::now();
    auto r = parse_proto_xml(node(root).b, diags, "wide.xml");
    CHECK(seconds_since(start) < 5.0);
    CHECK(diags.has("pb.limit"));
    REQUIRE(r.root);
    CHECK(r.root->children.size() == ProtoXmlLimits{}.max_elements - 1);
  }
  SUBCASE("attributes and texts") {
    Pb root = element("manifest");
    for (int i = 0; i < 50; ++i) root.msg(4, android_attr("name", 0x01010003));
    for (int i = 0; i < 50; ++i) root.msg(5, Pb().str(2, "text " + std::to_string(i)));
    ProtoXmlLimits limits;
    limits.max_attributes = 10;
    limits.max_texts = 3;
    Diagnostics diags;
    auto r = parse_proto_xml(node(root).b, diags, "wide.xml", limits);
    CHECK(diags.has("pb.limit"));
    check_diagnostics(diags, "wide.xml");
    REQUIRE(r.root);
    CHECK(r.root->attrs.size() == 10);
    REQUIRE(r.texts.size() == 3);
    CHECK(r.texts[2].text == "text 2");
    CHECK(r.texts[2].path.empty());
  }
  SUBCASE("resource entries and strings") {
    Pb type = Pb().msg(1, Pb().u(1, 2)).str(2, "string");
    for (std::uint32_t i = 0; i < 20; ++i) {
      Pb value = Pb().msg(4, Pb().msg(2, Pb().str(1, "s" + std::to_string(i))));
      type.msg(3, Pb().msg(1, Pb().u(1, i)).str(2, "e" + std::to_string(i)).msg(6, Pb().msg(2, value)));
    }
    Pb table = Pb().msg(2, Pb().msg(1, Pb().u(1, 0x7f)).str(2, "com.x").msg(3, type));
    ResourcesPbLimits entry_limits;
    entry_limits.max_entries = 5;
    Diagnostics diags;
    auto r = parse_resources_pb(table.b, diags, "resources.pb", entry_limits);
    CHECK(diags.has("pb.limit"));
    CHECK_FALSE(r.complete);
    CHECK(r.table.names.size() == 5);
    CHECK(r.table.values.size() == 5);
    CHECK(r.table.strings.size() == 5);
    CHECK(r.table.value(0x7f020004) == std::optional<std::string>("s4"));
    CHECK_FALSE(r.table.value(0x7f020005));

    ResourcesPbLimits string_limits;
    string_limits.max_strings = 7;
    Diagnostics string_diags;
    auto s = parse_resources_pb(table.b, string_diags, "resources.pb", string_limits);
    CHECK(string_diags.has("pb.limit"));
    CHECK(s.table.strings.size() == 7);
    CHECK(s.table.strings.back() == "s6");
    CHECK(s.table.names.size() == 20);
  }
}

TEST_CASE("aab: wire-level faults are reported by code and siblings survive") {
  SUBCASE("a broken child keeps what it has and does not take its siblings with it") {
    Pb broken_child;  // XmlNode whose element claims 50 bytes but holds 3: a name "x"
    broken_child.tag(1, 2).varint(50).raw({0x1a, 0x01, 'x'});
    Pb root = element("manifest");
    for (int i = 0; i < 100; ++i) root.msg(5, broken_child);
    root.msg(5, node(element("application")));
    Diagnostics diags;
    auto r = parse_proto_xml(node(root).b, diags, "m.xml");
    CHECK_FALSE(r.ok);
    REQUIRE(r.root);
    REQUIRE(r.root->children.size() == 101);
    CHECK(r.root->children[0].name == "x");
    CHECK(r.root->children[100].name == "application");
    REQUIRE(diags.size() == 1);
    CHECK(diags.items()[0].code == "pb.truncated");
    CHECK(diags.items()[0].message.find("99 more like this") != std::string::npos);
  }
  SUBCASE("invalid wire types 6 and 7") {
    for (int wire : {6, 7}) {
      Pb root = element("manifest");
      root.tag(4, wire);
      Diagnostics diags;
      auto r = parse_proto_xml(node(root).b, diags, "m.xml");
      CHECK(diags.has("pb.bad_wire_type"));
      REQUIRE(r.root);
      CHECK(r.root->name == "manifest");
    }
  }
  SUBCASE("a known field with the wrong wire type is skipped, the rest decodes") {
    Pb root = Pb().u(3, 12345).str(3, "manifest").msg(4, android_attr("versionCode", 0x0101021b).str(3, "9"));
    Diagnostics diags;
    auto r = parse_proto_xml(node(root).b, diags, "m.xml");
    CHECK(diags.has("pb.bad_wire_type"));
    REQUIRE(r.root);
    CHECK(r.root->name == "manifest");
    REQUIRE(r.root->attrs.size() == 1);
    CHECK(r.root->attrs[0].str == "9");
  }
  SUBCASE("field number zero and an over-long varint") {
    Diagnostics d1;
    parse_proto_xml(Buf{0x00, 0x00}, d1, "m.xml");
    CHECK(d1.has("pb.bad_tag"));
    Diagnostics d2;
    parse_proto_xml(Buf{0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, d2, "m.xml");
    CHECK(d2.has("pb.bad_varint"));
    Diagnostics d3;
    parse_resources_pb(Buf{0x12, 0xff, 0xff, 0xff, 0xff, 0x0f}, d3, "r.pb");
    CHECK(d3.has("pb.truncated"));
  }
  SUBCASE("unknown fields of every wire type are skipped silently") {
    Pb root = Pb().u(100, 7).fixed32(101, 1).fixed64(102, 2).str(103, "zz").str(3, "manifest");
    root.msg(4, android_attr("versionCode", 0x0101021b).u(99, 1).msg(6, Pb().msg(7, Pb().u(6, 3).fixed32(50, 0))));
    Diagnostics diags;
    auto r = parse_proto_xml(node(root).b, diags, "m.xml");
    CHECK(diags.empty());
    CHECK(r.ok);
    REQUIRE(r.root);
    REQUIRE(r.root->attrs.size() == 1);
    CHECK(r.root->attrs[0].type == XmlAttribute::Type::Int);
    CHECK(r.root->attrs[0].num == 3);
  }
  SUBCASE("a node with only text, or nothing, has no element") {
    Diagnostics d1;
    CHECK_FALSE(parse_proto_xml(Pb().str(2, "hello").b, d1, "m.xml").root);
    CHECK(d1.has("pb.no_element"));
    Diagnostics d2;
    CHECK_FALSE(parse_proto_xml(Buf{}, d2, "m.xml").root);
    CHECK(d2.has("pb.no_element"));
  }
  SUBCASE("out-of-range resource ids are dropped with pb.bad_id") {
    Pb entry = Pb().msg(1, Pb().u(1, 0x10000)).str(2, "big");
    Pb ok_entry = Pb().msg(1, Pb().u(1, 1)).str(2, "fine");
    Pb type = Pb().msg(1, Pb().u(1, 2)).str(2, "string").msg(3, entry).msg(3, ok_entry);
    Pb table = Pb().msg(2, Pb().msg(1, Pb().u(1, 0x7f)).str(2, "com.x").msg(3, type));
    table.msg(2, Pb().msg(1, Pb().u(1, 0x100)).str(2, "com.too.big").msg(3, type));
    Diagnostics diags;
    auto r = parse_resources_pb(table.b, diags, "r.pb");
    CHECK(diags.has("pb.bad_id"));
    CHECK(r.table.package == "com.x");
    CHECK(r.table.names.size() == 1);
    CHECK(r.table.names.at(0x7f020001) == "string/fine");
  }
}

TEST_CASE("aab: typed values without a raw string are rendered like AXML") {
  auto typed = [](const Pb& item) {
    Pb root = element("manifest");
    root.msg(4, Pb().str(1, kAndroidNs).str(2, "value").msg(6, item));
    Diagnostics diags;
    auto r = parse_proto_xml(node(root).b, diags, "m.xml");
    REQUIRE(diags.empty());
    REQUIRE(r.root);
    REQUIRE(r.root->attrs.size() == 1);
    return r.root->attrs[0];
  };
  auto prim = [](const Pb& p) { return Pb().msg(7, p); };

  auto i = typed(prim(Pb().u(6, static_cast<std::uint64_t>(-5))));  // int32 -5: 10-byte varint
  CHECK(i.type == XmlAttribute::Type::Int);
  CHECK(i.num == -5);
  CHECK(i.str == "-5");
  auto h = typed(prim(Pb().u(7, 0x1f)));
  CHECK(h.type == XmlAttribute::Type::Int);
  CHECK(h.str == "0x1f");
  auto b = typed(prim(Pb().u(8, 1)));
  CHECK(b.type == XmlAttribute::Type::Bool);
  CHECK(b.num == 1);
  CHECK(b.str == "true");
  auto f = typed(prim(Pb().fixed32(3, std::bit_cast<std::uint32_t>(2.5f))));
  CHECK(f.type == XmlAttribute::Type::Float);
  CHECK(f.str == "2.5");
  auto c = typed(prim(Pb().u(10, 0xff336699)));
  CHECK(c.type == XmlAttribute::Type::Other);
  CHECK(c.num == 0xff336699);
  CHECK(c.str == "#ff336699");
  auto e = typed(prim(Pb().msg(2, Pb())));
  CHECK(e.type == XmlAttribute::Type::Other);
  CHECK(e.str == "@empty");
  auto r = typed(Pb().msg(1, Pb().u(2, 0x7f020000)));
  CHECK(r.type == XmlAttribute::Type::Reference);
  CHECK(r.ref == 0x7f020000u);
  CHECK(r.str == "@0x7f020000");
  auto s = typed(Pb().msg(2, Pb().str(1, "compiled")));
  CHECK(s.type == XmlAttribute::Type::String);
  CHECK(s.str == "compiled");
}

}  // namespace sdkscope::android
