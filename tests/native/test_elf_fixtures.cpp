// parse_elf on the generated fixtures (scripts/gen-native-fixtures.sh): exact expectations from
// the C sources in testdata/native/src, for each ABI and for the string fallbacks.
#include <doctest/doctest.h>

#include <thread>

#include "native/elf_test_util.hpp"

namespace sdkscope::native {
namespace {

using namespace testing;

using Strings = std::vector<std::string>;

const Strings kAcmeExports = {"JNI_OnLoad", "Java_net_acmetrack_sdk_NativeBridge_init", "acmetrack_config_url"};
const Strings kAcmeImports = {"__android_log_print", "memcpy", "strlen"};
const Strings kAcmeStrings = {"AcmeTrack", "AcmeTrackNative 4.5.6", "https://collect.acmetrack-fixture.net/v2/report",
                              "https://config.acmetrack-fixture.net/sdk/config.json", "init %s flags=%d"};

ElfParseResult parse(const Buf& b, Diagnostics& diags, const ElfLimits& limits = {}) {
  return parse_elf(b, diags, "fixture.so", limits);
}

TEST_CASE("x86_64 host library: machine, soname, needed, symbols and .rodata strings") {
  Diagnostics diags;
  auto r = parse(fixture(kDemoX86_64), diags);
  REQUIRE(r.ok);
  CHECK(diags.empty());
  const auto& info = r.info;
  CHECK(info.machine == "x86_64");
  CHECK(info.bits == 64);
  CHECK(info.soname == "libdemo.so");
  CHECK(info.needed == Strings{"libm.so.6", "libc.so.6"});  // DT_NEEDED order, not sorted

  // Global functions, a weak definition and a data object are exported; the hidden helper is not.
  CHECK(info.exported_symbols ==
        Strings{"JNI_OnLoad", "Java_com_example_Native_stringFromJNI", "demo_counter", "demo_scale", "demo_weak_hook"});
  CHECK_FALSE(contains(info.exported_symbols, "demo_hidden_helper"));
  // Imports include the weak undefined references the C runtime adds.
  for (const char* name : {"getenv", "snprintf", "strlen", "cbrt", "__cxa_finalize", "__gmon_start__"})
    CHECK_MESSAGE(contains(info.imported_symbols, name), name);
  CHECK(sorted_unique(info.exported_symbols));
  CHECK(sorted_unique(info.imported_symbols));

  // Exactly the .rodata strings, in file order; nothing from .dynstr ("getenv", "libm.so.6").
  CHECK(info.strings == Strings{"DEMO_ENDPOINT", "%s?ua=%s", "DemoNativeSdk/1.2.3 (fixture)", "http://10.0.0.1:8080/x",
                                "https://sdk.example-native.com/collect"});
}

TEST_CASE("Android libraries: aarch64, armv7 and big-endian mips agree on every field but the machine") {
  struct Case {
    const char* path;
    const char* machine;
    int bits;
  };
  for (const Case& c : {Case{kAcmeArm64, "aarch64", 64}, Case{kAcmeArm32, "arm", 32}, Case{kAcmeMipsBe, "mips", 32}}) {
    CAPTURE(c.path);
    Diagnostics diags;
    auto r = parse(fixture(c.path), diags);
    REQUIRE(r.ok);
    CHECK(diags.empty());
    CHECK(r.info.machine == c.machine);
    CHECK(r.info.bits == c.bits);
    CHECK(r.info.soname == "libacmetrack.so");
    CHECK(r.info.needed == Strings{"liblog.so", "libc.so"});
    CHECK(r.info.exported_symbols == kAcmeExports);
    CHECK(r.info.imported_symbols == kAcmeImports);
    CHECK(r.info.strings == kAcmeStrings);
  }
}

TEST_CASE("no section headers: symbols through the hash table, strings from read-only segments") {
  Diagnostics diags;
  auto r = parse(fixture(kAcmeNoSections), diags);
  REQUIRE(r.ok);
  CHECK(r.info.machine == "aarch64");
  CHECK(r.info.soname == "libacmetrack.so");
  CHECK(r.info.needed == Strings{"liblog.so", "libc.so"});
  // LIEF 0.9 alone returns only the 3 imports here (its DT_HASH count is broken).
  CHECK(r.info.exported_symbols == kAcmeExports);
  CHECK(r.info.imported_symbols == kAcmeImports);
  CHECK(diags.has("elf.dynsym_from_hash"));
  CHECK(diags.has("elf.strings_from_segments"));
  CHECK_FALSE(diags.has("elf.strings_from_file"));
  for (const auto& s : kAcmeStrings) CHECK_MESSAGE(contains(r.info.strings, s), s);
  // The read-only segment also holds .dynstr; it is cut out.
  for (const auto& name : {"__android_log_print", "liblog.so", "libacmetrack.so", "acmetrack_config_url"})
    CHECK_MESSAGE(!contains(r.info.strings, name), name);
  for (const auto& d : diags.items()) CHECK(d.severity == Severity::info);
}

TEST_CASE("section header table zeroed by hand (e_shoff = e_shnum = e_shstrndx = 0) falls back the same way") {
  Buf b = fixture(kDemoX86_64);
  ElfEdit e(b);
  e.put(e.shoff_at(), 8, 0);
  e.put(e.shnum_at(), 2, 0);
  e.put(e.shstrndx_at(), 2, 0);
  Diagnostics diags;
  auto r = parse(b, diags);
  REQUIRE(r.ok);
  CHECK(diags.has("elf.strings_from_segments"));
  CHECK(r.info.soname == "libdemo.so");
  CHECK(contains(r.info.exported_symbols, "Java_com_example_Native_stringFromJNI"));  // GNU hash: LIEF counts it
  CHECK(contains(r.info.strings, "https://sdk.example-native.com/collect"));
  CHECK(contains(r.info.strings, "http://10.0.0.1:8080/x"));
  CHECK_FALSE(contains(r.info.strings, "snprintf"));  // .dynstr is in the first read-only segment too
}

TEST_CASE("no read-only data segment either: whole-file strings, still without .dynstr") {
  // Old linkers put .rodata in the R+X text segment: mark every PT_LOAD executable.
  Buf b = fixture(kAcmeNoSections);
  ElfEdit e(b);
  for (std::size_t i = 0; i < e.phnum(); ++i)
    if (e.get(e.segment(i), 4) == 1 /* PT_LOAD */)
      e.put(e.ph_flags_at(i), 4, e.get(e.ph_flags_at(i), 4) | 1 /* PF_X */);
  Diagnostics diags;
  auto r = parse(b, diags);
  REQUIRE(r.ok);
  CHECK(diags.has("elf.strings_from_file"));
  CHECK_FALSE(diags.has("elf.strings_from_segments"));
  for (const auto& s : kAcmeStrings) CHECK_MESSAGE(contains(r.info.strings, s), s);
  CHECK_FALSE(contains(r.info.strings, "__android_log_print"));
  CHECK(r.info.exported_symbols == kAcmeExports);
}

TEST_CASE("limits: string length, string count and symbol count") {
  const Buf b = fixture(kDemoX86_64);
  SUBCASE("min_string_length drops the short URL and keeps the long one") {
    ElfLimits limits;
    limits.min_string_length = 30;
    Diagnostics diags;
    auto r = parse(b, diags, limits);
    CHECK(r.info.strings == Strings{"https://sdk.example-native.com/collect"});
  }
  SUBCASE("max_strings stops early and says so") {
    ElfLimits limits;
    limits.max_strings = 2;
    Diagnostics diags;
    auto r = parse(b, diags, limits);
    CHECK(r.info.strings == Strings{"DEMO_ENDPOINT", "%s?ua=%s"});
    CHECK(diags.has("elf.too_many_strings"));
  }
  SUBCASE("max_symbols keeps the first entries of .dynsym and warns") {
    ElfLimits limits;
    limits.max_symbols = 4;
    Diagnostics diags;
    auto r = parse(b, diags, limits);
    CHECK(diags.has("elf.too_many_symbols"));
    CHECK(r.info.exported_symbols.size() + r.info.imported_symbols.size() <= 4);
    CHECK(r.info.exported_symbols.empty());  // .dynsym lists the undefined symbols first here
  }
  SUBCASE("max_symbols applies to the direct .dynsym read too") {
    ElfLimits limits;
    limits.max_symbols = 5;
    Diagnostics diags;
    auto r = parse(fixture(kAcmeNoSections), diags, limits);
    CHECK(diags.has("elf.too_many_symbols"));
    CHECK(r.info.exported_symbols == Strings{"Java_net_acmetrack_sdk_NativeBridge_init"});
  }
}

TEST_CASE("parses from several threads give the same answers as one thread") {
  const std::vector<const char*> paths = {kDemoX86_64, kAcmeArm64, kAcmeArm32, kAcmeMipsBe, kAcmeNoSections};
  std::vector<Buf> inputs;
  std::vector<ElfInfo> expected;
  for (const char* p : paths) {
    inputs.push_back(fixture(p));
    Diagnostics diags;
    expected.push_back(parse(inputs.back(), diags).info);
  }
  constexpr int kThreads = 4, kRounds = 25;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round)
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          Diagnostics diags;
          if (!(parse(inputs[i], diags).info == expected[i])) ++mismatches[t];
        }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) CHECK(mismatches[t] == 0);
}

}  // namespace
}  // namespace sdkscope::native
