// Broken input for parse_elf: not an ELF, unreadable headers, truncation, and the header damage
// that made LIEF 0.9 allocate a gigabyte or silently drop everything. Each must end in a
// diagnostic and whatever evidence was sound, never in an exception or a crash.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

#include "native/elf_test_util.hpp"
#include "support/fork_sweep.hpp"

namespace sdkscope::native {
namespace {

using namespace testing;

using test::kSanitized;  // support/fork_sweep.hpp

ElfParseResult parse(const Buf& b, Diagnostics& diags) { return parse_elf(b, diags, "lib/x86_64/libdemo.so"); }

long max_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

TEST_CASE("not an ELF: one elf.not_elf diagnostic, ok = false") {
  const Buf zip = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0};
  for (const Buf& b : {Buf{}, Buf{0x7f, 'E', 'L'}, zip, Buf(4096, 0)}) {
    Diagnostics diags;
    ElfParseResult r;
    CHECK_NOTHROW(r = parse(b, diags));
    CHECK_FALSE(r.ok);
    REQUIRE(diags.size() == 1);
    CHECK(diags.items()[0].code == "elf.not_elf");
    CHECK(diags.items()[0].where == "lib/x86_64/libdemo.so");
  }
}

TEST_CASE("ELF magic but no readable header: elf.parse_error") {
  const Buf good = fixture(kDemoX86_64);
  std::vector<Buf> cases = {Buf(good.begin(), good.begin() + 4), Buf(good.begin(), good.begin() + 40)};
  Buf bad_class = good;
  bad_class[4] = 7;
  cases.push_back(bad_class);
  Buf bad_order = good;
  bad_order[5] = 0;
  cases.push_back(bad_order);
  for (const Buf& b : cases) {
    Diagnostics diags;
    auto r = parse(b, diags);
    CHECK_FALSE(r.ok);
    REQUIRE(diags.size() == 1);
    CHECK(diags.items()[0].code == "elf.parse_error");
  }
}

TEST_CASE("truncation at every 64 bytes: diagnostics always, the dynamic section's facts once it is whole") {
  const Buf full = fixture(kDemoX86_64);
  Diagnostics pristine_diags;
  const ElfInfo pristine = parse(full, pristine_diags).info;
  Buf probe = full;
  const std::size_t dynamic_end = 0x2de8 + 0x1e0;  // PT_DYNAMIC, see readelf -l
  const std::size_t rodata_end = ElfEdit(probe).section_offset(".rodata") + 0x87;
  for (std::size_t n = 64; n < full.size(); n += 64) {
    CAPTURE(n);
    Buf b(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    Diagnostics diags;
    ElfParseResult r;
    REQUIRE_NOTHROW(r = parse(b, diags));
    CHECK(r.ok);  // the file header is intact, so LIEF always gets something
    CHECK(diags.has("elf.out_of_bounds"));
    CHECK(r.info.machine == "x86_64");
    if (n >= dynamic_end) {
      CHECK(r.info.soname == "libdemo.so");
      CHECK(r.info.needed == pristine.needed);
      CHECK(r.info.exported_symbols == pristine.exported_symbols);
      CHECK(r.info.imported_symbols == pristine.imported_symbols);
    }
    if (n >= rodata_end) CHECK(contains(r.info.strings, "https://sdk.example-native.com/collect"));
  }
}

TEST_CASE("a section offset of 1 GiB: LIEF neither allocates it nor loses the rest") {
  // LIEF 0.9 alone: ~1 GiB resident for this 15 KiB file. With offsets past ~2 GiB it returned an
  // empty Binary (no segments, no dynamic entries, no symbols) and no error.
  const Buf full = fixture(kDemoX86_64);
  Diagnostics pristine_diags;
  const ElfInfo pristine = parse(full, pristine_diags).info;
  for (std::uint64_t offset : {0x3f000000ull, 0x80000000ull, 0x7fffffffffffull}) {
    CAPTURE(offset);
    Buf b = full;
    ElfEdit e(b);
    e.put(e.sh_offset_at(e.section_index(".symtab")), 8, offset);
    const long rss_before = max_rss_kb();
    Diagnostics diags;
    auto r = parse(b, diags);
    const long grown_kb = max_rss_kb() - rss_before;
    REQUIRE(r.ok);
    CHECK(r.info == pristine);
    CHECK(diags.has("elf.out_of_bounds"));
    CHECK_FALSE(diags.has("elf.parse_incomplete"));
    if (!kSanitized) CHECK(grown_kb < 64 * 1024);
  }
}

TEST_CASE("a program header table claiming 65535 entries is cut to the file and the real entries still count") {
  Buf b = fixture(kDemoX86_64);
  ElfEdit e(b);
  e.put(e.phnum_at(), 2, 0xffff);
  Diagnostics diags;
  auto r = parse(b, diags);
  REQUIRE(r.ok);
  CHECK(diags.has("elf.out_of_bounds"));
  CHECK(r.info.soname == "libdemo.so");
  CHECK(r.info.needed == std::vector<std::string>{"libm.so.6", "libc.so.6"});
}

TEST_CASE("a dynamic section pointing nowhere leaves the header facts and strings") {
  Buf b = fixture(kDemoX86_64);
  ElfEdit e(b);
  for (std::size_t i = 0; i < e.phnum(); ++i)
    if (e.get(e.segment(i), 4) == 2 /* PT_DYNAMIC */) e.put(e.ph_offset_at(i), 8, b.size() - 8);
  Diagnostics diags;
  auto r = parse(b, diags);
  REQUIRE(r.ok);
  CHECK(r.info.machine == "x86_64");
  CHECK(r.info.soname.empty());
  CHECK(r.info.needed.empty());
  CHECK(contains(r.info.strings, "https://sdk.example-native.com/collect"));
}

TEST_CASE("malformed input keeps stderr clean (LIEF's logger is off)") {
  const Buf full = fixture(kAcmeArm64);
  std::FILE* sink = std::tmpfile();
  REQUIRE(sink);
  std::fflush(stderr);
  const int saved = ::dup(2);
  REQUIRE(saved >= 0);
  ::dup2(::fileno(sink), 2);
  for (std::size_t n = 0; n < full.size(); n += 97) {
    Buf b(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    Diagnostics diags;
    parse(b, diags);
    Buf c = full;
    for (std::size_t i = 0; i < 8 && n + i * 131 < c.size(); ++i) c[n + i * 131] ^= 0xa5;
    parse(c, diags);
  }
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::fseek(sink, 0, SEEK_END);
  const long written = std::ftell(sink);
  std::fclose(sink);
  CHECK(written == 0);
}

}  // namespace
}  // namespace sdkscope::native
