// parse_class_file on broken input made from the fixtures and from hand-built pools (bad magic,
// truncation at every offset, unknown tags, indices out of range or of the wrong kind, huge
// counts, limits, random mutation): it must return, keep its invariants and say what was wrong.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "java/java_test_util.hpp"

using namespace sdkscope;
using sdkscope::test::Buf;
using sdkscope::test::ClassBuilder;
using sdkscope::test::Parsed;
using List = std::vector<std::string>;

namespace {

const Buf& tracker() {
  static const Buf bytes = test::class_fixture("java8/com/demo/sdk/Tracker.class");
  return bytes;
}

std::vector<Buf> all_fixtures() {
  std::vector<Buf> out;
  for (const auto& f : test::java8_fixtures()) out.push_back(test::class_fixture("java8/" + f));
  out.push_back(test::class_fixture("java17/com/demo/modern/Beacon.class"));
  out.push_back(test::class_fixture("java17/module-info.class"));
  return out;
}

bool subset(const List& part, const List& whole) {
  const std::set<std::string> w(whole.begin(), whole.end());
  return std::all_of(part.begin(), part.end(), [&](const std::string& s) { return w.count(s) == 1; });
}

// A small valid class: x.Self extends java.lang.Object, one string, one method ref.
struct Small {
  ClassBuilder b;
  std::uint16_t self, object, str, method;
  Small() {
    self = b.class_named("x/Self");
    object = b.class_named("java/lang/Object");
    str = b.string("hello");
    method = b.method("x/Owner", "run");
  }
};

}  // namespace

TEST_CASE("not a class file: other magics, too short") {
  for (const Buf& b : {Buf{}, Buf{0xCA}, Buf{0xCA, 0xFE, 0xBA}, Buf{0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52, 0}}) {
    auto p = test::parse(b);
    CAPTURE(b.size());
    CHECK_FALSE(p.r.ok);
    CHECK(p.diags.has("class.truncated"));
    CHECK(test::check_invariants(p) == "");
  }
  const std::vector<Buf> others = {
      {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0},                    // a zip (JAR)
      {'d', 'e', 'x', '\n', '0', '3', '5', 0, 0, 0, 0, 0},          // a DEX
      {0xBE, 0xBA, 0xFE, 0xCA, 0, 0, 0, 52, 0, 5, 0, 0},            // byte-swapped magic
      {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0}};               // an ELF
  for (const auto& b : others) {
    auto p = test::parse(b);
    CHECK_FALSE(p.r.ok);
    REQUIRE(p.diags.size() == 1);
    CHECK(p.diags.items()[0].code == "class.bad_magic");
    CHECK(p.diags.items()[0].severity == Severity::error);
    CHECK(p.diags.items()[0].where == "t.class");
  }
  // A universal (fat) Mach-O starts with the same magic, then a small architecture count.
  const Buf fat = {0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 2, 0x01, 0, 0, 0x0c, 0, 0, 0, 0, 0, 0, 0x40, 0};
  auto p = test::parse(fat);
  CHECK_FALSE(p.r.ok);
  CHECK(p.diags.has("class.bad_magic"));
  CHECK(p.r.cls.referenced_classes.empty());
}

