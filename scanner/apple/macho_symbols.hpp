// The nlist symbol table of one thin Mach-O image, through LIEF 0.9 with a direct reader behind it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scanner/apple/macho_image.hpp"

namespace sdkscope::apple {

/// One nlist entry, name resolved.
struct MachoSymbol {
  std::string name;
  std::uint8_t type = 0;    ///< n_type
  std::uint8_t sect = 0;    ///< n_sect
  std::uint64_t value = 0;  ///< n_value

  /// Undefined and external: a symbol this image imports (common symbols are definitions).
  bool imported() const;
  /// Defined, external and not private-extern: what the image offers to others.
  bool exported() const;
  /// Defined in this image (any binding), not a debugging (stab) entry.
  bool defined() const;
};

/// The symbols LIEF reads from LC_SYMTAB, at most `cap`; nullopt with *error set when LIEF
/// throws or returns no image. Only macho_lief.cpp includes LIEF.
std::optional<std::vector<MachoSymbol>> lief_symbols(Bytes image, std::size_t cap, std::string& error);

/// The LC_SYMTAB entries read directly (nlist / nlist_64 in the image's byte order), at most
/// `cap`; names outside the string table are dropped.
std::vector<MachoSymbol> direct_symbols(Bytes image, const MachoImage& layout, std::size_t cap);

/// The image's symbols: LIEF's, unless LIEF failed or returned fewer than LC_SYMTAB announces
/// (it stops after 255 load commands, and reads little-endian images only); then the direct
/// reader's, with "macho.symbols_direct" (info). At most `cap` symbols. Never throws.
std::vector<MachoSymbol> read_symbols(Bytes image, const MachoImage& layout, std::size_t cap, Diagnostics& diags,
                                      const std::string& where);

}  // namespace sdkscope::apple
