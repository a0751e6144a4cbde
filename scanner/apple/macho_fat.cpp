// Fat headers (mach-o/fat.h), always big-endian:
//   fat_header    { u32 magic = 0xcafebabe | 0xcafebabf (64); u32 nfat_arch; }
//   fat_arch      { u32 cputype, cpusubtype, offset, size, align; }                  20 bytes
//   fat_arch_64   { u32 cputype, cpusubtype; u64 offset, size; u32 align, reserved; } 32 bytes
// Slice offsets are absolute in the file; each slice is a complete thin image or ar archive.
#include "scanner/apple/macho_fat.hpp"

#include <algorithm>

#include "scanner/apple/macho_format.hpp"

namespace sdkscope::apple {

namespace {

std::string describe(const FatSlice& s) {
  return s.arch + " slice (" + std::to_string(s.offset) + "+" + std::to_string(s.size) + ")";
}

}  // namespace

bool has_fat_magic(Bytes data) {
  if (data.size() < 8) return false;
  const std::uint32_t magic = ByteReader(data).u32be(0);
  return magic == macho::kFatMagic || magic == macho::kFatMagic64;
}

bool plausible_fat_header(Bytes data) {
  if (!has_fat_magic(data)) return false;
  const std::uint32_t n = ByteReader(data).u32be(4);
  return n >= 1 && n <= macho::kMaxPlausibleFatArchs;
}

std::vector<FatSlice> read_fat_slices(Bytes data, const MachoLimits& limits, Diagnostics& diags,
                                      const std::string& where) {
  std::vector<FatSlice> slices;
  if (!has_fat_magic(data)) {
    diags.warn("macho.bad_fat", where, "no fat header");
    return slices;
  }
  const ByteReader r(data);
  const bool is64 = r.u32be(0) == macho::kFatMagic64;
  const std::uint32_t nfat = r.u32be(4);
  const std::size_t entry = is64 ? 32 : 20;
  if (nfat == 0) {
    diags.warn("macho.bad_fat", where, "fat header lists no architectures");
    return slices;
  }
  std::size_t count = nfat;
  if (nfat > macho::kMaxPlausibleFatArchs)
    diags.warn("macho.bad_fat", where,
               "fat header announces " + std::to_string(nfat) +
                   " architectures, far more than any universal binary (a Java class file shares this magic)");
  if (count > limits.max_slices) {
    diags.warn("macho.limit", where,
               "fat header announces " + std::to_string(nfat) + " architectures; reading at most " +
                   std::to_string(limits.max_slices));
    count = limits.max_slices;
  }
  const std::size_t fit = (data.size() - 8) / entry;
  if (count > fit) {
    diags.warn("macho.bad_fat", where,
               "fat architecture table (" + std::to_string(count) + " entries) runs past the end of the file");
    count = fit;
  }
  const std::uint64_t table_end = 8 + count * entry;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = 8 + i * entry;
    FatSlice s;
    s.cputype = r.u32be(at);
    s.cpusubtype = r.u32be(at + 4);
    s.offset = is64 ? (std::uint64_t{r.u32be(at + 8)} << 32 | r.u32be(at + 12)) : r.u32be(at + 8);
    s.size = is64 ? (std::uint64_t{r.u32be(at + 16)} << 32 | r.u32be(at + 20)) : r.u32be(at + 12);
    s.arch = macho::arch_name(s.cputype, s.cpusubtype);
    if (s.size == 0) {
      diags.warn("macho.bad_fat", where, describe(s) + " is empty; skipped");
      continue;
    }
    if (s.offset < table_end) {
      diags.warn("macho.bad_fat", where, describe(s) + " starts inside the fat header; skipped");
      continue;
    }
    if (s.offset >= data.size()) {
      diags.warn("macho.bad_fat", where,
                 describe(s) + " starts past the end of the file (" + std::to_string(data.size()) + " bytes); skipped");
      continue;
    }
    if (s.size > data.size() - s.offset) {
      diags.warn("macho.bad_fat", where,
                 describe(s) + " runs past the end of the file (" + std::to_string(data.size()) +
                     " bytes); reading the part inside");
      s.size = data.size() - s.offset;
    }
    bool duplicate = false;
    for (const FatSlice& other : slices) {
      if (other.offset == s.offset && other.size == s.size) {
        diags.warn("macho.bad_fat", where, describe(s) + " is the same bytes as the " + other.arch + " slice; read once");
        duplicate = true;
        break;
      }
      if (s.offset < other.offset + other.size && other.offset < s.offset + s.size)
        diags.warn("macho.bad_fat", where, describe(s) + " overlaps the " + describe(other));
    }
    if (!duplicate) slices.push_back(std::move(s));
  }
  return slices;
}

}  // namespace sdkscope::apple
