// resources.arsc reader: the fixture table against `aapt dump --values resources`, synthetic
// tables for configuration choice, references and the entry encodings aapt 1 never writes
// (sparse, 16-bit offsets, compact entries), and broken input.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>

#include "axml_builder.hpp"
#include "scanner/android/arsc.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;
using namespace sdkscope::android;
using test::put_u16;
using test::put_u32;

namespace {

std::vector<std::uint8_t> apk_entry(const std::string& apk, const std::string& entry) {
  int rc = 0;
  auto out = test::run("unzip -p '" + test::testdata("android/apks/" + apk).string() + "' '" + entry + "'", &rc);
  REQUIRE(rc == 0);
  return {out.begin(), out.end()};
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What `aapt dump --values resources` says: names from spec lines, and each string value in
// the default configuration, else in the first configuration listing it.
struct AaptTable {
  std::string package;
  std::map<std::uint32_t, std::string> names;
  std::map<std::uint32_t, std::string> values;
};

AaptTable parse_aapt_resources(const std::string& dump) {
  AaptTable t;
  static const std::regex pkg(R"(^\s*Package \d+ id=0x7f name=(\S+))");
  static const std::regex spec(R"(^\s*spec resource 0x([0-9a-f]{8}) [^:]+:([^:]+):)");
  static const std::regex config(R"(^\s*config (\S+):)");
  static const std::regex res(R"(^\s*resource 0x([0-9a-f]{8}) [^:]+:[^:]+: t=0x([0-9a-f]{2}))");
  static const std::regex str(R"re(^\s*\(string(?:8|16)\) "(.*)"$)re");
  std::istringstream in(dump);
  std::string line;
  bool is_default = false;
  std::uint32_t pending = 0;
  std::map<std::uint32_t, bool> from_default;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, pkg)) {
      t.package = m[1];
    } else if (std::regex_search(line, m, spec)) {
      t.names[static_cast<std::uint32_t>(std::stoul(m[1], nullptr, 16))] = m[2];
    } else if (std::regex_search(line, m, config)) {
      is_default = m[1] == "(default)";
    } else if (std::regex_search(line, m, res)) {
      pending = m[2] == "03" ? static_cast<std::uint32_t>(std::stoul(m[1], nullptr, 16)) : 0;
    } else if (pending && std::regex_search(line, m, str)) {
      if (!t.values.count(pending) || (is_default && !from_default[pending])) {
        t.values[pending] = m[1];
        from_default[pending] = is_default;
      }
      pending = 0;
    }
  }
  return t;
}

// ---- a small resources.arsc writer for shapes aapt 1 does not produce ----

struct Entry {
  std::uint16_t index = 0;
  std::string key;
  std::uint8_t type = 0x03;  // TYPE_STRING unless set
  std::uint32_t data = 0;
  std::string str;           // TYPE_STRING value (goes to the global pool)
  bool complex = false;
};

struct TypeChunk {
  std::uint8_t type_id = 1;
  std::string lang;  // "" = default configuration
  std::vector<Entry> entries;
  std::uint8_t flags = 0;  // 0x01 sparse, 0x02 16-bit offsets
  bool compact = false;
};

Entry str_entry(std::uint16_t index, const std::string& key, const std::string& value) {
  Entry e;
  e.index = index;
  e.key = key;
  e.str = value;
  return e;
}
Entry typed_entry(std::uint16_t index, const std::string& key, std::uint8_t type, std::uint32_t data) {
  Entry e;
  e.index = index;
  e.key = key;
  e.type = type;
  e.data = data;
  return e;
}
Entry complex_entry(std::uint16_t index, const std::string& key) {
  Entry e;
  e.index = index;
  e.key = key;
  e.complex = true;
  return e;
}
TypeChunk chunk(std::uint8_t type_id, const std::string& lang, std::vector<Entry> entries, std::uint8_t flags = 0,
                bool compact = false) {
  return TypeChunk{type_id, lang, std::move(entries), flags, compact};
}

void push16(std::vector<std::uint8_t>& b, std::uint32_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void push32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  push16(b, v & 0xffff);
  push16(b, v >> 16);
}

