// A direct reader for .dynsym through the dynamic section's addresses, for when LIEF 0.9 cannot
// count the symbols (libraries without section headers that have a DT_HASH table; see the .cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scanner/native/elf_header.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::native {

/// One .dynsym entry as stored in the file (gABI "Symbol Table").
struct RawSymbol {
  std::string name;
  std::uint16_t shndx = 0;      ///< 0 = SHN_UNDEF (imported)
  std::uint8_t binding = 0;     ///< STB_* (st_info >> 4)
  std::uint8_t visibility = 0;  ///< STV_* (st_other & 3)
  std::uint64_t value = 0;
};

/// File offsets of the tables the dynamic linker uses, mapped from DT_SYMTAB, DT_STRTAB,
/// DT_HASH and DT_GNU_HASH by the caller; DT_STRSZ as is.
struct DynsymLocation {
  std::uint64_t symtab = 0;
  std::uint64_t strtab = 0;
  std::uint64_t strsz = 0;
  std::optional<std::uint64_t> sysv_hash;
  std::optional<std::uint64_t> gnu_hash;
};

/// Number of .dynsym entries according to the hash tables: nchain of DT_HASH, else one past the
/// highest index reachable through DT_GNU_HASH. nullopt when neither table can be read. Never
/// throws; every read is bounds-checked and every walk bounded by the file size.
std::optional<std::size_t> count_dynamic_symbols(Bytes data, const ElfHeader& hdr, const DynsymLocation& loc);

/// Reads up to `count` symbols starting at loc.symtab, stopping at the end of the file; names
/// come from the string table and are cut at loc.strsz. Never throws.
std::vector<RawSymbol> read_dynamic_symbols(Bytes data, const ElfHeader& hdr, const DynsymLocation& loc,
                                            std::size_t count);

}  // namespace sdkscope::native
