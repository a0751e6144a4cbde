// nlist symbols: classification (mach-o/nlist.h) and the direct LC_SYMTAB reader behind LIEF.
//   nlist    { u32 n_strx; u8 n_type; u8 n_sect; i16 n_desc; u32 n_value; }   12 bytes
//   nlist_64 { u32 n_strx; u8 n_type; u8 n_sect; u16 n_desc; u64 n_value; }   16 bytes
// n_type: N_STAB (0xe0) debugging entries, N_PEXT (0x10) private extern, N_TYPE (0x0e) = N_UNDF /
// N_ABS / N_SECT / N_INDR, N_EXT (0x01) external.
#include "scanner/apple/macho_symbols.hpp"

#include <algorithm>

#include "scanner/apple/macho_format.hpp"

namespace sdkscope::apple {

using namespace macho;

bool MachoSymbol::imported() const {
  return !(type & kNStab) && (type & kNExt) && (type & kNType) == kNUndf && value == 0;
}

bool MachoSymbol::defined() const {
  if (type & kNStab) return false;
  const std::uint8_t t = type & kNType;
  return t == kNSect || t == kNAbs || t == kNIndr || (t == kNUndf && (type & kNExt) && value != 0);
}

bool MachoSymbol::exported() const { return defined() && (type & kNExt) && !(type & kNPext); }

std::vector<MachoSymbol> direct_symbols(Bytes image, const MachoImage& layout, std::size_t cap) {
  std::vector<MachoSymbol> out;
  if (!layout.symtab) return out;
  const MachoSymtab& st = *layout.symtab;
  const EndianReader r(image, layout.big_endian);
  const std::size_t entry = layout.is64 ? 16 : 12;
  if (!r.has(st.symoff, std::size_t{st.nsyms} * entry) || !r.has(st.stroff, st.strsize)) return out;
  const auto strings = r.bytes().chars(st.stroff, st.strsize);
  const std::size_t n = std::min<std::size_t>(st.nsyms, cap);
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t at = st.symoff + i * entry;
    const std::uint32_t strx = r.u32(at);
    if (strx >= strings.size()) continue;
    auto name = strings.substr(strx);
    name = name.substr(0, name.find('\0'));
    out.push_back({std::string(name), r.bytes().u8(at + 4), r.bytes().u8(at + 5),
                   layout.is64 ? r.u64(at + 8) : r.u32(at + 8)});
  }
  return out;
}

std::vector<MachoSymbol> read_symbols(Bytes image, const MachoImage& layout, std::size_t cap, Diagnostics& diags,
                                      const std::string& where) {
  if (!layout.symtab || layout.symtab->nsyms == 0) return {};
  std::string error;
  auto lief = lief_symbols(image, cap, error);
  const std::size_t want = std::min<std::size_t>(layout.symtab->nsyms, cap);
  if (lief && lief->size() >= want) return std::move(*lief);
  auto direct = direct_symbols(image, layout, cap);
  const std::size_t got = lief ? lief->size() : 0;
  if (direct.size() <= got) return lief ? std::move(*lief) : std::move(direct);
  diags.info("macho.symbols_direct", where,
             (lief ? "LIEF returned " + std::to_string(got) + " of " + std::to_string(layout.symtab->nsyms) + " symbols"
                   : "LIEF could not read the image (" + error + ")") +
                 "; read LC_SYMTAB directly");
  return direct;
}

}  // namespace sdkscope::apple
