// The fat (universal) header: which byte ranges of the file are the architecture slices.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scanner/apple/macho_info.hpp"
#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::apple {

struct FatSlice {
  std::uint32_t cputype = 0;
  std::uint32_t cpusubtype = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;  ///< clipped to the file
  std::string arch;
};

/// True when data starts with FAT_MAGIC or FAT_MAGIC_64 (Java class files included: see
/// plausible_fat_header).
bool has_fat_magic(Bytes data);
/// True when the fat magic is followed by a plausible architecture count (1..30).
bool plausible_fat_header(Bytes data);

/// The slices worth reading, in table order. Checked against the file and each other: an
/// absurd or over-limit nfat_arch ("macho.bad_fat" / "macho.limit"), a table past the end of the
/// file, empty slices, slices starting inside the header or past the end ("macho.bad_fat",
/// dropped), slices running past the end ("macho.bad_fat", clipped and kept), overlapping slices
/// ("macho.bad_fat"; both kept, since either may be the sound one; an exact duplicate is kept once).
std::vector<FatSlice> read_fat_slices(Bytes data, const MachoLimits& limits, Diagnostics& diags,
                                      const std::string& where);

}  // namespace sdkscope::apple