std::vector<std::uint8_t> build_arsc(const std::string& package, const std::vector<std::string>& types,
                                     const std::vector<TypeChunk>& chunks) {
  std::vector<std::string> globals, keys;
  auto index_of = [](std::vector<std::string>& v, const std::string& s) {
    for (std::size_t i = 0; i < v.size(); ++i)
      if (v[i] == s) return static_cast<std::uint32_t>(i);
    v.push_back(s);
    return static_cast<std::uint32_t>(v.size() - 1);
  };
  std::vector<std::vector<std::uint8_t>> type_chunks;
  for (const auto& tc : chunks) {
    std::vector<std::uint8_t> entries, offsets;
    std::size_t dense = 0;
    for (const auto& e : tc.entries) dense = std::max<std::size_t>(dense, e.index + 1u);
    std::vector<std::uint32_t> dense_offsets(dense, 0xffffffff);
    for (const auto& e : tc.entries) {
      const std::uint32_t key = index_of(keys, e.key);
      const std::uint32_t data = e.type == 0x03 && !e.complex ? index_of(globals, e.str) : e.data;
      const auto at = static_cast<std::uint32_t>(entries.size());
      if (tc.flags & 0x01) {
        push16(offsets, e.index);
        push16(offsets, at / 4);
      }
      dense_offsets[e.index] = at;
      if (tc.compact) {
        push16(entries, key);
        push16(entries, 0x0008u | (static_cast<std::uint32_t>(e.type) << 8));
        push32(entries, data);
      } else if (e.complex) {
        push16(entries, 16);
        push16(entries, 0x0001);
        push32(entries, key);
        push32(entries, 0);
        push32(entries, 0);
      } else {
        push16(entries, 8);
        push16(entries, 0);
        push32(entries, key);
        push16(entries, 8);
        entries.push_back(0);
        entries.push_back(e.type);
        push32(entries, data);
      }
    }
    if (!(tc.flags & 0x01)) {
      for (auto o : dense_offsets) {
        if (tc.flags & 0x02) push16(offsets, o == 0xffffffff ? 0xffff : o / 4);
        else push32(offsets, o);
      }
      while (offsets.size() % 4) offsets.push_back(0);
    }
    const std::uint32_t config_size = 64;
    const std::uint32_t header = 20 + config_size;
    const std::uint32_t count = (tc.flags & 0x01) ? static_cast<std::uint32_t>(tc.entries.size())
                                                  : static_cast<std::uint32_t>(dense);
    std::vector<std::uint8_t> c;
    push16(c, 0x0201);
    push16(c, header);
    push32(c, header + static_cast<std::uint32_t>(offsets.size() + entries.size()));
    c.push_back(tc.type_id);
    c.push_back(tc.flags);
    push16(c, 0);
    push32(c, count);
    push32(c, header + static_cast<std::uint32_t>(offsets.size()));
    std::vector<std::uint8_t> config(config_size, 0);
    config[0] = config_size;
    if (!tc.lang.empty()) {
      config[8] = static_cast<std::uint8_t>(tc.lang[0]);
      config[9] = static_cast<std::uint8_t>(tc.lang[1]);
    }
    c.insert(c.end(), config.begin(), config.end());
    c.insert(c.end(), offsets.begin(), offsets.end());
    c.insert(c.end(), entries.begin(), entries.end());
    type_chunks.push_back(std::move(c));
  }
  const auto type_pool = test::string_pool_chunk(types, false);
  const auto key_pool = test::string_pool_chunk(keys, true);
  std::vector<std::uint8_t> pkg;
  push16(pkg, 0x0200);
  push16(pkg, 288);
  push32(pkg, 0);  // size, patched below
  push32(pkg, 0x7f);
  for (std::size_t i = 0; i < 128; ++i) push16(pkg, i < package.size() ? static_cast<std::uint8_t>(package[i]) : 0);
  push32(pkg, 288);
  push32(pkg, 0);
  push32(pkg, 288 + static_cast<std::uint32_t>(type_pool.size()));
  push32(pkg, 0);
  push32(pkg, 0);
  pkg.insert(pkg.end(), type_pool.begin(), type_pool.end());
  pkg.insert(pkg.end(), key_pool.begin(), key_pool.end());
  for (const auto& c : type_chunks) pkg.insert(pkg.end(), c.begin(), c.end());
  put_u32(pkg, 4, static_cast<std::uint32_t>(pkg.size()));
  const auto global_pool = test::string_pool_chunk(globals, true);
  std::vector<std::uint8_t> t;
  push16(t, 0x0002);
  push16(t, 12);
  push32(t, static_cast<std::uint32_t>(12 + global_pool.size() + pkg.size()));
  push32(t, 1);
  t.insert(t.end(), global_pool.begin(), global_pool.end());
  t.insert(t.end(), pkg.begin(), pkg.end());
  return t;
}

}  // namespace

TEST_CASE("arsc: fixture tables match aapt dump --values resources") {
  for (const char* app : {"full", "custom_permission"}) {
    CAPTURE(app);
    const auto bytes = apk_entry(std::string(app) + ".apk", "resources.arsc");
    Diagnostics diags;
    auto r = parse_arsc(bytes, diags, "resources.arsc");
    CHECK(r.ok);
    CHECK(diags.empty());
    const auto aapt = parse_aapt_resources(slurp(test::testdata(std::string("android/expected/") + app + ".resources")));
    REQUIRE_FALSE(aapt.names.empty());
    CHECK(r.table.package == aapt.package);
    CHECK(std::map<std::uint32_t, std::string>(r.table.names.begin(), r.table.names.end()) == aapt.names);
    CHECK(std::map<std::uint32_t, std::string>(r.table.values.begin(), r.table.values.end()) == aapt.values);
  }
}

