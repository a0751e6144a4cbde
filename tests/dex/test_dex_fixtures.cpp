// parse_dex on the smali-built fixtures (testdata/dex/src -> scripts/gen-dex-fixtures.sh) and on
// images from the test DEX builder: classes, strings, attribution, method refs, v41 containers.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "dex/dex_builder.hpp"
#include "dex/dex_test_util.hpp"
#include "scanner/util/byte_reader.hpp"

using namespace sdkscope;
using sdkscope::dex::parse_dex;
using Set = std::set<std::string>;

namespace {

dex::DexFile parse_clean(const std::vector<std::uint8_t>& bytes, const std::string& where) {
  Diagnostics diags;
  auto r = parse_dex(bytes, diags, where);
  REQUIRE(r.ok);
  for (const auto& d : diags.items()) MESSAGE(d.code << ": " << d.message);
  CHECK(diags.empty());
  return r.dex;
}

// UTF-8 -> UTF-16 code units, to check the pool's order (DEX sorts strings by UTF-16 value).
std::u16string to_utf16(const std::string& s) {
  std::u16string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp = 0;
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += static_cast<std::size_t>(len);
    if (cp >= 0x10000) {
      out.push_back(static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("app.dex: defined classes and their superclasses") {
  const auto d = parse_clean(test::dex_fixture("app.dex"), "app.dex");
  CHECK(d.version == 35);
  CHECK(d.container_entries == 1);
  std::map<std::string, std::string> supers;
  for (std::size_t i = 0; i < d.classes.size(); ++i) supers[d.classes[i]] = d.superclasses[i];
  const std::map<std::string, std::string> expected = {
      {"com.example.app.BaseTask", "java.lang.Object"},
      {"com.example.app.Callback", "java.lang.Object"},
      {"com.example.app.MainActivity", "android.app.Activity"},
      {"com.example.app.MainActivity$Inner", "java.lang.Object"},
      {"com.example.app.Marker", "java.lang.Object"},
      {"com.example.app.Texts", "java.lang.Object"},
      {"com.tencent.bugly.crashreport.CrashReport", "java.lang.Object"},
  };
  CHECK(supers == expected);
  CHECK(d.classes.size() == expected.size());
}

TEST_CASE("app.dex: each class's code is credited with exactly the strings it loads") {
  const auto d = parse_clean(test::dex_fixture("app.dex"), "app.dex");
  CHECK(test::check_invariants(d) == "");
  const auto uses = test::uses_by_class(d);
  // MainActivity's switch keys and array items are 0xNNNN001a words covering every string
  // index in this pool: decoding any payload as code would add strings here.
  REQUIRE(d.strings.size() <= 256);
  CHECK(uses.at("com.example.app.MainActivity") ==
        Set{"https://api.example.com/v1", "android_id", "MainActivity"});
  CHECK(uses.at("com.example.app.MainActivity$Inner") == Set{"wss://push.example.net/socket"});  // jumbo
  CHECK(uses.at("com.tencent.bugly.crashreport.CrashReport") == Set{"http://rqd.uu.qq.com/rqd/sync"});
  CHECK(uses.at("com.example.app.Texts") == Set{"caf\xC3\xA9", "\xE4\xB8\xAD\xE6\x96\x87",
                                                "smile \xF0\x9F\x98\x80", std::string("nul\0inside", 10)});
  CHECK(uses.at("com.example.app.BaseTask").empty());  // abstract method only
  CHECK(uses.at("com.example.app.Callback").empty());  // interface
  CHECK(uses.at("com.example.app.Marker").empty());    // no class_data at all

  const auto users = test::users_of_string(d);
  CHECK(users.at("https://api.example.com/v1") == Set{"com.example.app.MainActivity"});
  CHECK(users.at("http://rqd.uu.qq.com/rqd/sync") == Set{"com.tencent.bugly.crashreport.CrashReport"});
  // In the pool (a static final field's value) but loaded by no code.
  CHECK(std::count(d.strings.begin(), d.strings.end(), "static-field-value") == 1);
  CHECK(users.count("static-field-value") == 0);
}

TEST_CASE("app.dex: string pool decoded from MUTF-8, in the pool's UTF-16 order") {
  const auto d = parse_clean(test::dex_fixture("app.dex"), "app.dex");
  for (const char* s : {"Lcom/example/app/MainActivity$Inner;", "android_id", "onCreate", "caf\xC3\xA9",
                        "smile \xF0\x9F\x98\x80"}) {
    CHECK_MESSAGE(std::count(d.strings.begin(), d.strings.end(), s) == 1, s);
  }
  CHECK(std::count(d.strings.begin(), d.strings.end(), std::string("nul\0inside", 10)) == 1);
  for (std::size_t i = 1; i < d.strings.size(); ++i) {
    CHECK_MESSAGE(to_utf16(d.strings[i - 1]) < to_utf16(d.strings[i]), d.strings[i - 1], " !< ",
                  d.strings[i]);
  }
}

TEST_CASE("app.dex: method refs and referenced types") {
  const auto bytes = test::dex_fixture("app.dex");
  const auto d = parse_clean(bytes, "app.dex");
  // One entry per method_id, in order.
  CHECK(d.method_refs.size() == ByteReader(bytes).u32(0x58));
  const Set refs(d.method_refs.begin(), d.method_refs.end());
  for (const char* m :
       {"android.provider.Settings$Secure.getString", "android.util.Log.d", "android.app.Activity.onCreate",
        "java.lang.StringBuilder.append", "java.lang.StringBuilder.toString", "java.lang.Object.<init>",
        "com.example.app.MainActivity$Inner.endpoint", "com.example.app.Callback.onResult",
        "com.example.app.BaseTask.run"}) {
    CHECK_MESSAGE(refs.count(m) == 1, m);
  }
  const Set types(d.referenced_types.begin(), d.referenced_types.end());
  for (const char* t :
       {"android.provider.Settings$Secure", "android.content.ContentResolver", "android.os.Bundle",
        "java.lang.String", "com.example.app.MainActivity", "com.example.app.Marker"}) {
    CHECK_MESSAGE(types.count(t) == 1, t);
  }
  for (const auto& t : d.referenced_types) {
    CHECK_MESSAGE((!t.empty() && t.find_first_of("[;/") == std::string::npos), t);  // no arrays or primitives
  }
}

TEST_CASE("multidex pair: each file parses on its own (classes.dex at 035, classes2.dex at 039)") {
  const auto one = parse_clean(test::dex_fixture("multidex_classes.dex"), "classes.dex");
  const auto two = parse_clean(test::dex_fixture("multidex_classes2.dex"), "classes2.dex");
  CHECK(one.version == 35);
  CHECK(two.version == 39);
  CHECK(one.classes == std::vector<std::string>{"com.example.multi.App"});
  CHECK(two.classes == std::vector<std::string>{"com.example.multi.Helper"});
  CHECK(one.superclasses == std::vector<std::string>{"android.app.Application"});
  // The call across files is a method ref in the first and a defined class in the second.
  CHECK(std::count(one.method_refs.begin(), one.method_refs.end(), "com.example.multi.Helper.ping") == 1);
  CHECK(std::count(one.referenced_types.begin(), one.referenced_types.end(), "com.example.multi.Helper") ==
        1);
  CHECK(test::uses_by_class(one).at("com.example.multi.App") == Set{"https://one.example.org/config"});
  CHECK(test::uses_by_class(two).at("com.example.multi.Helper") == Set{"https://two.example.org/ping"});
}

TEST_CASE("const-string/jumbo with a string index above 0xFFFF") {
  test::dexb::Spec spec;
  for (int i = 0; i < 70'000; ++i) spec.strings.push_back(fmt::format("s{:06}", i));
  spec.strings.push_back("Lz/Jumbo;");  // index 70000, sorts after "s..."
  spec.strings.push_back("run");        // 70001
  spec.types = {70'000};
  spec.methods = {{0, 70'001}};
  // const-string/jumbo v0, string@69999 (0x1116F); const-string v0, string@5; return-void
  spec.classes = {{0, 0xFFFFFFFF, {{0, {0x001b, 0x116f, 0x0001, 0x001a, 0x0005, 0x000e}}}}};
  const auto d = parse_clean(test::dexb::build(spec), "jumbo.dex");
  CHECK(d.classes == std::vector<std::string>{"z.Jumbo"});
  CHECK(d.superclasses == std::vector<std::string>{""});
  CHECK(d.method_refs == std::vector<std::string>{"z.Jumbo.run"});
  CHECK(d.string_uses == std::vector<dex::StringUse>{{5, 0}, {69'999, 0}});
  CHECK(d.strings[69'999] == "s069999");
}

TEST_CASE("v41 container: every entry is read and indices are rebased into the merged result") {
  test::dexb::Spec a;
  a.strings = {"La/A;", "https://a.example", "go"};
  a.types = {0};
  a.methods = {{0, 2}};
  a.classes = {{0, 0xFFFFFFFF, {{0, {0x001a, 0x0001, 0x000e}}}}};
  test::dexb::Spec b;
  b.strings = {"Lb/B;", "Ljava/lang/Object;", "https://b.example", "stop"};
  b.types = {0, 1};
  b.methods = {{0, 3}};
  b.classes = {{0, 1, {{0, {0x001a, 0x0002, 0x000e}}}}};
  const auto bytes = test::dexb::build_container({a, b});

  const auto d = parse_clean(bytes, "container.dex");
  CHECK(d.version == 41);
  CHECK(d.container_entries == 2);
  CHECK(d.classes == std::vector<std::string>{"a.A", "b.B"});
  CHECK(d.superclasses == std::vector<std::string>{"", "java.lang.Object"});
  CHECK(d.method_refs == std::vector<std::string>{"a.A.go", "b.B.stop"});
  CHECK(d.strings.size() == 7);
  CHECK(test::uses_by_class(d) ==
        std::map<std::string, Set>{{"a.A", {"https://a.example"}}, {"b.B", {"https://b.example"}}});
  CHECK(test::check_invariants(d) == "");

  SUBCASE("a single-entry v41 file reads like any other") {
    auto single = test::dexb::build_container({a});
    const auto one = parse_clean(single, "single.dex");
    CHECK(one.container_entries == 1);
    CHECK(one.classes == std::vector<std::string>{"a.A"});
  }
  SUBCASE("a wrong header_offset and a container_size past the end are reported, entries still read") {
    auto bad = bytes;
    const std::size_t second = ByteReader(bad).u32(0x20);
    bad[second + 0x74] ^= 0x10;  // header_offset of entry 2
    bad[0x73] = 0x7f;            // container_size of entry 1: ~2 GB
    Diagnostics diags;
    const auto r = parse_dex(bad, diags, "container.dex");
    CHECK(r.ok);
    CHECK(diags.has("dex.bad_offset"));
    CHECK(diags.has("dex.truncated"));
    CHECK(r.dex.classes == std::vector<std::string>{"a.A", "b.B"});
  }
}

TEST_CASE("descriptor_to_java") {
  using dex::descriptor_to_java;
  CHECK(descriptor_to_java("Lcom/a/B;") == "com.a.B");
  CHECK(descriptor_to_java("Lcom/a/B$C;") == "com.a.B$C");
  CHECK(descriptor_to_java("LTop;") == "Top");
  CHECK(descriptor_to_java("[Lcom/a/B;") == "");
  CHECK(descriptor_to_java("[I") == "");
  CHECK(descriptor_to_java("I") == "");
  CHECK(descriptor_to_java("V") == "");
  CHECK(descriptor_to_java("L;") == "");
  CHECK(descriptor_to_java("Lcom/a/B") == "");
  CHECK(descriptor_to_java("") == "");
}