TEST_CASE("truncated at every offset: ok exactly when this_class is in, partial results, no reads past interfaces") {
  for (const Buf& full_bytes : all_fixtures()) {
    const auto full = test::parse(full_bytes);
    REQUIRE(full.r.ok);
    REQUIRE(full.diags.empty());
    const auto map = test::map_pool(full_bytes);
    REQUIRE(map.complete);
    const std::size_t name_end = map.end + 6;  // access_flags, this_class, super_class
    const std::size_t header_end = name_end + 2 + 2 * test::get_u16(full_bytes, name_end);
    REQUIRE(header_end < full_bytes.size());
    CAPTURE(full.r.cls.name);

    std::size_t last_strings = 0, last_classes = 0, last_methods = 0;
    for (std::size_t cut = 0; cut <= full_bytes.size(); ++cut) {
      const Buf b(full_bytes.begin(), full_bytes.begin() + static_cast<std::ptrdiff_t>(cut));
      const auto p = test::parse(b);
      const auto& c = p.r.cls;
      CAPTURE(cut);
      CHECK(test::check_invariants(p) == "");
      CHECK(p.r.ok == (cut >= name_end));
      CHECK(p.diags.empty() == (cut >= header_end));
      if (cut < header_end) CHECK(p.diags.has("class.truncated"));
      CHECK(subset(c.strings, full.r.cls.strings));
      CHECK(subset(c.referenced_classes, full.r.cls.referenced_classes));
      CHECK(subset(c.method_refs, full.r.cls.method_refs));
      CHECK(subset(c.interfaces, full.r.cls.interfaces));
      // More bytes never lose anything.
      CHECK(c.strings.size() >= last_strings);
      CHECK(c.referenced_classes.size() >= last_classes);
      CHECK(c.method_refs.size() >= last_methods);
      last_strings = c.strings.size();
      last_classes = c.referenced_classes.size();
      last_methods = c.method_refs.size();
      if (cut >= map.end) {  // the whole pool is there: every constant, even without the class name
        CHECK(c.strings == full.r.cls.strings);
        CHECK(c.referenced_classes == full.r.cls.referenced_classes);
        CHECK(c.method_refs == full.r.cls.method_refs);
      }
      if (cut >= header_end) {
        CHECK(c.name == full.r.cls.name);
        CHECK(c.super_name == full.r.cls.super_name);
        CHECK(c.interfaces == full.r.cls.interfaces);
        CHECK(c.access_flags == full.r.cls.access_flags);
      }
    }
  }
}

TEST_CASE("unknown tags stop the walk: an error, and the entries before it still count") {
  const auto map = test::map_pool(tracker());
  // Tracker's pool: #62 String -> #63 (the folded URL), #72 Long, #80 Utf8 "ENDPOINT", then the
  // two field constants #82 and #85. A bad tag at #80 keeps the first string only.
  REQUIRE(map.tags.at(62) == 8);
  REQUIRE(map.tags.at(80) == 1);
  for (std::uint8_t tag : {0, 2, 13, 14, 21, 99, 0x80, 0xFF}) {
    Buf b = tracker();
    b.at(map.offsets[80]) = tag;
    const auto p = test::parse(b);
    CAPTURE(int(tag));
    CHECK_FALSE(p.r.ok);
    CHECK(p.r.cls.name.empty());
    CHECK(test::check_invariants(p) == "");
    REQUIRE(p.diags.size() == 1);
    CHECK(p.diags.items()[0].code == "class.bad_constant");
    CHECK(p.diags.items()[0].severity == Severity::error);
    CHECK(p.diags.items()[0].message.find("unknown tag") != std::string::npos);
    CHECK(p.r.cls.strings == List{"https://collect.sdkscope-demo.net/v1/event?v=SDK_VERSION_3.2.1&p="});
    CHECK(p.r.cls.method_refs.size() == 12);  // all Methodrefs come before #72
    CHECK(std::count(p.r.cls.referenced_classes.begin(), p.r.cls.referenced_classes.end(), "java.util.List") == 1);
  }
  // At entry #1 nothing is left.
  Buf b = tracker();
  b.at(10) = 0;
  const auto p = test::parse(b);
  CHECK_FALSE(p.r.ok);
  CHECK(p.r.cls.referenced_classes.empty());
  CHECK(p.diags.has("class.bad_constant"));
}

