// The LIEF-free pieces: read_elf_header, sanitize_elf_image (the repairs made before LIEF sees an
// image) and the direct .dynsym reader, on fixtures and hand-damaged copies of them.
#include <doctest/doctest.h>

#include "native/elf_test_util.hpp"
#include "scanner/native/dynamic_symbols.hpp"
#include "scanner/native/elf_header.hpp"

namespace sdkscope::native {
namespace {

using namespace testing;

TEST_CASE("read_elf_header reads class, byte order, machine and both tables (values from readelf -h)") {
  struct Case {
    const char* path;
    int bits;
    bool little;
    std::uint16_t machine;
    std::uint64_t phoff, shoff;
    std::uint16_t phnum, shnum;
  };
  for (const Case& c :
       {Case{kDemoX86_64, 64, true, 62, 64, 14032, 7, 26}, Case{kAcmeArm64, 64, true, 183, 64, 2544, 8, 16},
        Case{kAcmeArm32, 32, true, 40, 52, 2252, 9, 18}, Case{kAcmeMipsBe, 32, false, 8, 52, 2024, 8, 18},
        Case{kAcmeNoSections, 64, true, 183, 64, 0, 8, 0}}) {
    CAPTURE(c.path);
    auto h = read_elf_header(fixture(c.path));
    REQUIRE(h);
    CHECK(h->bits == c.bits);
    CHECK(h->little_endian == c.little);
    CHECK(h->machine == c.machine);
    CHECK(h->phoff == c.phoff);
    CHECK(h->shoff == c.shoff);
    CHECK(h->phnum == c.phnum);
    CHECK(h->shnum == c.shnum);
  }
}

TEST_CASE("read_elf_header rejects what is not a readable ELF header") {
  const Buf good = fixture(kDemoX86_64);
  CHECK_FALSE(read_elf_header(Buf{}));
  CHECK_FALSE(read_elf_header(Buf{0x7f, 'E', 'L', 'F'}));
  CHECK_FALSE(read_elf_header(Buf(good.begin(), good.begin() + 63)));  // one byte short of Elf64_Ehdr
  CHECK(read_elf_header(Buf(good.begin(), good.begin() + 64)));
  for (std::uint8_t cls : {0, 3}) {
    Buf b = good;
    b[4] = cls;
    CHECK_FALSE(read_elf_header(b));
  }
  for (std::uint8_t data : {0, 3}) {
    Buf b = good;
    b[5] = data;
    CHECK_FALSE(read_elf_header(b));
  }
  Buf not_elf = good;
  not_elf[1] = 'X';
  CHECK_FALSE(read_elf_header(not_elf));
}

TEST_CASE("sanitize_elf_image leaves sound files byte for byte alone") {
  for (const char* path : {kDemoX86_64, kAcmeArm64, kAcmeArm32, kAcmeMipsBe, kAcmeNoSections}) {
    CAPTURE(path);
    const Buf original = fixture(path);
    Buf b = original;
    auto r = sanitize_elf_image(b);
    CHECK_FALSE(r.any());
    CHECK(b == original);
  }
}

TEST_CASE("sanitize_elf_image clamps section ranges that leave the file, in a copy of the table") {
  for (const char* path : {kDemoX86_64, kAcmeArm32, kAcmeMipsBe}) {  // 64/32-bit, little/big-endian
    CAPTURE(path);
    Buf b = fixture(path);
    ElfEdit e(b);
    const std::size_t size = b.size();
    const std::size_t sym = e.section_index(".symtab");
    const std::size_t ro = e.section_index(".rodata");
    const std::uint64_t ro_off = e.get(e.sh_offset_at(ro), e.word());
    const std::uint64_t old_shoff = e.shoff();
    e.put(e.sh_offset_at(sym), e.word(), 0x3f000000);  // offset far past the end
    e.put(e.sh_size_at(ro), e.word(), 0x7fffffff);     // size far past the end
    const Buf damaged = b;

    auto r = sanitize_elf_image(b);
    CHECK(r.sections_clamped == 2);
    CHECK_FALSE(r.section_headers_dropped);
    // The repaired table was appended; the file's own bytes are untouched after the header.
    CHECK(e.shoff() >= size);
    CHECK(e.shoff() != old_shoff);
    CHECK(std::equal(damaged.begin() + 64, damaged.end(), b.begin() + 64));
    CHECK(e.get(e.sh_offset_at(sym), e.word()) == size);
    CHECK(e.get(e.sh_size_at(sym), e.word()) == 0);
    CHECK(e.get(e.sh_offset_at(ro), e.word()) == ro_off);
    CHECK(e.get(e.sh_size_at(ro), e.word()) == size - ro_off);
    Buf again = b;
    CHECK_FALSE(sanitize_elf_image(again).any());  // a repaired image needs no more repairs
    CHECK(again == b);
  }
}

TEST_CASE("sanitize_elf_image clamps .bss quietly: NOBITS may reach past the end, LIEF would still allocate it") {
  Buf b = fixture(kDemoX86_64);
  ElfEdit e(b);
  const std::size_t size = b.size();
  const std::size_t bss = e.section_index(".bss");
  const std::uint64_t off = e.get(e.sh_offset_at(bss), 8);
  e.put(e.sh_size_at(bss), 8, 0x5000000);
  auto r = sanitize_elf_image(b);
  CHECK_FALSE(r.any());
  CHECK(e.get(e.sh_size_at(bss), 8) == size - off);
}

TEST_CASE("sanitize_elf_image drops a section table that does not fit, as a stripper would") {
  Buf b = fixture(kDemoX86_64);
  ElfEdit e(b);
  b.resize(e.shoff() + 100);  // truncated inside the section header table
  auto r = sanitize_elf_image(b);
  CHECK(r.section_headers_dropped);
  CHECK(e.shoff() == 0);
  CHECK(e.shnum() == 0);
  CHECK(e.get(e.shstrndx_at(), 2) == 0);
}

TEST_CASE("sanitize_elf_image shortens a program header table that does not fit and clamps segments") {
  Buf b = fixture(kAcmeArm64);
  ElfEdit e(b);
  const std::size_t size = b.size();
  e.put(e.phnum_at(), 2, 0xffff);
  const Buf damaged = b;
  auto r = sanitize_elf_image(b);
  CHECK(r.program_headers_clamped);
  CHECK(e.phnum() == (size - 64) / 56);
  // The bogus "entries" cover .dynsym, .dynamic and the rest: clamping them in place would have
  // rewritten that data. Only the header's table fields differ.
  CHECK(std::equal(damaged.begin() + 64, damaged.end(), b.begin() + 64));
  // Whatever the bytes after the real table say, every segment now lies inside the file.
  for (std::size_t i = 0; i < e.phnum(); ++i) {
    std::uint64_t off = e.get(e.ph_offset_at(i), 8), len = e.get(e.ph_filesz_at(i), 8);
    CHECK(off <= size);
    CHECK(len <= size - off);
  }

  Buf c = fixture(kAcmeArm32);
  ElfEdit f(c);
  const std::size_t c_size = c.size();
  f.put(f.ph_filesz_at(1), 4, 0x40000000);
  auto r2 = sanitize_elf_image(c);
  CHECK(r2.segments_clamped == 1);
  CHECK(f.get(f.ph_filesz_at(1), 4) == c_size - f.get(f.ph_offset_at(1), 4));
}

TEST_CASE("sanitize_elf_image bounds what LIEF would copy: garbage tables covering the file many times") {
  // A 2 MiB file (padding after the real content) so the budgets' fixed slack does not hide the factor.
  Buf b = fixture(kDemoX86_64);
  const std::size_t size = 2 << 20;
  b.resize(size, 0);
  ElfEdit e(b);
  SUBCASE("sections: every entry spanning the whole file -> the table is dropped") {
    for (std::size_t i = 1; i < e.shnum(); ++i) {
      e.put(e.sh_type_at(i), 4, 1 /* PROGBITS */);
      e.put(e.sh_offset_at(i), 8, 0);
      e.put(e.sh_size_at(i), 8, size);
    }
    auto r = sanitize_elf_image(b);
    CHECK(r.section_headers_dropped);
    CHECK(e.shnum() == 0);
  }
  SUBCASE("segments: past four times the file, further segments get no file bytes") {
    for (std::size_t i = 0; i < e.phnum(); ++i) {
      e.put(e.ph_offset_at(i), 8, 0);
      e.put(e.ph_filesz_at(i), 8, size);
    }
    auto r = sanitize_elf_image(b);
    CHECK(r.segments_clamped == 3);  // 7 segments; the first 4 fit in 4 * size + 1 MiB
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < e.phnum(); ++i) total += e.get(e.ph_filesz_at(i), 8);
    CHECK(total == 4 * size);
  }
}

TEST_CASE("sanitize_elf_image on tables laid over each other and over the file header") {
  // e_shoff = 0 puts section 0 over the file header (its sh_size is e_phoff); 64 and 100 put the
  // section table over the program headers. Repairs in place would undo each other.
  for (std::uint64_t shoff : {0ull, 32ull, 64ull, 100ull}) {
    CAPTURE(shoff);
    Buf b = fixture(kDemoX86_64);
    ElfEdit e(b);
    e.put(e.shoff_at(), 8, shoff);
    e.put(e.phnum_at(), 2, 0x1000);
    const Buf damaged = b;
    auto r = sanitize_elf_image(b);
    CHECK(r.any());
    CHECK(std::equal(damaged.begin() + 64, damaged.end(), b.begin() + 64));
    Buf again = b;
    CHECK_FALSE(sanitize_elf_image(again).any());
    CHECK(again == b);
  }
}

DynsymLocation location(Buf& b, bool sysv, bool gnu) {
  ElfEdit e(b);
  DynsymLocation loc;
  loc.symtab = e.section_offset(".dynsym");
  loc.strtab = e.section_offset(".dynstr");
  loc.strsz = e.get(e.sh_size_at(e.section_index(".dynstr")), e.word());
  if (sysv) loc.sysv_hash = e.section_offset(".hash");
  if (gnu) loc.gnu_hash = e.section_offset(".gnu.hash");
  return loc;
}

TEST_CASE("count_dynamic_symbols agrees with .dynsym's size through either hash table") {
  struct Case {
    const char* path;
    bool sysv, gnu;
    std::size_t want;
  };
  // libdemo (GNU ld) has only .gnu.hash; lld output has both; mips has only .hash (no GNU hash on MIPS).
  for (const Case& c :
       {Case{kDemoX86_64, false, true, 14}, Case{kAcmeArm64, true, false, 7}, Case{kAcmeArm64, false, true, 7},
        Case{kAcmeArm32, false, true, 7}, Case{kAcmeMipsBe, true, false, 7}}) {
    CAPTURE(c.path);
    CAPTURE(c.sysv);
    Buf b = fixture(c.path);
    auto h = read_elf_header(b);
    REQUIRE(h);
    auto loc = location(b, c.sysv, c.gnu);
    auto n = count_dynamic_symbols(b, *h, loc);
    REQUIRE(n);
    CHECK(*n == c.want);
    ElfEdit e(b);
    CHECK(*n == e.get(e.sh_size_at(e.section_index(".dynsym")), e.word()) / (h->bits == 64 ? 24 : 16));
  }
}

TEST_CASE("read_dynamic_symbols decodes names, bindings and section indexes in both byte orders") {
  for (const char* path : {kAcmeArm64, kAcmeMipsBe}) {
    CAPTURE(path);
    Buf b = fixture(path);
    auto h = read_elf_header(b);
    REQUIRE(h);
    auto syms = read_dynamic_symbols(b, *h, location(b, true, false), 7);
    REQUIRE(syms.size() == 7);
    CHECK(syms[0].name.empty());
    std::vector<std::string> defined, undefined;
    for (const auto& s : syms) {
      if (s.name.empty()) continue;
      CHECK(s.binding == 1);  // STB_GLOBAL
      CHECK(s.visibility == 0);
      (s.shndx == 0 ? undefined : defined).push_back(s.name);
    }
    std::sort(defined.begin(), defined.end());
    std::sort(undefined.begin(), undefined.end());
    CHECK(defined ==
          std::vector<std::string>{"JNI_OnLoad", "Java_net_acmetrack_sdk_NativeBridge_init", "acmetrack_config_url"});
    CHECK(undefined == std::vector<std::string>{"__android_log_print", "memcpy", "strlen"});
  }
}

TEST_CASE("the direct reader stays inside the file whatever the tables claim") {
  Buf b = fixture(kAcmeArm64);
  auto h = read_elf_header(b);
  REQUIRE(h);
  auto loc = location(b, true, false);
  // A symbol count far beyond the file is cut to what fits.
  auto syms = read_dynamic_symbols(b, *h, loc, 1'000'000);
  CHECK(syms.size() == (b.size() - loc.symtab) / 24);
  // Tables past the end: nothing, not an exception.
  DynsymLocation far = loc;
  far.symtab = b.size() + 10;
  far.sysv_hash = b.size() - 2;
  far.gnu_hash = std::uint64_t{1} << 40;
  CHECK(read_dynamic_symbols(b, *h, far, 10).empty());
  CHECK_FALSE(count_dynamic_symbols(b, *h, far));
  // A string table size reaching past the end only shortens names.
  DynsymLocation long_str = loc;
  long_str.strsz = ~std::uint64_t{0};
  CHECK(read_dynamic_symbols(b, *h, long_str, 7).size() == 7);
  // A GNU hash chain with no terminator ends at the end of the file.
  Buf c = b;
  ElfEdit e(c);
  const auto loc_gnu = location(c, false, true);
  const std::size_t gnu = *loc_gnu.gnu_hash;
  const std::uint64_t bloom = e.get(gnu + 8, 4);
  const std::size_t chains = gnu + 16 + 8 * bloom + 4 * e.get(gnu, 4);
  for (std::size_t at = chains; at + 4 <= c.size(); at += 4) e.put(at, 4, e.get(at, 4) & ~1ull);
  CHECK_FALSE(count_dynamic_symbols(c, *h, loc_gnu));
}

}  // namespace
}  // namespace sdkscope::native
