// Malformed Mach-O, fat and ar input: each must end in diagnostics plus whatever was sound,
// never in an exception, a hang or a value the intact file does not hold.
#include <doctest/doctest.h>

#include <set>

#include "apple/macho_test_util.hpp"
#include "scanner/apple/ar_archive.hpp"
#include "support/zip_builder.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;
using Strings = std::vector<std::string>;

constexpr std::uint32_t kArm64 = 0x0100000c, kX86_64 = 0x01000007;

/// The diagnostics are well-formed and the result keeps the contract's invariants.
void check_invariants(const MachoParseResult& r, const Diagnostics& diags, const std::string& where) {
  for (const auto& d : diags.items()) {
    CHECK((d.code.rfind("macho.", 0) == 0 || d.code.rfind("ar.", 0) == 0));
    CHECK_FALSE(d.message.empty());
    CHECK(d.where.rfind(where, 0) == 0);
  }
  if (!r.ok) CHECK_FALSE(diags.empty());
  const auto& i = r.info;
  for (const auto* v : {&i.objc_classes, &i.objc_categories, &i.swift_types, &i.swift_modules, &i.imported_symbols,
                        &i.exported_symbols})
    CHECK(sorted_unique(*v));
  for (const auto* v : {&i.strings, &i.linked_dylibs, &i.rpaths, &i.archs, &i.linker_options}) CHECK(unique(*v));
  for (const auto& s : i.strings) CHECK(s.size() >= 4);
}

/// Every element of `part` is in `whole`.
bool subset(const Strings& part, const Strings& whole) {
  std::set<std::string> w(whole.begin(), whole.end());
  return std::all_of(part.begin(), part.end(), [&](const std::string& s) { return w.count(s) > 0; });
}

TEST_CASE("macho malformed: truncation at many offsets yields a subset of the truth, never more") {
  for (const char* path : kAllFixtures) {
    const Buf full = fixture(path);
    Diagnostics full_diags;
    const auto truth = parse(full, full_diags).info;
    const std::size_t step = std::max<std::size_t>(1, full.size() / 400);
    for (std::size_t n = 0; n < full.size(); n += step) {
      INFO(path);
      CAPTURE(n);
      const Buf cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      Diagnostics diags;
      const auto r = parse(cut, diags);
      check_invariants(r, diags, "test");
      // A cut image or fat file always says so; a thin archive cut between members is sound.
      if (!is_ar_archive(full)) CHECK_FALSE(diags.empty());
      CHECK(subset(r.info.strings, truth.strings));
      CHECK(subset(r.info.objc_classes, truth.objc_classes));
      CHECK(subset(r.info.linked_dylibs, truth.linked_dylibs));
      CHECK(subset(r.info.imported_symbols, truth.imported_symbols));
      CHECK(subset(r.info.exported_symbols, truth.exported_symbols));
    }
  }
}

TEST_CASE("macho malformed: not Mach-O at all") {
  for (const Buf& b : {Buf{}, Buf{1, 2, 3}, test::bytes_of("PK\x03\x04 a zip, not a binary"), Buf(4096, 0)}) {
    Diagnostics diags;
    auto r = parse(b, diags);
    CHECK_FALSE(r.ok);
    CHECK(diags.has("macho.not_macho"));
  }
}

struct TwoSlices {
  Buf app = fixture(kAppArm64);
  Buf kit = fixture(kKit);
  std::size_t app_at = 0x4000;
  std::size_t kit_at = 0x4000 + ((fixture(kAppArm64).size() + 0x3fff) & ~std::size_t{0x3fff});
  Buf body() const {
    Buf b(kit_at - app_at + kit.size(), 0);
    std::copy(app.begin(), app.end(), b.begin());
    std::copy(kit.begin(), kit.end(), b.begin() + static_cast<std::ptrdiff_t>(kit_at - app_at));
    return b;
  }
  FatEntry app_entry() const { return {kArm64, 0, app_at, app.size()}; }
  FatEntry kit_entry() const { return {kX86_64, 3, kit_at, kit.size()}; }  // mislabelled on purpose
};