TEST_CASE("this_class: zero, out of range, wrong kind, not a class name") {
  struct Case {
    const char* what;
    std::uint16_t (*pick)(Small&);
  };
  const Case cases[] = {
      {"zero", [](Small&) -> std::uint16_t { return 0; }},
      {"past the pool", [](Small& s) { return s.b.count(); }},
      {"0xffff", [](Small&) -> std::uint16_t { return 0xFFFF; }},
      {"a String entry", [](Small& s) { return s.str; }},
      {"a Utf8 entry", [](Small& s) { return static_cast<std::uint16_t>(s.self - 1); }},
      {"a primitive array", [](Small& s) { return s.b.class_named("[I"); }},
      {"a Class with a bad name index", [](Small& s) { return s.b.class_ref(0x7777); }},
      {"a Class naming a Class", [](Small& s) { return s.b.class_ref(s.object); }},
  };
  for (const auto& c : cases) {
    Small s;
    const std::uint16_t this_class = c.pick(s);
    const auto p = test::parse(s.b.build(this_class, s.object));
    CAPTURE(c.what);
    CHECK_FALSE(p.r.ok);
    CHECK(p.r.cls.name.empty());
    CHECK(p.diags.has("class.bad_constant"));
    CHECK(test::has_error(p.diags));
    CHECK(test::check_invariants(p) == "");
    // The pool itself was fine: its constants are all there.
    CHECK(p.r.cls.strings == List{"hello"});
    CHECK(p.r.cls.method_refs == List{"x.Owner.run"});
  }
}

TEST_CASE("super_class and interfaces: bad indices are skipped with a warning") {
  Small s;
  const auto runnable = s.b.class_named("java/lang/Runnable");
  const auto p = test::parse(s.b.build(s.self, 0x4444, {s.str, runnable, 0, 0x9999, s.object}));
  CHECK(p.r.ok);
  CHECK(p.r.cls.name == "x.Self");
  CHECK(p.r.cls.super_name.empty());
  CHECK(p.r.cls.interfaces == List{"java.lang.Runnable", "java.lang.Object"});
  CHECK(test::count_code(p.diags, "class.bad_constant") == 4);
  CHECK_FALSE(test::has_error(p.diags));
  CHECK(test::check_invariants(p) == "");
}

TEST_CASE("constants with bad references are skipped, the rest kept") {
  ClassBuilder b;
  const auto self = b.class_named("x/Self");
  const auto long_index = b.long_const(42);
  b.string_ref(0);                                        // index 0
  b.string_ref(0xFFFE);                                   // past the pool
  b.string_ref(self);                                     // a Class, not a Utf8
  b.string_ref(static_cast<std::uint16_t>(long_index + 1));  // the unusable half of a Long
  b.string("kept");
  b.class_ref(0xFFF0);                                    // a Class with a bad name
  b.class_ref(long_index);                                // a Class naming a Long
  const auto nat = b.name_and_type(b.utf8("m"), b.utf8("()V"));
  b.methodref(b.utf8("x/NotAClass"), nat);                // class index on a Utf8
  b.methodref(self, self);                                // name_and_type index on a Class
  b.methodref(self, b.name_and_type(self, self));         // a NameAndType naming a Class
  b.methodref(0, nat);
  b.methodref(self, nat, 11);                             // fine
  const auto p = test::parse(b.build(self, 0));
  CHECK(p.r.ok);
  CHECK(p.r.cls.strings == List{"kept"});
  CHECK(p.r.cls.referenced_classes == List{"x.Self"});
  CHECK(p.r.cls.method_refs == List{"x.Self.m"});
  CHECK(test::count_code(p.diags, "class.bad_constant") >= 8);
  CHECK_FALSE(test::has_error(p.diags));
  CHECK(test::check_invariants(p) == "");
  bool named_unusable = false;
  for (const auto& d : p.diags.items()) named_unusable |= d.message.find("unusable") != std::string::npos;
  CHECK(named_unusable);
}

TEST_CASE("repeated problems are capped: 8 in full, then one summary") {
  ClassBuilder b;
  const auto self = b.class_named("x/Self");
  for (int i = 0; i < 1000; ++i) b.string_ref(0xFFFF);
  const auto p = test::parse(b.build(self, 0));
  CHECK(p.r.ok);
  CHECK(p.diags.size() == 9);
  CHECK(test::count_code(p.diags, "class.bad_constant") == 9);
  CHECK(p.diags.items().back().message == "992 more class.bad_constant problems not listed");
}

