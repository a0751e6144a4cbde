// Shared helpers for the Mach-O tests: fixtures, load-command patching, and builders for
// synthetic images, fat headers and code signatures. Written from the format specs, not from
// scanner/apple, so a misreading there cannot hide itself here.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "scanner/apple/macho_info.hpp"
#include "support/test_paths.hpp"

namespace sdkscope::apple::testing {

using Buf = std::vector<std::uint8_t>;

/// Fixtures (built by scripts/gen-macho-fixtures.sh), relative to testdata/macho/.
inline constexpr const char* kAppArm64 = "app/DemoApp-arm64";
inline constexpr const char* kAppUniversal = "app/DemoApp-universal";
inline constexpr const char* kKit = "kit/DemoKit";
inline constexpr const char* kLibFat = "lib/libDemoTrack.a";
inline constexpr const char* kLibArm64 = "lib/libDemoTrack-arm64.a";
inline constexpr const char* kLibArmv7 = "lib/libDemoTrack-armv7.a";
inline constexpr const char* kLibGnu = "lib/libDemoTrack-x86_64.a";
inline constexpr const char* kObjArmv7 = "lib/track_core-armv7.o";
inline constexpr const char* kAllFixtures[] = {kAppArm64, kAppUniversal, kKit, kLibFat, kLibArm64, kLibArmv7, kLibGnu, kObjArmv7};

inline Buf fixture(const std::string& rel) { return test::read_file(test::testdata("macho/" + rel)); }

inline bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
inline bool sorted_unique(const std::vector<std::string>& v) {
  return std::adjacent_find(v.begin(), v.end(), [](const auto& a, const auto& b) { return !(a < b); }) == v.end();
}
inline bool unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) == v.end();
}