TEST_CASE("macho fat: sound slices in 32- and 64-bit fat headers") {
  TwoSlices s;
  for (bool is64 : {false, true}) {
    CAPTURE(is64);
    Diagnostics diags;
    auto r = parse(fat_file({s.app_entry(), {kArm64, 0, s.kit_at, s.kit.size()}}, is64, 2, s.body(), s.app_at), diags);
    REQUIRE(r.ok);
    CHECK(diags.empty());
    CHECK(r.info.archs == Strings{"arm64"});  // both slices are arm64: one arch, no double count
    CHECK(r.info.install_name == "@rpath/DemoKit.framework/DemoKit");
    CHECK(r.info.objc_classes ==
          Strings{"BuglyDemoConfig", "DemoFeedViewController", "DemoKitClient", "DemoKitSession", "SDKSDemoAppDelegate"});
  }
}

TEST_CASE("macho fat: a slice whose header disagrees with the fat table") {
  TwoSlices s;
  Diagnostics diags;
  auto r = parse(fat_file({s.app_entry(), s.kit_entry()}, false, 2, s.body(), s.app_at), diags, "F");
  REQUIRE(r.ok);
  CHECK(diags.has("macho.bad_fat"));
  CHECK(r.info.archs == Strings{"arm64", "x86_64"});  // the fat table's word, flagged
}

TEST_CASE("macho fat: overlapping slices are flagged; each is read for what it holds") {
  TwoSlices s;
  // The second entry starts 0x100 bytes into the first slice: not an image there.
  Diagnostics diags;
  auto r = parse(fat_file({s.app_entry(), {kX86_64, 3, s.app_at + 0x100, 0x1000}}, false, 2, s.body(), s.app_at), diags);
  REQUIRE(r.ok);
  std::size_t overlaps = 0;
  for (const auto& d : diags.items()) overlaps += d.message.find("overlaps") != std::string::npos;
  CHECK(overlaps == 1);
  CHECK(r.info.archs == Strings{"arm64"});
  CHECK(r.info.objc_classes == Strings{"BuglyDemoConfig", "DemoFeedViewController", "SDKSDemoAppDelegate"});

  // The same bytes listed twice are read once.
  Diagnostics dup_diags;
  r = parse(fat_file({s.app_entry(), s.app_entry()}, false, 2, s.body(), s.app_at), dup_diags);
  REQUIRE(r.ok);
  CHECK(dup_diags.size() == 1);
  CHECK(dup_diags.has("macho.bad_fat"));
  CHECK(r.info.strings.size() == parse(s.app, dup_diags).info.strings.size());
}

TEST_CASE("macho fat: slices past the end of the file, empty or inside the header") {
  TwoSlices s;
  const Buf body = s.body();
  const std::size_t file_size = s.app_at + body.size();
  Diagnostics diags;
  auto r = parse(fat_file({{kX86_64, 3, file_size + 0x1000, 0x100},     // starts past the end
                           {kX86_64, 3, 16, 0x100},                     // inside the fat header
                           {kX86_64, 3, s.app_at, 0},                   // empty
                           {kArm64, 0, s.kit_at, s.kit.size() + 0x10000}},  // runs past the end: clipped
                          false, 4, body, s.app_at),
                 diags);
  REQUIRE(r.ok);
  std::size_t bad_fat = 0;
  for (const auto& d : diags.items()) bad_fat += d.code == "macho.bad_fat";
  CHECK(bad_fat == 4);
  CHECK(r.info.install_name == "@rpath/DemoKit.framework/DemoKit");
  CHECK(r.info.objc_classes == Strings{"DemoKitClient", "DemoKitSession"});
}

