// Chained fixups (dyld's mach-o/fixup-chains.h). In an image linked with chained fixups, every
// pointer slot in __DATA* holds, instead of an address, a 64-bit (or 32-bit) record:
//
//   DYLD_CHAINED_PTR_64 / _64_OFFSET   rebase: target:36 high8:8 reserved:7 next:12 bind:1(=0)
//                                      bind:   ordinal:24 addend:8 reserved:19 next:12 bind:1(=1)
//                                      target is a vmaddr (64) or an offset from the image base (64_OFFSET)
//   DYLD_CHAINED_PTR_ARM64E (+ KERNEL, USERLAND, USERLAND24, FIRMWARE)
//                                      rebase:      target:43 high8:8 next:11 bind:1(=0) auth:1(=0)
//                                      auth rebase: target:32 diversity:16 addrDiv:1 key:2 next:11 bind:1 auth:1(=1)
//                                      bind:        ordinal:16 (24 for USERLAND24) ... bind:1(=1) auth:1
//                                      auth targets are always offsets from the image base; plain
//                                      targets are vmaddrs for ARM64E and FIRMWARE, offsets otherwise
//   DYLD_CHAINED_PTR_32                rebase: target:26 next:5 bind:1(=0); bind: ordinal:20 addend:6 next:5 bind:1
//
// The LC_DYLD_CHAINED_FIXUPS blob starts with dyld_chained_fixups_header {fixups_version,
// starts_offset, imports_offset, symbols_offset, imports_count, imports_format, symbols_format};
// at starts_offset, dyld_chained_starts_in_image {seg_count, seg_info_offset[seg_count]} points
// to one dyld_chained_starts_in_segment {size, page_size:16, pointer_format:16, ...} per segment.
// We only need pointer_format per segment: the metadata readers decode the slots they visit
// instead of walking every chain. Imports (DYLD_CHAINED_IMPORT{,_ADDEND,_ADDEND64}) name bind
// targets, which is how a category on NSObject gets its class name.
#include "scanner/apple/macho_fixups.hpp"

#include <algorithm>

namespace sdkscope::apple {

namespace {

constexpr std::uint32_t kImport = 1, kImportAddend = 2, kImportAddend64 = 3;
constexpr std::size_t kMaxSegments = 256;  // real images have < 16; bounds a hostile seg_count
constexpr std::size_t kMaxSymbolLength = 4096;

constexpr std::uint64_t bits(std::uint64_t v, unsigned shift, unsigned width) {
  return (v >> shift) & ((std::uint64_t{1} << width) - 1);
}

}  // namespace

ChainedFixups::ChainedFixups(Bytes image, FileRange range, std::size_t segment_count, Diagnostics& diags,
                             const std::string& where) {
  try {
    const ByteReader whole(image);
    data_ = whole.slice(range.offset, range.size);
    const ByteReader r(data_);
    const std::uint32_t starts = r.u32(4);
    imports_offset_ = r.u32(8);
    symbols_offset_ = r.u32(12);
    imports_count_ = r.u32(16);
    imports_format_ = r.u32(20);
    symbols_format_ = r.u32(24);
    const std::uint32_t seg_count = r.u32(starts);
    if (seg_count != segment_count) {
      diags.warn("macho.bad_load_command", where,
                 "chained fixups name " + std::to_string(seg_count) + " segments, the image has " +
                     std::to_string(segment_count));
    }
    const std::size_t n = std::min<std::size_t>({seg_count, segment_count, kMaxSegments});
    formats_.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t info = r.u32(starts + 4 + 4 * i);
      if (info == 0) continue;  // no fixups in this segment
      formats_[i] = r.u16(static_cast<std::size_t>(starts) + info + 6);
    }
  } catch (const OutOfBounds& e) {
    diags.warn("macho.bad_load_command", where, std::string("chained fixups data truncated: ") + e.what());
  }
}

std::uint16_t ChainedFixups::format(std::size_t ordinal) const {
  return ordinal < formats_.size() ? formats_[ordinal] : 0;
}

std::optional<std::string_view> ChainedFixups::import_name(std::uint64_t ordinal) const {
  if (ordinal >= imports_count_ || symbols_format_ != 0) return std::nullopt;
  const ByteReader r(data_);
  std::uint64_t name_offset = 0;
  try {
    switch (imports_format_) {
      case kImport: name_offset = r.u32(imports_offset_ + 4 * ordinal) >> 9; break;
      case kImportAddend: name_offset = r.u32(imports_offset_ + 8 * ordinal) >> 9; break;
      case kImportAddend64: name_offset = r.u64(imports_offset_ + 16 * ordinal) >> 32; break;
      default: return std::nullopt;
    }
    const std::uint64_t at = symbols_offset_ + name_offset;
    if (at >= data_.size()) return std::nullopt;
    auto rest = r.chars(at, std::min<std::size_t>(data_.size() - at, kMaxSymbolLength));
    const auto nul = rest.find('\0');
    if (nul == std::string_view::npos || nul == 0) return std::nullopt;
    return rest.substr(0, nul);
  } catch (const OutOfBounds&) {
    return std::nullopt;
  }
}

FixupTarget decode_chained_pointer(std::uint64_t raw, std::uint16_t format, std::uint64_t image_base) {
  using Kind = FixupTarget::Kind;
  switch (format) {
    case kChainedPtr64:
    case kChainedPtr64Offset: {
      if (bits(raw, 63, 1)) return {Kind::bind, bits(raw, 0, 24)};
      std::uint64_t target = bits(raw, 0, 36) | (bits(raw, 36, 8) << 56);
      if (format == kChainedPtr64Offset) target += image_base;
      return {Kind::address, target};
    }
    case kChainedPtrArm64e:
    case kChainedPtrArm64eKernel:
    case kChainedPtrArm64eUserland:
    case kChainedPtrArm64eFirmware:
    case kChainedPtrArm64eUserland24: {
      const bool auth = bits(raw, 63, 1);
      if (bits(raw, 62, 1)) return {Kind::bind, bits(raw, 0, format == kChainedPtrArm64eUserland24 ? 24 : 16)};
      if (auth) return {Kind::address, image_base + bits(raw, 0, 32)};
      std::uint64_t target = bits(raw, 0, 43) | (bits(raw, 43, 8) << 56);
      if (format != kChainedPtrArm64e && format != kChainedPtrArm64eFirmware) target += image_base;
      return {Kind::address, target};
    }
    case kChainedPtr32:
      if (bits(raw, 31, 1)) return {Kind::bind, bits(raw, 0, 20)};
      return {Kind::address, bits(raw, 0, 26)};
    default: return {};
  }
}

}  // namespace sdkscope::apple