inline std::uint64_t get_le(const Buf& b, std::size_t off, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v |= std::uint64_t{b.at(off + i)} << (8 * i);
  return v;
}
inline void put_le(Buf& b, std::size_t off, std::size_t width, std::uint64_t v) {
  for (std::size_t i = 0; i < width; ++i) b.at(off + i) = static_cast<std::uint8_t>(v >> (8 * i));
}
inline void put_be(Buf& b, std::size_t off, std::size_t width, std::uint64_t v) {
  for (std::size_t i = 0; i < width; ++i) b.at(off + i) = static_cast<std::uint8_t>(v >> (8 * (width - 1 - i)));
}
inline void append_be32(Buf& b, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

/// A load command of a little-endian thin image: where it is and what it says.
struct Command {
  std::size_t offset = 0;
  std::uint32_t cmd = 0;
  std::uint32_t cmdsize = 0;
};

/// The load commands of a little-endian thin image (header per mach-o/loader.h).
inline std::vector<Command> commands(const Buf& b) {
  const bool is64 = get_le(b, 0, 4) == 0xfeedfacf;
  std::vector<Command> out;
  std::size_t off = is64 ? 32 : 28;
  const std::size_t n = get_le(b, 16, 4);
  for (std::size_t i = 0; i < n; ++i) {
    Command c{off, static_cast<std::uint32_t>(get_le(b, off, 4)), static_cast<std::uint32_t>(get_le(b, off + 4, 4))};
    out.push_back(c);
    off += c.cmdsize;
  }
  return out;
}
inline Command command(const Buf& b, std::uint32_t cmd, std::size_t nth = 0) {
  for (const auto& c : commands(b))
    if (c.cmd == cmd && nth-- == 0) return c;
  throw std::runtime_error("no such load command");
}

/// The file range [offset, size) of a section of a little-endian 64-bit image.
inline std::pair<std::size_t, std::size_t> section_range(const Buf& b, const std::string& sectname) {
  for (const auto& c : commands(b)) {
    if (c.cmd != 0x19) continue;
    const std::size_t nsects = get_le(b, c.offset + 64, 4);
    for (std::size_t i = 0; i < nsects; ++i) {
      const std::size_t at = c.offset + 72 + 80 * i;
      std::string name(reinterpret_cast<const char*>(&b[at]), 16);
      name = name.substr(0, name.find('\0'));
      if (name == sectname) return {get_le(b, at + 48, 4), get_le(b, at + 40, 8)};
    }
  }
  throw std::runtime_error("no such section " + sectname);
}

struct FatEntry {
  std::uint32_t cputype = 0;
  std::uint32_t cpusubtype = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

/// A fat header + arch table (32- or 64-bit entries) for `entries`, followed by `body` placed
/// at `body_offset` (zero padding between).
inline Buf fat_file(const std::vector<FatEntry>& entries, bool is64, std::uint32_t nfat, const Buf& body,
                    std::size_t body_offset) {
  Buf b;
  append_be32(b, is64 ? 0xcafebabf : 0xcafebabe);
  append_be32(b, nfat);
  for (const auto& e : entries) {
    append_be32(b, e.cputype);
    append_be32(b, e.cpusubtype);
    if (is64) {
      append_be32(b, static_cast<std::uint32_t>(e.offset >> 32));
      append_be32(b, static_cast<std::uint32_t>(e.offset));
      append_be32(b, static_cast<std::uint32_t>(e.size >> 32));
      append_be32(b, static_cast<std::uint32_t>(e.size));
      append_be32(b, 14);
      append_be32(b, 0);
    } else {
      append_be32(b, static_cast<std::uint32_t>(e.offset));
      append_be32(b, static_cast<std::uint32_t>(e.size));
      append_be32(b, 14);
    }
  }
  if (b.size() > body_offset) throw std::runtime_error("fat table overlaps the body");
  b.resize(body_offset, 0);
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

/// A code signature SuperBlob (big-endian) holding a dummy CodeDirectory and, when given, an
/// entitlements blob.
inline Buf super_blob(const std::string& entitlements) {
  Buf cd;  // a CodeDirectory header stub: magic 0xfade0c02, length 12, version
  append_be32(cd, 0xfade0c02);
  append_be32(cd, 12);
  append_be32(cd, 0x20400);
  Buf ent;
  if (!entitlements.empty()) {
    append_be32(ent, 0xfade7171);
    append_be32(ent, static_cast<std::uint32_t>(8 + entitlements.size()));
    ent.insert(ent.end(), entitlements.begin(), entitlements.end());
  }
  const std::uint32_t count = entitlements.empty() ? 1 : 2;
  const std::uint32_t index_end = 12 + 8 * count;
  Buf b;
  append_be32(b, 0xfade0cc0);
  append_be32(b, static_cast<std::uint32_t>(index_end + cd.size() + ent.size()));
  append_be32(b, count);
  append_be32(b, 0);  // slot 0: CodeDirectory
  append_be32(b, index_end);
  if (!entitlements.empty()) {
    append_be32(b, 5);  // slot 5: entitlements
    append_be32(b, static_cast<std::uint32_t>(index_end + cd.size()));
  }
  b.insert(b.end(), cd.begin(), cd.end());
  b.insert(b.end(), ent.begin(), ent.end());
  return b;
}

/// Replaces the code signature of a little-endian image that has LC_CODE_SIGNATURE at the end
/// of the file (as ld64 and lld write it) by `blob`, zero-padded to at least the old size so
/// that __LINKEDIT still ends inside the file.
inline Buf with_signature(Buf b, Buf blob) {
  const Command cs = command(b, 0x1d);
  const std::size_t dataoff = get_le(b, cs.offset + 8, 4);
  const std::size_t old_size = get_le(b, cs.offset + 12, 4);
  if (blob.size() < old_size) blob.resize(old_size, 0);
  b.resize(dataoff);
  b.insert(b.end(), blob.begin(), blob.end());
  put_le(b, cs.offset + 12, 4, blob.size());
  return b;
}

/// Parses with default limits and returns the result; `diags` receives the diagnostics.
inline MachoParseResult parse(const Buf& b, Diagnostics& diags, const std::string& where = "test") {
  return parse_macho(b, diags, where);
}

}  // namespace sdkscope::apple::testing