TEST_CASE("macho fat: absurd, zero and over-limit architecture counts") {
  TwoSlices s;
  {
    Diagnostics diags;
    auto r = parse(fat_file({s.app_entry()}, false, 0x10000, s.body(), s.app_at), diags);
    CHECK(diags.has("macho.bad_fat"));
    CHECK(diags.has("macho.limit"));
    CHECK(r.ok);  // the one real entry is read; the zero entries after it are skipped
    CHECK(r.info.archs == Strings{"arm64"});
  }
  {
    Diagnostics diags;
    auto r = parse(fat_file({}, false, 0, Buf(64, 0), 64), diags);
    CHECK_FALSE(r.ok);
    CHECK(diags.has("macho.bad_fat"));
  }
  {
    Diagnostics diags;  // nfat_arch 3, but the file ends after the first entry
    Buf b = fat_file({s.app_entry()}, false, 3, {}, 28);
    auto r = parse(b, diags);
    CHECK_FALSE(r.ok);
    CHECK(diags.has("macho.bad_fat"));
  }
  {
    MachoLimits limits;
    limits.max_slices = 1;
    Diagnostics diags;
    auto r = parse_macho(fat_file({s.app_entry(), s.kit_entry()}, false, 2, s.body(), s.app_at), diags, "F", limits);
    CHECK(r.ok);
    CHECK(diags.has("macho.limit"));
    CHECK(r.info.install_name.empty());  // the second slice was not read
  }
}

TEST_CASE("macho load commands: cmdsize 0, huge sizes and counts end the walk, not the parse") {
  const Buf app = fixture(kAppArm64);
  const auto cmds = commands(app);
  REQUIRE(cmds.size() > 15);
  struct Case {
    const char* label;
    std::size_t at;
    std::size_t width;
    std::uint64_t value;
  };
  const std::size_t lc_main = command(app, 0x80000028).offset;
  for (const Case& c : {Case{"cmdsize 0", lc_main + 4, 4, 0}, Case{"cmdsize 4", lc_main + 4, 4, 4},
                        Case{"cmdsize past the area", lc_main + 4, 4, 0x7fffffff},
                        Case{"sizeofcmds past the file", 20, 4, 0xfffffff0},
                        Case{"ncmds 2^32-1", 16, 4, 0xffffffff}}) {
    INFO(c.label);
    Buf b = app;
    put_le(b, c.at, c.width, c.value);
    Diagnostics diags;
    auto r = parse(b, diags);
    CHECK(r.ok);
    check_invariants(r, diags, "test");
    CHECK((diags.has("macho.bad_load_command") || diags.has("macho.limit")));
    // The segments and symbols come before LC_MAIN: still read.
    CHECK(r.info.objc_classes.size() == 3);
    CHECK(contains(r.info.strings, "https://api.sdkscope-demo.net/ios/v1"));
  }
  MachoLimits limits;
  limits.max_load_commands = 3;
  Diagnostics diags;
  auto r = parse_macho(app, diags, "test", limits);
  CHECK(r.ok);
  CHECK(diags.has("macho.limit"));
  CHECK(r.info.linked_dylibs.empty());
}

TEST_CASE("macho load commands: fields pointing outside the file or the command") {
  const Buf app = fixture(kAppArm64);
  struct Case {
    const char* label;
    std::uint32_t cmd;
    std::size_t field;
    std::uint64_t value;
  };
  for (const Case& c : {Case{"symtab symoff", 0x2, 8, 0x7ffffff0}, Case{"symtab nsyms", 0x2, 12, 0x0fffffff},
                        Case{"symtab strsize", 0x2, 20, 0x7ffffff0}, Case{"dylib name offset", 0xc, 8, 0x10000},
                        Case{"dylib name offset inside the header", 0xc, 8, 4}, Case{"rpath offset", 0x8000001c, 8, 0xffff},
                        Case{"segment fileoff", 0x19, 40, 0x7fffffffffff}, Case{"segment nsects", 0x19, 64, 1000},
                        Case{"chained fixups never present, function starts dataoff", 0x26, 8, 0x7fffffff}}) {
    INFO(c.label);
    Buf b = app;
    put_le(b, command(b, c.cmd).offset + c.field, c.field == 40 ? 8 : 4, c.value);
    Diagnostics diags;
    auto r = parse(b, diags);
    CHECK(r.ok);
    check_invariants(r, diags, "test");
    if (c.cmd != 0x26) CHECK(diags.has("macho.bad_load_command"));  // LC_FUNCTION_STARTS is not read
    CHECK(r.info.linked_dylibs.size() >= 4);
    // A symbol table that lies outside the file is dropped; any other bad command leaves it
    // readable, even where LIEF gives up on the whole image (nsects: "macho.symbols_direct").
    if (c.cmd != 0x2) CHECK(r.info.exported_symbols.size() == 13);
  }
}

