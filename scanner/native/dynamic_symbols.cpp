// Direct .dynsym reading. Why it exists: LIEF 0.9 sizes .dynsym from the section headers, and
// without them from the hash tables, but its DT_HASH path has an inverted check
// (`if (not can_read) return read(); return 0;` in Parser::nb_dynsym_sysv_hash) and answers 0
// whenever the table is readable. It then falls back to counting PLT relocations, which sees
// imports but no exports. Android libraries carry DT_HASH (lld and gold emit both styles), so a
// stripped or packed one lost every exported JNI symbol. elf.cpp calls this reader when the hash
// tables announce more symbols than LIEF returned.
//
// Layouts (gABI "Symbol Table", "Hash Table"; GNU hash as in binutils/bfd elf.c):
//   Elf32_Sym (16 bytes): name u32 @0, value u32 @4, size u32 @8, info u8 @12, other u8 @13, shndx u16 @14
//   Elf64_Sym (24 bytes): name u32 @0, info u8 @4, other u8 @5, shndx u16 @6, value u64 @8, size u64 @16
//   DT_HASH:     nbucket u32, nchain u32, ...        (nchain == number of symbols)
//   DT_GNU_HASH: nbuckets u32, symoffset u32, bloom_size u32, bloom_shift u32,
//                bloom[bloom_size] (word = 4 or 8 bytes), buckets[nbuckets] u32, chain[] u32
//                (a chain ends at an entry with bit 0 set; chain[i] belongs to symbol symoffset+i)
#include "scanner/native/dynamic_symbols.hpp"

#include <algorithm>

namespace sdkscope::native {

namespace {

/// Bounds-checked endian-aware reads; throw OutOfBounds like ByteReader.
class Reader {
 public:
  Reader(Bytes data, bool little) : r_(data), little_(little) {}
  std::uint8_t u8(std::uint64_t off) const { return r_.u8(index(off)); }
  std::uint16_t u16(std::uint64_t off) const { return little_ ? r_.u16(index(off)) : r_.u16be(index(off)); }
  std::uint32_t u32(std::uint64_t off) const { return little_ ? r_.u32(index(off)) : r_.u32be(index(off)); }
  std::uint64_t u64(std::uint64_t off) const {
    std::uint64_t a = u32(off), b = u32(off + 4);
    return little_ ? (a | (b << 32)) : ((a << 32) | b);
  }
  std::size_t size() const { return r_.size(); }

 private:
  std::size_t index(std::uint64_t off) const {
    if (off > r_.size()) throw OutOfBounds("offset past the end of the file");
    return static_cast<std::size_t>(off);
  }
  ByteReader r_;
  bool little_;
};

std::size_t gnu_hash_count(const Reader& r, std::uint64_t off, int bits) {
  std::uint32_t nbuckets = r.u32(off);
  std::uint32_t symoffset = r.u32(off + 4);
  std::uint32_t bloom_size = r.u32(off + 8);
  std::uint64_t buckets = off + 16 + std::uint64_t{bloom_size} * (bits == 64 ? 8 : 4);
  if (buckets > r.size() || nbuckets > (r.size() - buckets) / 4) throw OutOfBounds("GNU hash buckets past the end");
  std::uint32_t max_bucket = 0;
  for (std::uint32_t i = 0; i < nbuckets; ++i) max_bucket = std::max(max_bucket, r.u32(buckets + 4ull * i));
  if (max_bucket < symoffset) return symoffset;  // empty chains: only the unhashed symbols
  std::uint64_t chains = buckets + 4ull * nbuckets;
  // Each step reads four more bytes, so the walk ends at the end of the file at the latest.
  std::uint64_t idx = max_bucket;
  while (!(r.u32(chains + 4 * (idx - symoffset)) & 1u)) ++idx;
  return static_cast<std::size_t>(idx + 1);
}

}  // namespace

std::optional<std::size_t> count_dynamic_symbols(Bytes data, const ElfHeader& hdr, const DynsymLocation& loc) {
  Reader r(data, hdr.little_endian);
  if (loc.sysv_hash) {
    try {
      return r.u32(*loc.sysv_hash + 4);
    } catch (const OutOfBounds&) {
    }
  }
  if (loc.gnu_hash) {
    try {
      return gnu_hash_count(r, *loc.gnu_hash, hdr.bits);
    } catch (const OutOfBounds&) {
    }
  }
  return std::nullopt;
}

std::vector<RawSymbol> read_dynamic_symbols(Bytes data, const ElfHeader& hdr, const DynsymLocation& loc,
                                            std::size_t count) {
  Reader r(data, hdr.little_endian);
  const std::uint64_t entsize = hdr.bits == 64 ? 24 : 16;
  if (loc.symtab >= data.size()) return {};
  count = static_cast<std::size_t>(std::min<std::uint64_t>(count, (data.size() - loc.symtab) / entsize));
  const std::uint64_t str_end = loc.strtab >= data.size()
                                    ? data.size()
                                    : loc.strtab + std::min<std::uint64_t>(loc.strsz, data.size() - loc.strtab);

  std::vector<RawSymbol> out;
  out.reserve(count);
  try {
    for (std::size_t i = 0; i < count; ++i) {
      std::uint64_t e = loc.symtab + i * entsize;
      RawSymbol sym;
      std::uint32_t name = r.u32(e);
      std::uint8_t info = 0, other = 0;
      if (hdr.bits == 64) {
        info = r.u8(e + 4);
        other = r.u8(e + 5);
        sym.shndx = r.u16(e + 6);
        sym.value = r.u64(e + 8);
      } else {
        sym.value = r.u32(e + 4);
        info = r.u8(e + 12);
        other = r.u8(e + 13);
        sym.shndx = r.u16(e + 14);
      }
      sym.binding = static_cast<std::uint8_t>(info >> 4);
      sym.visibility = static_cast<std::uint8_t>(other & 3);
      if (loc.strtab < str_end && name < str_end - loc.strtab) {
        const char* begin = reinterpret_cast<const char*>(data.data() + loc.strtab + name);
        const char* end = reinterpret_cast<const char*>(data.data() + str_end);
        sym.name.assign(begin, std::find(begin, end, '\0'));
      }
      out.push_back(std::move(sym));
    }
  } catch (const OutOfBounds&) {
    // Unreachable with the count clamped above; kept so the no-throw promise holds regardless.
  }
  return out;
}

}  // namespace sdkscope::native
