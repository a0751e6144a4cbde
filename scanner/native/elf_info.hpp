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
  std::vector<std::string> exported_symbols;  ///< defined dynamic symbols (sorted, unique)
  std::vector<std::string> imported_symbols;  ///< undefined dynamic symbols (sorted, unique)
  std::vector<std::string> strings;  ///< printable strings (>= min length) from read-only data sections

  friend bool operator==(const ElfInfo&, const ElfInfo&) = default;
};

struct ElfLimits {
  std::size_t min_string_length = 6;    ///< shorter runs are mostly noise
  std::size_t max_strings = 500'000;    ///< bounds memory on huge libraries
  std::size_t max_symbols = 500'000;
};

/// Parses an ELF image. Never throws: LIEF exceptions and malformed input become diagnostics
/// ("elf.parse_error", "elf.not_elf"); returns ok=false when nothing could be read.
struct ElfParseResult {
  ElfInfo info;
  bool ok = false;
};
ElfParseResult parse_elf(Bytes data, Diagnostics& diags, const std::string& where, const ElfLimits& limits = {});

}  // namespace sdkscope::native
