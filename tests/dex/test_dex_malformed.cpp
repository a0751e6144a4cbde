// parse_dex on broken input made from the fixtures (bad magic, truncation, corrupt offsets, huge
// counts, overlaps, limits, mutation): it must return, keep its invariants and say what was wrong.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "dex/dex_builder.hpp"
#include "dex/dex_test_util.hpp"
#include "scanner/util/byte_reader.hpp"

using namespace sdkscope;
using sdkscope::dex::DexLimits;
using sdkscope::dex::DexParseResult;
using sdkscope::dex::parse_dex;
using Buf = std::vector<std::uint8_t>;

namespace {

void put32(Buf& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.at(at + i) = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t get32(const Buf& b, std::size_t at) { return ByteReader(b).u32(at); }

struct Parsed {
  DexParseResult r;
  Diagnostics diags;
};

Parsed parse(const Buf& b, const DexLimits& limits = {}) {
  Parsed p;
  p.r = parse_dex(b, p.diags, "t.dex", limits);
  return p;
}

std::size_t count_code(const Diagnostics& d, std::string_view code) {
  std::size_t n = 0;
  for (const auto& x : d.items()) n += x.code == code;
  return n;
}

// The code_off of the first method with code in class_def `def` (read by hand, for corrupting).
std::uint32_t first_code_off(const Buf& b, std::size_t def) {
  const ByteReader r(b);
  std::size_t p = r.u32(get32(b, 0x64) + 32 * def + 24);
  std::uint32_t sizes[4];
  for (auto& s : sizes) s = r.uleb128(p);
  for (std::uint32_t f = 0; f < sizes[0] + sizes[1]; ++f) r.uleb128(p), r.uleb128(p);
  for (std::uint32_t m = 0; m < sizes[2] + sizes[3]; ++m) {
    r.uleb128(p);
    r.uleb128(p);
    if (auto code = r.uleb128(p)) return code;
  }
  return 0;
}

std::size_t class_def_index(const dex::DexFile& d, const std::string& name) {
  for (std::size_t i = 0; i < d.classes.size(); ++i)
    if (d.classes[i] == name) return i;
  FAIL("no class " << name);
  return 0;
}

const Buf& app() {
  static const Buf bytes = test::dex_fixture("app.dex");
  return bytes;
}

}  // namespace

TEST_CASE("not a DEX: bad magic, unknown versions, too short") {
  CHECK_FALSE(parse({}).r.ok);
  CHECK(parse({}).diags.has("dex.truncated"));
  CHECK(parse({'d', 'e', 'x'}).diags.has("dex.truncated"));

  auto zip = app();
  zip[0] = 'P', zip[1] = 'K', zip[2] = 3, zip[3] = 4;
  auto p = parse(zip);
  CHECK_FALSE(p.r.ok);
  CHECK(p.diags.has("dex.bad_magic"));
  CHECK(p.diags.items().at(0).severity == Severity::error);
  CHECK(p.diags.items().at(0).where == "t.dex");

  for (const char* version : {"034", "009", "0a5", "35\0"}) {
    auto b = app();
    std::copy(version, version + 3, b.begin() + 4);
    auto q = parse(b);
    CHECK_MESSAGE(!q.r.ok, version);
    CHECK(q.diags.has("dex.bad_magic"));
  }
  auto no_nul = app();
  no_nul[7] = '5';
  CHECK_FALSE(parse(no_nul).r.ok);

  auto header_only = app();
  header_only.resize(0x6f);
  auto h = parse(header_only);
  CHECK_FALSE(h.r.ok);
  CHECK(h.diags.has("dex.truncated"));
}

TEST_CASE("versions 035..041 are read, and a newer one is read with a warning") {
  for (const char* version : {"035", "036", "037", "038", "039", "040", "041", "042"}) {
    auto b = app();
    std::copy(version, version + 3, b.begin() + 4);
    auto p = parse(b);
    REQUIRE_MESSAGE(p.r.ok, version);
    CHECK(p.r.dex.version == std::stoi(version));
    CHECK(p.r.dex.classes.size() == 7);
    CHECK(p.diags.has("dex.bad_magic") == (std::string(version) == "042"));
  }
}

TEST_CASE("endian tag: big-endian is refused, any other odd value is read as little-endian") {
  auto big = app();
  put32(big, 0x28, 0x78563412);
  auto p = parse(big);
  CHECK_FALSE(p.r.ok);
  CHECK(p.diags.has("dex.bad_magic"));

  auto odd = app();
  put32(odd, 0x28, 0x12345679);
  auto q = parse(odd);
  CHECK(q.r.ok);
  CHECK(q.diags.has("dex.bad_magic"));
  CHECK(q.r.dex.classes.size() == 7);
}

TEST_CASE("truncated at every offset: returns, reports, keeps invariants") {
  const auto full = parse(app());
  REQUIRE(full.diags.empty());
  for (std::size_t cut = 0; cut < app().size(); ++cut) {
    const Buf b(app().begin(), app().begin() + static_cast<std::ptrdiff_t>(cut));
    auto p = parse(b);
    CAPTURE(cut);
    CHECK(p.r.ok == (cut >= 0x70));
    CHECK(p.diags.has("dex.truncated"));  // at least the header's file_size disagrees
    CHECK(test::check_invariants(p.r.dex) == "");
    CHECK(p.r.dex.classes.size() <= full.r.dex.classes.size());
    CHECK(p.r.dex.string_uses.size() <= full.r.dex.string_uses.size());
    CHECK(p.diags.size() <= 4 * 9);  // at most 8 per code plus one summary line
  }
}

TEST_CASE("header sizes and offsets: huge, past the end, zero") {
  const auto clean = parse(app());
  const std::size_t size = app().size();
  struct Field {
    std::size_t at;
    bool read;  // parse_dex uses this field
  };
  const Field fields[] = {{0x20, true},  {0x2c, false}, {0x30, false}, {0x34, false}, {0x38, true},
                          {0x3c, true},  {0x40, true},  {0x44, true},  {0x48, false}, {0x4c, false},
                          {0x50, true},  {0x54, true},  {0x58, true},  {0x5c, true},  {0x60, true},
                          {0x64, true},  {0x68, false}, {0x6c, false}};
  const std::uint32_t values[] = {0xFFFFFFFF,
                                  0x80000000,
                                  0x7FFFFFFF,
                                  static_cast<std::uint32_t>(size),
                                  static_cast<std::uint32_t>(size - 1),
                                  0x10000,
                                  1};
  for (const auto& f : fields) {
    for (auto v : values) {
      auto b = app();
      put32(b, f.at, v);
      auto p = parse(b);
      CAPTURE(f.at);
      CAPTURE(v);
      REQUIRE(p.r.ok);
      CHECK(test::check_invariants(p.r.dex) == "");
      // No allocation from a claimed count: every table is bounded by the bytes that hold it.
      CHECK(p.r.dex.strings.size() <= size / 4);
      CHECK(p.r.dex.classes.size() <= size / 32);
      CHECK(p.r.dex.method_refs.size() <= size / 8);
      CHECK(p.r.dex.field_refs.size() <= size / 8);
      if (!f.read) {
        // Fields the reader ignores change nothing.
        CHECK(p.diags.empty());
        CHECK(p.r.dex.classes == clean.r.dex.classes);
        CHECK(p.r.dex.string_uses == clean.r.dex.string_uses);
      } else if (v >= 0x10000 && f.at != 0x20) {
        // A count or offset this large cannot be right for a 4 KB file, and is reported.
        CHECK_FALSE(p.diags.empty());
      }
    }
  }
}

TEST_CASE("a count of 2^32 - 1 entries reserves nothing it cannot fill") {
  for (std::size_t at : {0x38, 0x40, 0x58, 0x60}) {
    auto b = app();
    put32(b, at, 0xFFFFFFFF);
    auto p = parse(b);
    CAPTURE(at);
    CHECK(p.diags.has("dex.truncated"));
    CHECK(p.r.dex.strings.capacity() <= app().size() / 4 + 256);
    CHECK(p.r.dex.method_refs.capacity() <= app().size() / 8 + 256);
    CHECK(p.r.dex.classes.capacity() <= app().size() / 32 + 256);
  }
}

TEST_CASE("partial results: one class's broken code does not lose the others") {
  const auto clean = parse(app()).r.dex;
  const std::size_t main = class_def_index(clean, "com.example.app.MainActivity");
  const std::uint32_t code = first_code_off(app(), main);
  REQUIRE(code != 0);

  SUBCASE("insns_size past the end") {
    auto b = app();
    put32(b, code + 12, 0x40000000);
    auto p = parse(b);
    CHECK(p.diags.has("dex.truncated"));
    auto uses = test::uses_by_class(p.r.dex);
    CHECK(uses.at("com.tencent.bugly.crashreport.CrashReport") ==
          std::set<std::string>{"http://rqd.uu.qq.com/rqd/sync"});
    CHECK(uses.at("com.example.app.MainActivity$Inner") ==
          std::set<std::string>{"wss://push.example.net/socket"});
    // MainActivity's other methods are still scanned.
    CHECK(uses.at("com.example.app.MainActivity").count("MainActivity") == 1);
  }
  SUBCASE("class_data_off past the end, and a const-string index past the pool") {
    auto b = app();
    put32(b, get32(b, 0x64) + 32 * main + 24, 0x7FFFFFF0);
    const std::size_t crash = class_def_index(clean, "com.tencent.bugly.crashreport.CrashReport");
    const std::uint32_t crash_code = first_code_off(app(), crash);
    // Its const-string is the 3rd instruction (new-instance 2 units, invoke-direct 3 units).
    REQUIRE(b.at(crash_code + 16 + 10) == 0x1a);
    b.at(crash_code + 16 + 12) = 0xFF, b.at(crash_code + 16 + 13) = 0xFF;
    auto p = parse(b);
    CHECK(p.diags.has("dex.bad_offset"));
    CHECK(p.r.dex.classes == clean.classes);
    auto uses = test::uses_by_class(p.r.dex);
    CHECK(uses.at("com.example.app.MainActivity").empty());
    CHECK(uses.at("com.tencent.bugly.crashreport.CrashReport").empty());
    CHECK(uses.at("com.example.app.Texts").size() == 4);
  }
  SUBCASE("a class_def naming a type that does not exist is dropped, the rest kept") {
    auto b = app();
    put32(b, get32(b, 0x64) + 32 * main, 0xFFFF);
    auto p = parse(b);
    CHECK(p.diags.has("dex.bad_offset"));
    CHECK(p.r.dex.classes.size() == clean.classes.size() - 1);
    CHECK(test::check_invariants(p.r.dex) == "");
  }
}

TEST_CASE("overlapping tables: every string id at one string, every class at one class_data") {
  SUBCASE("shared string data decodes to the same string") {
    auto b = app();
    const std::uint32_t ids = get32(b, 0x3c);
    for (std::uint32_t i = 1; i < get32(b, 0x38); ++i) put32(b, ids + 4 * i, get32(b, ids));
    auto p = parse(b);
    REQUIRE(p.r.ok);
    for (const auto& s : p.r.dex.strings) CHECK(s == p.r.dex.strings[0]);
    CHECK(test::check_invariants(p.r.dex) == "");
  }
  SUBCASE("string ids overlapping one long unterminated run stop at the string budget") {
    // 40,000 ids at successive offsets into 200 KB of 'A' with no terminator: quadratic without
    // a budget (8 GB scanned); with it, at most 4x the file.
    test::dexb::Spec spec;
    spec.strings = {"x"};
    Buf b = test::dexb::build(spec);
    const std::size_t ids = b.size();
    const std::uint32_t n = 40'000;
    b.resize(ids + 4 * n);
    const std::size_t run = b.size();
    b.resize(run + 200'000, 'A');
    for (std::uint32_t i = 0; i < n; ++i) put32(b, ids + 4 * i, static_cast<std::uint32_t>(run + i));
    put32(b, 0x38, n);
    put32(b, 0x3c, static_cast<std::uint32_t>(ids));
    put32(b, 0x20, static_cast<std::uint32_t>(b.size()));
    auto p = parse(b);
    REQUIRE(p.r.ok);
    CHECK(p.diags.has("dex.limit"));
    std::size_t total = 0;
    for (const auto& s : p.r.dex.strings) total += s.size();
    CHECK(total <= 4 * b.size());
    CHECK(p.r.dex.strings.size() == n);  // the rest are present, empty, so indices stay valid
  }
  SUBCASE("every class_def pointing at one class_data attributes the same strings to each") {
    auto b = app();
    const std::uint32_t defs = get32(b, 0x64);
    const auto clean = parse(app()).r.dex;
    const std::size_t crash = class_def_index(clean, "com.tencent.bugly.crashreport.CrashReport");
    const std::uint32_t shared = get32(b, defs + 32 * crash + 24);
    for (std::uint32_t i = 0; i < get32(b, 0x60); ++i) put32(b, defs + 32 * i + 24, shared);
    auto p = parse(b);
    CHECK(p.diags.empty());
    for (const auto& [cls, strings] : test::uses_by_class(p.r.dex)) {
      CHECK_MESSAGE(strings == std::set<std::string>{"http://rqd.uu.qq.com/rqd/sync"}, cls);
    }
  }
}

TEST_CASE("limits: each one stops work, says so, and leaves consistent results") {
  SUBCASE("max_strings") {
    auto p = parse(app(), DexLimits{.max_strings = 10});
    CHECK(p.diags.has("dex.limit"));
    CHECK(p.r.dex.strings.size() == 10);
    CHECK(test::check_invariants(p.r.dex) == "");
  }
  SUBCASE("max_classes") {
    auto p = parse(app(), DexLimits{.max_classes = 2});
    CHECK(p.diags.has("dex.limit"));
    CHECK(p.r.dex.classes.size() == 2);
    CHECK(test::check_invariants(p.r.dex) == "");
  }
  SUBCASE("max_code_units") {
    const auto full = parse(app()).r.dex;
    auto p = parse(app(), DexLimits{.max_code_units = 20});
    CHECK(p.diags.has("dex.limit"));
    CHECK(p.r.dex.classes == full.classes);
    CHECK(p.r.dex.string_uses.size() < full.string_uses.size());
    CHECK(count_code(p.diags, "dex.limit") == 1);  // reported once, not per method
  }
  SUBCASE("max_name_bytes") {
    auto p = parse(app(), DexLimits{.max_name_bytes = 600});
    CHECK(p.diags.has("dex.limit"));
    CHECK(count_code(p.diags, "dex.limit") == 1);
    std::size_t total = 0;
    for (const auto& m : p.r.dex.method_refs) total += m.size();
    CHECK(total <= 600);
    CHECK(test::check_invariants(p.r.dex) == "");
  }
}

TEST_CASE("a corrupt table is reported a few times and summarised, not once per entry") {
  auto b = app();
  const std::uint32_t methods = get32(b, 0x5c);
  const std::uint32_t n = get32(b, 0x58);
  REQUIRE(n > 20);
  for (std::uint32_t i = 0; i < n; ++i) put32(b, methods + 8 * i + 4, 0xFFFFFF00 + i);
  auto p = parse(b);
  CHECK(count_code(p.diags, "dex.bad_offset") == 9);
  CHECK(p.diags.items().back().message.find(std::to_string(n - 8) + " more") != std::string::npos);
  CHECK(p.r.dex.method_refs.size() == n);  // still one per method_id, the bad ones ""
  CHECK(p.r.dex.classes.size() == 7);
}

TEST_CASE("random mutations never crash and never break the invariants") {
  const std::size_t size = app().size();
  const std::uint32_t interesting[] = {0,
                                       1,
                                       0x7F,
                                       0x80,
                                       0xFFFF,
                                       0x10000,
                                       0x7FFFFFFF,
                                       0x80000000,
                                       0xFFFFFFFF,
                                       static_cast<std::uint32_t>(size),
                                       static_cast<std::uint32_t>(size - 1)};
  std::size_t with_diags = 0;
  for (std::uint32_t seed = 0; seed < 4000; ++seed) {
    std::mt19937 rng(seed);
    auto b = app();
    const int edits = 1 + static_cast<int>(rng() % 12);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 3) {
        case 0:  // any byte
          b[rng() % size] = static_cast<std::uint8_t>(rng());
          break;
        case 1:  // a header byte past the magic
          b[8 + rng() % (0x70 - 8)] = static_cast<std::uint8_t>(rng());
          break;
        default:  // an aligned word set to a value that stresses bounds arithmetic
          put32(b, (rng() % (size / 4)) * 4, interesting[rng() % std::size(interesting)]);
      }
    }
    auto p = parse(b);
    CAPTURE(seed);
    CHECK(test::check_invariants(p.r.dex) == "");
    CHECK(p.diags.size() <= 4 * 9);
    for (const auto& d : p.diags.items()) CHECK(d.where == "t.dex");
    with_diags += !p.diags.empty();
  }
  // Most mutations land somewhere the reader checks; a run where none were noticed would mean
  // the checks are not running at all.
  CHECK(with_diags > 1000);
}