TEST_CASE("a Long or Double in the last slot is reported, and the class still read") {
  ClassBuilder b;
  const auto self = b.class_named("x/Self");
  b.long_const(0x4009'21FB'5444'2D18ull, 6);  // a Double: pi
  b.force_count(static_cast<std::uint16_t>(b.count() - 1));  // its second slot falls outside
  const auto p = test::parse(b.build(self, 0));
  CHECK(p.r.ok);
  CHECK(p.r.cls.name == "x.Self");
  CHECK(test::count_code(p.diags, "class.bad_constant") == 1);
}

TEST_CASE("huge counts in tiny files: bounded, reported") {
  // constant_pool_count 65535 with three constants present.
  Small s;
  Buf b = s.b.build(s.self, s.object);
  test::set_u16(b, 8, 0xFFFF);
  b.resize(b.size() - 14);  // the class header and the tail are gone as well
  auto start = std::chrono::steady_clock::now();
  auto p = test::parse(b);
  CHECK_FALSE(p.r.ok);
  CHECK(p.diags.has("class.truncated"));
  CHECK(p.r.cls.strings == List{"hello"});
  CHECK(test::check_invariants(p) == "");

  // A Utf8 claiming 65535 bytes with 5 present.
  Buf u = {0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52, 0, 2, 1, 0xFF, 0xFF, 'a', 'b', 'c', 'd', 'e'};
  p = test::parse(u);
  CHECK_FALSE(p.r.ok);
  CHECK(p.diags.has("class.truncated"));

  // interfaces_count 65535 with one interface present.
  Small t;
  const auto runnable = t.b.class_named("java/lang/Runnable");
  Buf i = t.b.build(t.self, t.object, {runnable});
  i.resize(i.size() - 6);  // drop fields, methods, attributes counts
  test::set_u16(i, i.size() - 4, 0xFFFF);
  p = test::parse(i);
  CHECK(p.r.ok);
  CHECK(p.r.cls.interfaces == List{"java.lang.Runnable"});
  CHECK(p.diags.has("class.truncated"));

  // constant_pool_count 0: an empty pool, so this_class cannot name anything.
  Buf z = {0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52, 0, 0, 0, 0x21, 0, 1, 0, 0, 0, 0};
  p = test::parse(z);
  CHECK_FALSE(p.r.ok);
  CHECK(p.diags.has("class.bad_constant"));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  CHECK(ms.count() < 1000);
}

TEST_CASE("max_constant_pool: the walk stops there, the class name is lost, earlier constants kept") {
  java::ClassFileLimits limits;
  limits.max_constant_pool = 10;
  const auto p = test::parse(tracker(), limits);
  CHECK_FALSE(p.r.ok);
  CHECK(p.diags.has("class.limit"));
  CHECK(test::has_error(p.diags));
  // Entries #1..#10 hold one Class (#2 -> #4) and no Methodref or String.
  CHECK(p.r.cls.referenced_classes == List{"com.demo.sdk.Tracker"});
  CHECK(p.r.cls.method_refs.empty());
  CHECK(test::check_invariants(p, limits) == "");

  limits.max_constant_pool = 114;  // Tracker's pool has exactly 114 entries
  CHECK(test::parse(tracker(), limits).r.ok);
  CHECK(test::parse(tracker(), limits).diags.empty());
}

TEST_CASE("max_output_bytes: names past the budget are left out, the class name kept") {
  java::ClassFileLimits limits;
  limits.max_output_bytes = 64;
  const auto p = test::parse(tracker(), limits);
  CHECK(p.r.ok);
  CHECK(p.r.cls.name == "com.demo.sdk.Tracker");
  CHECK(p.r.cls.interfaces == List{"com.demo.sdk.EventSink"});  // 20 + 22 + 22 bytes fit, not 18 more
  CHECK(test::count_code(p.diags, "class.limit") == 1);
  CHECK(p.r.cls.referenced_classes.empty());
  CHECK(test::check_invariants(p, limits) == "");
}

TEST_CASE("a small pool that joins long names many times stays bounded") {
  // 20000 Methodrefs on one Class and one NameAndType, both naming 60000-byte strings: 2.4 GB of
  // "owner.method" text if built, from 280 KB of pool.
  ClassBuilder b;
  const auto self = b.class_named("x/Self");
  const auto owner = b.class_named(std::string(60'000, 'o'));
  const auto nat = b.name_and_type(b.utf8(std::string(60'000, 'n')), b.utf8("()V"));
  for (int i = 0; i < 20'000; ++i) b.methodref(owner, nat);
  // And 20000 Class and String entries sharing one 60000-byte Utf8: decoded once each way.
  const auto big = b.utf8(std::string(60'000, 'c'));
  for (int i = 0; i < 20'000; ++i) {
    b.class_ref(big);
    b.string_ref(big);
  }
  const Buf file = b.build(self, 0);
  REQUIRE(file.size() < 410'000);
  const auto start = std::chrono::steady_clock::now();
  const auto p = test::parse(file);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  CHECK(p.r.ok);
  CHECK(p.diags.has("class.limit"));
  CHECK(p.r.cls.method_refs.size() == 1);
  CHECK(test::check_invariants(p) == "");
  CHECK(ms.count() < 2000);

  // Without the joins, the shared Utf8 costs one name and one string.
  ClassBuilder c;
  const auto self2 = c.class_named("x/Self");
  const auto big2 = c.utf8(std::string(60'000, 'c'));
  for (int i = 0; i < 20'000; ++i) {
    c.class_ref(big2);
    c.string_ref(big2);
  }
  const auto q = test::parse(c.build(self2, 0));
  CHECK(q.r.ok);
  CHECK(q.diags.empty());
  CHECK(q.r.cls.referenced_classes.size() == 2);
  CHECK(q.r.cls.strings.size() == 1);
}

TEST_CASE("random mutations of the fixtures: no crash, invariants hold, bounded") {
  const auto fixtures = all_fixtures();
  constexpr std::uint32_t kSeeds = 4000;
  std::size_t ok = 0, with_diags = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint32_t seed = 0; seed < kSeeds; ++seed) {
    std::mt19937 rng(seed);
    Buf b = fixtures[seed % fixtures.size()];
    const auto map = test::map_pool(b);
    const int kind = static_cast<int>(rng() % 4);
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      if (kind == 0) {  // anywhere
        b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
      } else if (kind == 1) {  // an index or a length right after a tag: the interesting bytes
        const std::size_t i = 1 + rng() % (map.offsets.size() - 1);
        if (map.offsets[i] + 2 < b.size()) b[map.offsets[i] + 1 + rng() % 2] = static_cast<std::uint8_t>(rng());
      } else if (kind == 2) {  // a tag
        const std::size_t i = 1 + rng() % (map.offsets.size() - 1);
        if (map.offsets[i]) b[map.offsets[i]] = static_cast<std::uint8_t>(rng() % 24);
      } else {  // the counts and the class header
        const std::size_t at = rng() % 2 ? 8 + rng() % 2 : map.end + rng() % 8;
        if (at < b.size()) b[at] = static_cast<std::uint8_t>(rng());
      }
    }
    if (rng() % 5 == 0) b.resize(rng() % b.size());
    const auto p = test::parse(b);
    const auto broken = test::check_invariants(p);
    CHECK_MESSAGE(broken == "", "seed ", seed, ": ", broken);
    ok += p.r.ok;
    with_diags += !p.diags.empty();
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  MESSAGE(kSeeds << " mutated files: " << ok << " parsed ok, " << with_diags << " with diagnostics, " << ms.count()
                 << " ms");
  CHECK(with_diags > kSeeds / 2);  // the mutations do reach the parser's checks
  CHECK(ok > kSeeds / 10);         // and do not only break the magic
}