TEST_CASE("arsc: the full fixture's values, spelled out") {
  Diagnostics diags;
  auto r = parse_arsc(apk_entry("full.apk", "resources.arsc"), diags, "resources.arsc");
  const auto& t = r.table;
  CHECK(t.package == "com.example.full");
  CHECK(t.value(0x7f040000) == "Full Demo");  // default config wins over fr
  CHECK(t.value(0x7f040004) == "Seulement en fran\xc3\xa7" "ais");  // only in fr: first config having it
  CHECK(t.value(0x7f040003) == "Gr\xc3\xbc\xc3\x9f" "e \xe2\x80\x93 \xe2\x98\x95");
  CHECK(t.value(0x7f030002) == "res/xml/network_security_config.xml");
  CHECK(t.names.at(0x7f030002) == "xml/network_security_config");
  CHECK(t.names.at(0x7f050000) == "id/title");
  CHECK_FALSE(t.value(0x7f050000));  // an id resource has no string value
  CHECK_FALSE(t.value(0x7f990000));
  CHECK(std::find(t.strings.begin(), t.strings.end(), "beta-channel") != t.strings.end());
}

TEST_CASE("arsc: configuration choice, references and entry encodings") {
  SUBCASE("the default configuration wins even when listed after another") {
    auto b = build_arsc("p", {"string"},
                        {chunk(1, "fr", {str_entry(0, "a", "fr-a"), str_entry(1, "b", "fr-b")}),
                         chunk(1, "", {str_entry(0, "a", "default-a")}),
                         chunk(1, "de", {str_entry(1, "b", "de-b")})});
    Diagnostics diags;
    auto r = parse_arsc(b, diags, "t");
    CHECK(r.ok);
    CHECK(r.table.package == "p");
    CHECK(r.table.value(0x7f010000) == "default-a");
    CHECK(r.table.value(0x7f010001) == "fr-b");
    CHECK(r.table.names.at(0x7f010001) == "string/b");
  }
  SUBCASE("references resolve through chains; cycles and dangling ones stay unresolved") {
    auto b = build_arsc("p", {"string"},
                        {chunk(1, "", {str_entry(0, "text", "hello"),
                                  typed_entry(1, "alias", 0x01, 0x7f010000),
                                  typed_entry(2, "alias2", 0x01, 0x7f010001),
                                  typed_entry(3, "loop_a", 0x01, 0x7f010004),
                                  typed_entry(4, "loop_b", 0x01, 0x7f010003),
                                  typed_entry(5, "dangling", 0x01, 0x7f01ffff),
                                  typed_entry(6, "number", 0x10, 42)})});
    Diagnostics diags;
    auto r = parse_arsc(b, diags, "t");
    CHECK(r.table.value(0x7f010001) == "hello");
    CHECK(r.table.value(0x7f010002) == "hello");
    CHECK_FALSE(r.table.value(0x7f010003));
    CHECK_FALSE(r.table.value(0x7f010005));
    CHECK_FALSE(r.table.value(0x7f010006));
    CHECK(r.table.names.size() == 7);
  }
  SUBCASE("sparse, 16-bit offset and compact entries; complex entries are named only") {
    auto b = build_arsc("p", {"string", "style"},
                        {chunk(1, "", {str_entry(3, "s3", "three"), str_entry(900, "s900", "nine hundred")}, 0x01),
                         chunk(1, "fr", {str_entry(5, "s5", "five")}, 0x02),
                         chunk(1, "de", {str_entry(7, "s7", "seven")}, 0, true),
                         chunk(2, "", {complex_entry(0, "Theme")})});
    Diagnostics diags;
    auto r = parse_arsc(b, diags, "t");
    CHECK(r.ok);
    CHECK(r.table.value(0x7f010003) == "three");
    CHECK(r.table.value(0x7f010384) == "nine hundred");
    CHECK(r.table.value(0x7f010005) == "five");
    CHECK(r.table.value(0x7f010007) == "seven");
    CHECK(r.table.names.at(0x7f020000) == "style/Theme");
    CHECK_FALSE(r.table.value(0x7f020000));
  }
}

