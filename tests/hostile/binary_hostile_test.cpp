// Hostile binaries through the whole engine (hostile_util.hpp): DEX and AXML with absurd counts
// and offsets, cyclic and deeply nested plists, Mach-O load commands pointing outside the file,
// fat headers with overlapping slices. Every input is built here, in memory.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "hostile/hostile_util.hpp"
#include "hostile/raw_zip.hpp"

namespace sdkscope::test::hostile {
namespace {

using Buf = std::vector<std::uint8_t>;

void put32(Buf& b, std::size_t at, std::uint32_t v) {
  if (b.size() < at + 4) b.resize(at + 4);
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put16(Buf& b, std::size_t at, std::uint16_t v) {
  if (b.size() < at + 2) b.resize(at + 2);
  b[at] = static_cast<std::uint8_t>(v);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}
void put64(Buf& b, std::size_t at, std::uint64_t v) {
  put32(b, at, static_cast<std::uint32_t>(v));
  put32(b, at + 4, static_cast<std::uint32_t>(v >> 32));
}
void put32be(Buf& b, std::size_t at, std::uint32_t v) {
  if (b.size() < at + 4) b.resize(at + 4);
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

bool any_code_with_prefix(const HostileScan& h, const std::string& prefix) {
  for (const auto& d : h.diags)
    if (d.code.rfind(prefix, 0) == 0) return true;
  return false;
}

/// A DEX header whose every table claims hundreds of millions of entries at offsets past the end.
Buf absurd_dex() {
  Buf b(0x70 + 64, 0);
  std::memcpy(b.data(), "dex\n035\0", 8);
  put32(b, 32, static_cast<std::uint32_t>(b.size()));  // file_size
  put32(b, 36, 0x70);                                  // header_size
  put32(b, 40, 0x12345678);                            // endian tag
  put32(b, 52, 0xfffffff0);                            // map_off
  put32(b, 56, 0x10000000);                            // string_ids_size: 268M
  put32(b, 60, 0x70);                                  // string_ids_off: inside, but runs off the end
  put32(b, 64, 0xffffffff);                            // type_ids_size
  put32(b, 68, 0xfffffff0);
  put32(b, 72, 0x7fffffff);                            // proto_ids
  put32(b, 76, 0x80000000);
  put32(b, 80, 0xffffffff);                            // field_ids
  put32(b, 84, 0x70);
  put32(b, 88, 0xffffffff);                            // method_ids
  put32(b, 92, 0x71);
  put32(b, 96, 0x0fffffff);                            // class_defs
  put32(b, 100, 0x74);
  put32(b, 104, 0xffffffff);                           // data
  put32(b, 108, 0x70);
  // The first "string id" points at a string data offset far past the end.
  put32(b, 0x70, 0xfffffff0);
  return b;
}

/// An AXML document whose string pool claims 1G strings at absurd offsets and whose first
/// element claims 65,535 attributes of 65,535 bytes each.
Buf absurd_axml() {
  Buf b;
  put16(b, 0, 0x0003);  // RES_XML_TYPE
  put16(b, 2, 8);
  // string pool at 8
  put16(b, 8, 0x0001);
  put16(b, 10, 28);
  put32(b, 12, 28 + 16);       // chunk size
  put32(b, 16, 0x40000000);    // stringCount
  put32(b, 20, 0xffffffff);    // styleCount
  put32(b, 24, 1 << 8);        // UTF-8
  put32(b, 28, 0xfffffff0);    // stringsStart
  put32(b, 32, 0xfffffff0);    // stylesStart
  put32(b, 36, 0x7ffffff0);    // first string offset
  put32(b, 40, 0);
  put32(b, 44, 0);
  put32(b, 48, 0);
  // start element at 52
  const std::size_t el = 52;
  put16(b, el, 0x0102);
  put16(b, el + 2, 16);
  put32(b, el + 4, 0x7fffffff);  // chunk size far past the end
  put32(b, el + 8, 1);
  put32(b, el + 12, 0xffffffff);
  put32(b, el + 16, 0xffffffff);  // ns
  put32(b, el + 20, 0x3fffffff);  // name: a string index past the pool
  put16(b, el + 24, 20);
  put16(b, el + 26, 0xffff);      // attributeSize
  put16(b, el + 28, 0xffff);      // attributeCount
  put16(b, el + 30, 0);
  put16(b, el + 32, 0);
  put16(b, el + 34, 0);
  put32(b, 4, static_cast<std::uint32_t>(b.size() + 0x10000000));  // document size lies too
  return b;
}

/// bplist00 holding one array whose only element is itself.
Buf cyclic_bplist() {
  Buf b = {'b', 'p', 'l', 'i', 's', 't', '0', '0'};
  b.push_back(0xa1);  // array, 1 element
  b.push_back(0x00);  // -> object 0 (itself)
  const std::size_t table = b.size();
  b.push_back(8);  // offset of object 0
  Buf trailer(32, 0);
  trailer[6] = 1;                             // offset int size
  trailer[7] = 1;                             // object ref size
  trailer[15] = 1;                            // 1 object
  trailer[23] = 0;                            // top object 0
  trailer[31] = static_cast<std::uint8_t>(table);  // offset table offset
  b.insert(b.end(), trailer.begin(), trailer.end());
  return b;
}

std::string deep_xml_plist(int depth) {
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">";
  for (int i = 0; i < depth; ++i) s += "<array>";
  for (int i = 0; i < depth; ++i) s += "</array>";
  return s + "</plist>\n";
}

/// A thin arm64 Mach-O: a segment whose file range is far past the end, a dylib whose name
/// offset leaves its command, a symbol table past the end, and sizeofcmds larger than the file.
Buf absurd_macho(std::uint32_t filetype = 2) {
  Buf b(32, 0);
  put32(b, 0, 0xfeedfacf);
  put32(b, 4, 0x0100000c);  // arm64
  put32(b, 8, 0);
  put32(b, 12, filetype);
  put32(b, 16, 4);           // ncmds
  put32(b, 20, 0xfffff000);  // sizeofcmds
  put32(b, 24, 0);
  std::size_t at = 32;
  put32(b, at, 0x19);  // LC_SEGMENT_64
  put32(b, at + 4, 72);
  std::memcpy(b.data() + at + 8, "__TEXT", 6);
  put64(b, at + 24, 0x100000000);
  put64(b, at + 32, 0x7fffffffffff);
  put64(b, at + 40, 0x7fffffff0000);  // fileoff
  put64(b, at + 48, 0x7fffffffffff);  // filesize
  put32(b, at + 64, 0);               // nsects
  at += 72;
  put32(b, at, 0xc);  // LC_LOAD_DYLIB
  put32(b, at + 4, 32);
  put32(b, at + 8, 0xfff0);  // name offset outside the command
  at += 32;
  put32(b, at, 0x2);  // LC_SYMTAB
  put32(b, at + 4, 24);
  put32(b, at + 8, 0x7ffffff0);   // symoff
  put32(b, at + 12, 0x10000000);  // nsyms
  put32(b, at + 16, 0xfffffff0);  // stroff
  put32(b, at + 20, 0xffffffff);  // strsize
  at += 24;
  put32(b, at, 0x80000028);  // LC_MAIN
  put32(b, at + 4, 0);       // cmdsize 0: a loop, if anyone trusted it
  b.resize(at + 64, 0);
  return b;
}

/// A minimal sound thin Mach-O (no load commands), for slices.
Buf thin_macho(std::uint32_t cputype) {
  Buf b(32, 0);
  put32(b, 0, 0xfeedfacf);
  put32(b, 4, cputype);
  put32(b, 12, 6);  // MH_DYLIB
  b.resize(4096, 0);
  return b;
}

TEST_CASE("DEX with absurd counts and offsets, alone and inside an APK") {
  SUBCASE("bare .dex") {
    auto h = scan_hostile("dex_bare", "absurd.dex", absurd_dex());
    check_bounded(h);
    INFO(h.codes());
    CHECK(h.format == "dex");
    CHECK(any_code_with_prefix(h, "dex."));
  }
  SUBCASE("classes.dex of an APK") {
    auto apk = rawzip::build({{"AndroidManifest.xml", minimal_manifest()}, {"classes.dex", absurd_dex()}});
    auto h = scan_hostile("dex_apk", "absurd.apk", apk);
    check_bounded(h);
    INFO(h.codes());
    CHECK(any_code_with_prefix(h, "dex."));
  }
}

TEST_CASE("AXML manifest with absurd counts and offsets") {
  auto apk = rawzip::build({{"AndroidManifest.xml", absurd_axml()}, {"classes.dex", absurd_dex()}});
  auto h = scan_hostile("axml", "absurd.apk", apk);
  check_bounded(h);
  INFO(h.codes());
  CHECK(any_code_with_prefix(h, "axml."));
  // What survives is at best a nameless root element: not a manifest.
  CHECK((h.has("manifest.bad_root") || h.has("android.manifest_unreadable")));
}

TEST_CASE("plists: a binary plist containing itself, and XML nested 100,000 deep") {
  SUBCASE("cyclic bplist Info.plist") {
    auto ipa = rawzip::build({{"Payload/Evil.app/Info.plist", cyclic_bplist()},
                              {"Payload/Evil.app/Evil", thin_macho(0x0100000c)}});
    auto h = scan_hostile("plist_cycle", "cycle.ipa", ipa);
    check_bounded(h);
    INFO(h.codes());
    CHECK(h.has("plist.invalid", "cyclic"));
  }
  SUBCASE("deep XML PrivacyInfo.xcprivacy and Info.plist") {
    const std::string deep = deep_xml_plist(100'000);
    auto ipa = rawzip::build({{"Payload/Evil.app/Info.plist", rawzip::bytes(deep)},
                              {"Payload/Evil.app/PrivacyInfo.xcprivacy", rawzip::bytes(deep)},
                              {"Payload/Evil.app/Evil", thin_macho(0x0100000c)}});
    auto h = scan_hostile("plist_deep", "deep.ipa", ipa);
    check_bounded(h);
    INFO(h.codes());
    CHECK(h.has("plist.limit", "nested deeper"));
  }
}

TEST_CASE("Mach-O whose load commands point outside the file") {
  SUBCASE("bare binary") {
    auto h = scan_hostile("macho_bare", "absurd.macho", absurd_macho());
    check_bounded(h);
    INFO(h.codes());
    CHECK(h.format == "macho");
    CHECK(any_code_with_prefix(h, "macho."));
  }
  SUBCASE("main binary of an IPA") {
    auto ipa = rawzip::build({{"Payload/Evil.app/Evil", absurd_macho()}});
    auto h = scan_hostile("macho_ipa", "absurd.ipa", ipa);
    check_bounded(h);
    INFO(h.codes());
    CHECK(any_code_with_prefix(h, "macho."));
  }
}

TEST_CASE("fat header with overlapping slices, and one slice over the header") {
  Buf fat(8, 0);
  put32be(fat, 0, 0xcafebabe);
  put32be(fat, 4, 3);
  auto arch = [&](std::size_t i, std::uint32_t cpu, std::uint32_t off, std::uint32_t size) {
    const std::size_t at = 8 + i * 20;
    put32be(fat, at, cpu);
    put32be(fat, at + 4, 0);
    put32be(fat, at + 8, off);
    put32be(fat, at + 12, size);
    put32be(fat, at + 16, 12);
  };
  arch(0, 0x0100000c, 4096, 8192);   // arm64 4096..12288
  arch(1, 0x01000007, 8192, 8192);   // x86_64 8192..16384: overlaps arm64
  arch(2, 0x0000000c, 0, 0xffffffff);  // armv7 over the header and past the end
  fat.resize(4096, 0);
  Buf arm64 = thin_macho(0x0100000c), x64 = thin_macho(0x01000007);
  fat.insert(fat.end(), arm64.begin(), arm64.end());
  fat.insert(fat.end(), x64.begin(), x64.end());
  fat.resize(16384, 0);
  auto h = scan_hostile("fat_overlap", "overlap.dylib", fat);
  check_bounded(h);
  INFO(h.codes());
  CHECK(h.has("macho.bad_fat", "overlaps"));
  CHECK(h.has("macho.bad_fat", "inside the fat header"));
}

}  // namespace
}  // namespace sdkscope::test::hostile
