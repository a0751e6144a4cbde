// What sdkscope reads from an ELF shared object (Android native libraries), through LIEF.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::native {

struct ElfInfo {
  std::string machine;   ///< "aarch64", "arm", "x86", "x86_64", "mips", ...
  int bits = 0;          ///< 32 or 64
  std::string soname;    ///< DT_SONAME, "" when absent
  std::vector<std::string> needed;            ///< DT_NEEDED, in order
  /// Defined dynamic symbols, global/weak, default/protected visibility (sorted, unique).
  std::vector<std::string> exported_symbols;
  std::vector<std::string> imported_symbols;  ///< undefined dynamic symbols (sorted, unique)
  /// Printable strings (>= min length), in file order, from .rodata*; without section headers
  /// from the read-only non-executable PT_LOAD segments, else the whole file (.dynstr cut out).
  std::vector<std::string> strings;

  friend bool operator==(const ElfInfo&, const ElfInfo&) = default;
};

struct ElfLimits {
  std::size_t min_string_length = 6;    ///< shorter runs are mostly noise
  std::size_t max_strings = 500'000;    ///< bounds memory on huge libraries
  std::size_t max_symbols = 500'000;
};

/// Parses an ELF image. Never throws: LIEF exceptions and malformed input become diagnostics,
/// all with `where`; returns ok=false when nothing could be read. Codes:
///   elf.not_elf (warning)             no \x7fELF magic; ok=false
///   elf.parse_error (warning)         header unreadable or LIEF failed; ok=false, or one step lost
///   elf.out_of_bounds (warning)       header ranges left the file (truncated/corrupt) and were
///                                     clamped before parsing; the rest is still read
///   elf.parse_incomplete (warning)    LIEF read fewer headers than the file header announces
///   elf.too_many_symbols (warning)    more than limits.max_symbols dynamic symbols
///   elf.too_many_strings (info)       limits.max_strings reached
///   elf.strings_from_segments (info)  no .rodata section; strings from read-only segments
///   elf.strings_from_file (info)      no .rodata and no read-only segment; whole-file strings
///   elf.dynsym_from_hash (info)       .dynsym sized from the hash table, not by LIEF
struct ElfParseResult {
  ElfInfo info;
  bool ok = false;
};
ElfParseResult parse_elf(Bytes data, Diagnostics& diags, const std::string& where, const ElfLimits& limits = {});

}  // namespace sdkscope::native