TEST_CASE("arsc malformed: truncation at every offset never crashes and keeps only true values") {
  const auto full = apk_entry("full.apk", "resources.arsc");
  Diagnostics d0;
  const auto whole = parse_arsc(full, d0, "full").table;
  for (std::size_t n = 0; n < full.size(); ++n) {
    Diagnostics diags;
    ArscParseResult r;
    CHECK_NOTHROW(r = parse_arsc(Bytes(full.data(), n), diags, "cut"));
    CHECK_FALSE(r.ok);
    CHECK_FALSE(diags.empty());
    for (const auto& [id, v] : r.table.values) {
      // A value from a cut table may come from the fr configuration when the default one is
      // gone, but it is always a value the table really holds for that id.
      CHECK((v == whole.values.at(id) || (id == 0x7f040000 && v == "D\xc3\xa9mo compl\xc3\xa8te")));
    }
  }
}

TEST_CASE("arsc malformed: bogus sizes, counts and indices") {
  auto good = build_arsc("p", {"string"}, {chunk(1, "", {str_entry(0, "a", "x"), str_entry(1, "b", "y")})});
  const std::size_t pkg = 12 + test::get_u32(good, 12 + 4);  // after the global pool
  const std::size_t type_chunk = pkg + 288 + test::get_u32(good, pkg + 288 + 4);
  const std::size_t type_chunk2 = type_chunk + test::get_u32(good, type_chunk + 4);  // past the key pool
  REQUIRE(test::get_u16(good, type_chunk2) == 0x0201);

  SUBCASE("not a table") {
    Diagnostics diags;
    auto r = parse_arsc(apk_entry("full.apk", "AndroidManifest.xml"), diags, "t");
    CHECK(diags.has("arsc.bad_header"));
    CHECK(r.table.values.empty());
  }
  SUBCASE("entry count far beyond the chunk") {
    auto b = good;
    put_u32(b, type_chunk2 + 12, 0x40000000);
    Diagnostics diags;
    auto r = parse_arsc(b, diags, "t");
    CHECK(diags.has("arsc.bad_type"));
    CHECK(r.table.values.empty());
  }
  SUBCASE("an entry offset past the chunk and a value past the global pool") {
    auto b = good;
    const std::size_t offsets = type_chunk2 + test::get_u16(b, type_chunk2 + 2);
    put_u32(b, offsets, 0x7ffffff0);
    const std::size_t entry_b = type_chunk2 + test::get_u32(b, type_chunk2 + 16) + 16;
    put_u32(b, entry_b + 12, 999);
    Diagnostics diags;
    auto r = parse_arsc(b, diags, "t");
    CHECK(diags.has("arsc.bad_entry"));
    CHECK(r.table.values.empty());
  }
  SUBCASE("package chunk size beyond the file") {
    auto b = good;
    put_u32(b, pkg + 4, 0xfffffff0);
    Diagnostics diags;
    auto r = parse_arsc(b, diags, "t");
    CHECK(diags.has("arsc.truncated"));
    CHECK(r.table.value(0x7f010001) == "y");
  }
  SUBCASE("type and key pool offsets pointing nowhere") {
    auto b = good;
    put_u32(b, pkg + 268, 0x10);
    put_u32(b, pkg + 276, 0xffffff);
    Diagnostics diags;
    auto r = parse_arsc(b, diags, "t");
    CHECK(diags.has("arsc.bad_package"));
    CHECK(r.table.value(0x7f010000) == "x");
    CHECK(r.table.names.at(0x7f010000) == "type1/");
  }
  SUBCASE("a zero-size chunk stops the walk") {
    auto b = good;
    put_u32(b, type_chunk2 + 4, 0);
    Diagnostics diags;
    parse_arsc(b, diags, "t");
    CHECK(diags.has("arsc.bad_chunk"));
  }
  SUBCASE("limit on copied bytes: many ids sharing one long string") {
    std::vector<Entry> many;
    const std::string long_value(10'000, 'v');
    for (std::uint16_t i = 0; i < 200; ++i) many.push_back(str_entry(i, "k" + std::to_string(i), long_value));
    ArscLimits limits;
    limits.max_table_bytes = 100'000;
    Diagnostics diags;
    auto r = parse_arsc(build_arsc("p", {"string"}, {chunk(1, "", many)}), diags, "t", limits);
    CHECK(diags.has("arsc.limit"));
    CHECK(r.table.values.size() < 10);
    CHECK(r.table.strings.size() == 1);  // the pool itself holds the string once
  }
  SUBCASE("limit on entries") {
    ArscLimits limits;
    limits.max_entries = 1;
    Diagnostics diags;
    auto r = parse_arsc(good, diags, "t", limits);
    CHECK(diags.has("arsc.limit"));
    CHECK(r.table.values.size() == 1);
  }
}

TEST_CASE("arsc malformed: random byte mutations never crash") {
  const auto full = apk_entry("full.apk", "resources.arsc");
  std::mt19937 rng(77);
  for (int i = 0; i < 2000; ++i) {
    auto b = full;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 6); k < n; ++k) b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
    Diagnostics diags;
    CHECK_NOTHROW(parse_arsc(b, diags, "fuzz"));
  }
}