Buf ar_member(const std::string& name, const Buf& data, const std::string& size_field = "") {
  char hdr[61];
  std::snprintf(hdr, sizeof hdr, "%-16s%-12s%-6s%-6s%-8s%-10s`\n", name.c_str(), "0", "0", "0", "644",
                size_field.empty() ? std::to_string(data.size()).c_str() : size_field.c_str());
  Buf b(hdr, hdr + 60);
  b.insert(b.end(), data.begin(), data.end());
  if (b.size() % 2) b.push_back('\n');
  return b;
}

TEST_CASE("macho ar: members past the end, broken headers and names, non-object members") {
  const Buf obj = fixture(kObjArmv7);
  Buf good = test::bytes_of("!<arch>\n");
  const Buf m1 = ar_member("a.o", obj);
  good.insert(good.end(), m1.begin(), m1.end());

  auto archive = [&](const Buf& tail) {
    Buf b = good;
    b.insert(b.end(), tail.begin(), tail.end());
    return b;
  };
  struct Case {
    const char* label;
    Buf bytes;
    std::size_t members;  // objects still read
  };
  Buf past_end = ar_member("b.o", obj, "999999");
  past_end.resize(60 + 100);  // the header claims far more than remains
  Buf bad_fmag = ar_member("c.o", obj);
  bad_fmag[58] = 'X';
  const Buf long_name = ar_member("#1/5000", obj);
  const Buf gnu_ref = ar_member("/123", obj);
  const Buf text = ar_member("README", test::bytes_of("just text\n"));
  for (const Case& c : {Case{"member past the end (read clipped)", archive(past_end), 2}, Case{"bad terminator", archive(bad_fmag), 1},
                        Case{"BSD name longer than the member", archive(long_name), 1},
                        Case{"GNU name without a table", archive(gnu_ref), 1},
                        Case{"truncated header", archive(Buf(30, ' ')), 1}, Case{"non-object member", archive(text), 1}}) {
    INFO(c.label);
    Diagnostics diags;
    auto r = parse(c.bytes, diags, "lib.a");
    CHECK(r.ok);
    check_invariants(r, diags, "lib.a");
    CHECK(diags.has("ar.bad_member"));
    CHECK(r.info.archive_members == c.members);
    CHECK(r.info.objc_classes == Strings{"DemoTrackCore"});
  }
  // An empty archive is sound and empty.
  Diagnostics diags;
  auto r = parse(test::bytes_of("!<arch>\n"), diags);
  CHECK(r.ok);
  CHECK(diags.empty());
  CHECK(r.info.kind == "archive");

  MachoLimits limits;
  limits.max_archive_members = 1;
  Diagnostics limit_diags;
  r = parse_macho(fixture(kLibArm64), limit_diags, "lib.a", limits);
  CHECK(limit_diags.has("macho.limit"));
  CHECK(r.info.archive_members == 1);
}

TEST_CASE("macho nesting: a fat file inside a fat slice is not followed") {
  const Buf inner = fixture(kAppUniversal);
  Diagnostics diags;
  auto r = parse(fat_file({{kArm64, 0, 0x1000, inner.size()}}, false, 1, inner, 0x1000), diags);
  CHECK_FALSE(r.ok);
  CHECK(diags.has("macho.bad_fat"));
}

TEST_CASE("macho limits: strings and classes stop at their bounds with a diagnostic") {
  MachoLimits limits;
  limits.max_strings = 2;
  limits.max_classes = 1;
  Diagnostics diags;
  auto r = parse_macho(fixture(kAppUniversal), diags, "test", limits);
  CHECK(r.ok);
  CHECK(r.info.strings.size() == 2);
  CHECK(r.info.objc_classes.size() == 1);
  std::size_t limit_diags = 0;
  for (const auto& d : diags.items()) limit_diags += d.code == "macho.limit";
  CHECK(limit_diags == 2);  // one for strings, one for classes, however many images hit them
}

}  // namespace
}  // namespace sdkscope::apple
