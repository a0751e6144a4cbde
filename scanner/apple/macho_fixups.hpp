// Pointers stored in a Mach-O image's data, and what they point to once dyld would have fixed
// them up: plain addresses (LC_DYLD_INFO images, objects), chained fixups (LC_DYLD_CHAINED_FIXUPS,
// iOS 15+ and arm64e), and arm64e threaded rebases (iOS 12-14 arm64e, same bit layout).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "scanner/apple/macho_image.hpp"

namespace sdkscope::apple {

/// A decoded pointer: an address in the image, a bind to an imported symbol, or nothing usable.
struct FixupTarget {
  enum class Kind { none, address, bind };
  Kind kind = Kind::none;
  std::uint64_t value = 0;  ///< vmaddr (address) or import ordinal (bind)
};

/// The per-segment pointer formats and the import table of LC_DYLD_CHAINED_FIXUPS. Chains are
/// not walked: a pointer's format comes from its segment, and its bits say rebase or bind.
class ChainedFixups {
 public:
  ChainedFixups() = default;
  /// Reads dyld_chained_fixups_header and dyld_chained_starts_in_image from `range` of `image`,
  /// for an image with `segment_count` segment commands. Anything unreadable, or a segment count
  /// that disagrees, gets "macho.bad_load_command"; the formats read so far are kept.
  ChainedFixups(Bytes image, FileRange range, std::size_t segment_count, Diagnostics& diags, const std::string& where);

  bool present() const { return !formats_.empty(); }
  /// DYLD_CHAINED_PTR_* of the segment at `ordinal` (MachoSegment::ordinal), 0 when it has no
  /// fixups or is unknown.
  std::uint16_t format(std::size_t ordinal) const;
  /// The symbol name of import `ordinal` (uncompressed symbol strings only), nullopt otherwise.
  std::optional<std::string_view> import_name(std::uint64_t ordinal) const;

 private:
  Bytes data_;  // the fixups blob
  std::vector<std::uint16_t> formats_;
  std::uint32_t imports_offset_ = 0;
  std::uint32_t imports_count_ = 0;
  std::uint32_t imports_format_ = 0;
  std::uint32_t symbols_offset_ = 0;
  std::uint32_t symbols_format_ = 0;
};

/// Decodes `raw` as a DYLD_CHAINED_PTR_* `format` pointer. Offset formats add `image_base`.
/// Supported: ARM64E (1), 64 (2), 32 (3), 64_OFFSET (6), ARM64E_KERNEL (7), ARM64E_USERLAND (9),
/// ARM64E_FIRMWARE (10), ARM64E_USERLAND24 (12); anything else decodes to Kind::none.
FixupTarget decode_chained_pointer(std::uint64_t raw, std::uint16_t format, std::uint64_t image_base);

inline constexpr std::uint16_t kChainedPtrArm64e = 1;
inline constexpr std::uint16_t kChainedPtr64 = 2;
inline constexpr std::uint16_t kChainedPtr32 = 3;
inline constexpr std::uint16_t kChainedPtr64Offset = 6;
inline constexpr std::uint16_t kChainedPtrArm64eKernel = 7;
inline constexpr std::uint16_t kChainedPtrArm64eUserland = 9;
inline constexpr std::uint16_t kChainedPtrArm64eFirmware = 10;
inline constexpr std::uint16_t kChainedPtrArm64eUserland24 = 12;

}  // namespace sdkscope::apple
