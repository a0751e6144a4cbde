// elf_arm64_calls: PLT stubs and code ranges of an AArch64 ELF image, read directly.
//
// Layouts (gABI, ELF-64; AArch64 ELF ABI "Dynamic linking"), offsets in bytes:
//   Ehdr64  e_machine@18 e_phoff@32 e_shoff@40 e_phentsize@54 e_phnum@56 e_shentsize@58 e_shnum@60 e_shstrndx@62
//   Phdr64  p_type@0 p_flags@4 p_offset@8 p_vaddr@16 p_filesz@32                    (56 bytes)
//   Shdr64  sh_name@0 sh_type@4 sh_flags@8 sh_addr@16 sh_offset@24 sh_size@32 sh_link@40 (64 bytes)
//   Dyn     d_tag@0 d_val@8 (16 bytes)      Rela  r_offset@0 r_info@8 r_addend@16 (24 bytes)
//   Sym64   st_name@0 ... (24 bytes)
// A lazy-binding PLT entry (lld and GNU ld alike) is
//   [bti c]  adrp x16, GOT page;  ldr x17, [x16, #slot];  add x16, x16, #slot;  [autia1716]  br x17
// and a call reaches it with BL. The slot it loads is the r_offset of its R_AARCH64_JUMP_SLOT
// relocation, which names the symbol: decoding the pair ties entry to symbol without assuming
// the order of entries or their size.
#include "scanner/native/elf_calls.hpp"

#include <algorithm>
#include <exception>
#include <map>
#include <new>
#include <optional>

#include "scanner/native/elf_header.hpp"

namespace sdkscope::native {

namespace {

constexpr std::uint16_t kEmAarch64 = 183;
constexpr std::uint32_t kPtLoad = 1, kPtDynamic = 2;
constexpr std::uint32_t kPfX = 1;
constexpr std::uint32_t kShtProgbits = 1, kShtRela = 4;
constexpr std::uint64_t kShfExecinstr = 4;
constexpr std::uint64_t kDtNull = 0, kDtPltrelsz = 2, kDtStrtab = 5, kDtSymtab = 6, kDtStrsz = 10, kDtPltrel = 20,
                        kDtJmprel = 23;
constexpr std::uint64_t kDtRela = 7;
constexpr std::uint32_t kRAarch64JumpSlot = 1026;
constexpr std::size_t kPhdrSize = 56, kShdrSize = 64, kDynSize = 16, kRelaSize = 24, kSymSize = 24;
constexpr std::uint32_t kBtiC = 0xD503245Fu;

// One jump slot per imported function; the largest Android libraries import a few thousand.
constexpr std::size_t kMaxJumpSlots = 1'000'000;
// Real dynamic sections hold < 100 entries; a table without DT_NULL stops here at the latest.
constexpr std::size_t kMaxDynamicEntries = 100'000;
// Longer names are not callees anyone asks for; reading them costs memory on hostile tables.
constexpr std::size_t kMaxSymbolName = 4096;
// One broken table should not flood the report.
constexpr std::size_t kMaxDiagnostics = 16;

bool inside(std::uint64_t off, std::uint64_t size, std::size_t file_size) {
  return off <= file_size && size <= file_size - off;
}

/// Bounded "elf.calls" warnings for one image.
class Problems {
 public:
  Problems(Diagnostics& diags, const std::string& where) : diags_(diags), where_(where) {}
  ~Problems() {
    if (dropped_) diags_.warn("elf.calls", where_, std::to_string(dropped_) + " more problems not listed");
  }
  Problems(const Problems&) = delete;
  Problems& operator=(const Problems&) = delete;
  void warn(const std::string& message) {
    if (count_++ < kMaxDiagnostics) diags_.warn("elf.calls", where_, message);
    else ++dropped_;
  }

 private:
  Diagnostics& diags_;
  const std::string& where_;
  std::size_t count_ = 0;
  std::size_t dropped_ = 0;
};

struct Segment {
  std::uint32_t type = 0;
  std::uint32_t flags = 0;
  std::uint64_t offset = 0;
  std::uint64_t vaddr = 0;
  std::uint64_t filesz = 0;
};

struct Section {
  std::string name;
  std::uint32_t type = 0;
  std::uint64_t flags = 0;
  std::uint64_t addr = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::uint32_t link = 0;
};

/// A byte range of the file and the address it is mapped at.
struct CodeRange {
  std::uint64_t offset = 0;
  std::uint64_t vaddr = 0;
  std::uint64_t size = 0;
};

/// Where the jump-slot relocations and their symbols are, as file offsets.
struct SlotTables {
  std::uint64_t rela = 0;
  std::uint64_t rela_size = 0;
  std::uint64_t symtab = 0;
  std::uint64_t strtab = 0;
  std::uint64_t strsz = 0;
};

class ElfCalls {
 public:
  ElfCalls(Bytes image, const ElfHeader& hdr, Problems& problems)
      : image_(image), r_(image), le_(hdr.little_endian), hdr_(hdr), problems_(problems) {}

  /// Appends to `out` as it goes, so that a failure half-way keeps the sites found before it.
  void run(const Arm64CallOptions& opts, std::vector<Arm64CallSite>& out) {
    read_segments();
    read_sections();
    read_jump_slots();
    if (opts.max_sites == 0) return;
    std::vector<CodeRange> code, plt;
    code_ranges(code, plt);
    find_stubs(plt.empty() ? code : plt);

    Arm64CallOptions o = opts;
    if (o.syscall_convention == SyscallConvention::by_immediate) o.syscall_convention = SyscallConvention::linux_x8;
    for (const CodeRange& range : code) {
      o.max_sites = opts.max_sites - out.size();
      auto sites = find_arm64_calls(image_.subspan(range.offset, range.size), range.vaddr, stubs_, o);
      for (auto& s : sites) out.push_back(std::move(s));
      if (out.size() >= opts.max_sites) {
        problems_.warn("reached the limit of " + std::to_string(opts.max_sites) + " call sites; any later ones are not reported");
        break;
      }
    }
  }

 private:
  std::uint16_t u16(std::uint64_t off) const { return le_ ? r_.u16(off) : r_.u16be(off); }
  std::uint32_t u32(std::uint64_t off) const { return le_ ? r_.u32(off) : r_.u32be(off); }
  std::uint64_t u64(std::uint64_t off) const {
    return le_ ? r_.u64(off) : (std::uint64_t{r_.u32be(off)} << 32) | r_.u32be(off + 4);
  }

  void read_segments() {
    if (hdr_.phnum == 0) return;
    if (u16(54) != kPhdrSize) {
      problems_.warn("e_phentsize " + std::to_string(u16(54)) + " is not 56; program headers ignored");
      return;
    }
    std::uint64_t count = hdr_.phnum;
    if (!inside(hdr_.phoff, count * kPhdrSize, image_.size())) {
      count = hdr_.phoff < image_.size() ? (image_.size() - hdr_.phoff) / kPhdrSize : 0;
      problems_.warn("program header table runs past the end of the file; read " + std::to_string(count) + " of " +
                     std::to_string(hdr_.phnum) + " entries");
    }
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint64_t at = hdr_.phoff + i * kPhdrSize;
      Segment s{u32(at), u32(at + 4), u64(at + 8), u64(at + 16), u64(at + 32)};
      if (!inside(s.offset, s.filesz, image_.size())) {
        problems_.warn("segment " + std::to_string(i) + " runs past the end of the file; clipped");
        s.filesz = s.offset < image_.size() ? image_.size() - s.offset : 0;
      }
      segments_.push_back(s);
    }
  }

  void read_sections() {
    if (hdr_.shnum == 0 || hdr_.shoff == 0) return;  // offset 0 is the file header: no table
    if (u16(58) != kShdrSize) {
      problems_.warn("e_shentsize " + std::to_string(u16(58)) + " is not 64; section headers ignored");
      return;
    }
    if (!inside(hdr_.shoff, std::uint64_t{hdr_.shnum} * kShdrSize, image_.size())) {
      problems_.warn("section header table lies outside the file; section headers ignored");
      return;
    }
    for (std::uint64_t i = 0; i < hdr_.shnum; ++i) {
      const std::uint64_t at = hdr_.shoff + i * kShdrSize;
      Section s;
      s.type = u32(at + 4);
      s.flags = u64(at + 8);
      s.addr = u64(at + 16);
      s.offset = u64(at + 24);
      s.size = u64(at + 32);
      s.link = u32(at + 40);
      name_offsets_.push_back(u32(at));
      sections_.push_back(std::move(s));
    }
    // Names from e_shstrndx; without them, sections stay nameless (no .plt to leave out).
    if (hdr_.shstrndx >= sections_.size()) return;
    const Section& strtab = sections_[hdr_.shstrndx];
    if (!inside(strtab.offset, strtab.size, image_.size())) {
      problems_.warn("section name table lies outside the file; sections read without names");
      return;
    }
    for (std::size_t i = 0; i < sections_.size(); ++i)
      if (auto name = c_string(strtab.offset, strtab.size, name_offsets_[i])) sections_[i].name = std::move(*name);
  }

  /// The NUL-terminated string at table[index], inside the table and the file; nullopt when it
  /// does not end there (or within kMaxSymbolName bytes) or is empty.
  std::optional<std::string> c_string(std::uint64_t table, std::uint64_t table_size, std::uint64_t index) const {
    if (table >= image_.size()) return std::nullopt;
    table_size = std::min<std::uint64_t>(table_size, image_.size() - table);  // a table cut by truncation keeps its head
    if (index >= table_size) return std::nullopt;
    const std::uint64_t avail = std::min<std::uint64_t>(table_size - index, kMaxSymbolName + 1);
    const auto chars = r_.chars(table + index, avail);
    const auto nul = chars.find('\0');
    if (nul == std::string_view::npos || nul == 0) return std::nullopt;
    return std::string(chars.substr(0, nul));
  }

  std::optional<std::uint64_t> file_offset(std::uint64_t vaddr) const {
    for (const Segment& s : segments_)
      if (s.type == kPtLoad && vaddr >= s.vaddr && vaddr - s.vaddr < s.filesz) return s.offset + (vaddr - s.vaddr);
    return std::nullopt;
  }

  /// The tables DT_JMPREL & co. name, when the dynamic segment has them and they map to the file.
  std::optional<SlotTables> dynamic_tables() {
    const Segment* dyn = nullptr;
    for (const Segment& s : segments_)
      if (s.type == kPtDynamic) dyn = &s;
    if (!dyn) return std::nullopt;
    std::optional<std::uint64_t> jmprel, pltrelsz, pltrel, symtab, strtab, strsz;
    const std::uint64_t entries = std::min<std::uint64_t>(dyn->filesz / kDynSize, kMaxDynamicEntries);
    for (std::uint64_t i = 0; i < entries; ++i) {
      const std::uint64_t at = dyn->offset + i * kDynSize;
      const std::uint64_t tag = u64(at), val = u64(at + 8);
      if (tag == kDtNull) break;
      switch (tag) {
        case kDtJmprel: jmprel = val; break;
        case kDtPltrelsz: pltrelsz = val; break;
        case kDtPltrel: pltrel = val; break;
        case kDtSymtab: symtab = val; break;
        case kDtStrtab: strtab = val; break;
        case kDtStrsz: strsz = val; break;
        default: break;
      }
    }
    if (!jmprel || !pltrelsz || *pltrelsz == 0) return std::nullopt;
    if (pltrel && *pltrel != kDtRela) {
      problems_.warn("DT_PLTREL is " + std::to_string(*pltrel) + ", not DT_RELA; PLT relocations not read");
      return std::nullopt;
    }
    if (!symtab || !strtab || !strsz) {
      problems_.warn("DT_JMPREL without DT_SYMTAB, DT_STRTAB and DT_STRSZ; PLT relocations not read from the dynamic segment");
      return std::nullopt;
    }
    const auto rela_off = file_offset(*jmprel), sym_off = file_offset(*symtab), str_off = file_offset(*strtab);
    if (!rela_off || !sym_off || !str_off) {
      problems_.warn("DT_JMPREL, DT_SYMTAB or DT_STRTAB maps to no file bytes; PLT relocations not read from the dynamic segment");
      return std::nullopt;
    }
    return SlotTables{*rela_off, *pltrelsz, *sym_off, *str_off, *strsz};
  }

  /// The same from the .rela.plt section and the symbol table it links to.
  std::optional<SlotTables> section_tables() const {
    for (const Section& s : sections_) {
      if (s.type != kShtRela || s.name != ".rela.plt") continue;
      if (s.link >= sections_.size()) return std::nullopt;
      const Section& sym = sections_[s.link];
      if (sym.link >= sections_.size()) return std::nullopt;
      const Section& str = sections_[sym.link];
      return SlotTables{s.offset, s.size, sym.offset, str.offset, str.size};
    }
    return std::nullopt;
  }

  void read_jump_slots() {
    auto tables = dynamic_tables();
    if (!tables) tables = section_tables();
    if (!tables) return;
    std::uint64_t count = tables->rela_size / kRelaSize;
    if (!inside(tables->rela, count * kRelaSize, image_.size())) {
      const std::uint64_t fit = tables->rela < image_.size() ? (image_.size() - tables->rela) / kRelaSize : 0;
      problems_.warn("PLT relocations (" + std::to_string(count) + ") run past the end of the file; read " +
                     std::to_string(fit));
      count = fit;
    }
    if (count > kMaxJumpSlots) {
      problems_.warn(std::to_string(count) + " PLT relocations; read the first " + std::to_string(kMaxJumpSlots));
      count = kMaxJumpSlots;
    }
    std::size_t unnamed = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint64_t at = tables->rela + i * kRelaSize;
      const std::uint64_t slot = u64(at), info = u64(at + 8);
      if ((info & 0xFFFFFFFFu) != kRAarch64JumpSlot) continue;  // TLSDESC and IRELATIVE share the table
      const std::uint64_t sym = tables->symtab + (info >> 32) * kSymSize;  // < 2^37 + file size: no overflow
      std::optional<std::string> name;
      if (inside(sym, kSymSize, image_.size())) name = c_string(tables->strtab, tables->strsz, u32(sym));
      if (name) slots_.emplace(slot, std::move(*name));
      else ++unnamed;
    }
    if (unnamed) problems_.warn(std::to_string(unnamed) + " jump slot relocations name no readable symbol");
  }

  void code_ranges(std::vector<CodeRange>& code, std::vector<CodeRange>& plt) {
    auto clip = [&](std::uint64_t offset, std::uint64_t size, const std::string& what) -> std::optional<std::uint64_t> {
      if (inside(offset, size, image_.size())) return size;
      if (offset >= image_.size()) {
        problems_.warn(what + " lies outside the file; not scanned");
        return std::nullopt;
      }
      problems_.warn(what + " runs past the end of the file; clipped");
      return image_.size() - offset;
    };
    for (const Section& s : sections_) {
      if (s.type != kShtProgbits || !(s.flags & kShfExecinstr) || s.size == 0) continue;
      const auto size = clip(s.offset, s.size, "section " + (s.name.empty() ? std::string("?") : s.name));
      if (!size) continue;
      const bool is_plt = s.name == ".plt" || s.name == ".iplt";
      (is_plt ? plt : code).push_back({s.offset, s.addr, *size});
    }
    if (!code.empty() || !plt.empty()) return;
    for (const Segment& s : segments_)  // no executable sections: the segments the loader maps executable
      if (s.type == kPtLoad && (s.flags & kPfX) && s.filesz) code.push_back({s.offset, s.vaddr, s.filesz});
  }

  void find_stubs(const std::vector<CodeRange>& ranges) {
    if (slots_.empty()) return;
    for (const CodeRange& range : ranges) {
      const std::uint64_t words = range.size / 4;
      for (std::uint64_t i = 0; i + 1 < words; ++i) {
        const std::uint32_t adrp = r_.u32(range.offset + 4 * i);           // instructions are little-endian
        if ((adrp & 0x9F00001Fu) != 0x90000010u) continue;                // adrp x16, ...
        const std::uint32_t ldr = r_.u32(range.offset + 4 * (i + 1));
        if ((ldr & 0xFFC003FFu) != 0xF9400211u) continue;                 // ldr x17, [x16, #imm12 * 8]
        const std::uint64_t pc = range.vaddr + 4 * i;
        const std::uint64_t imm = (((adrp >> 5) & 0x7FFFFu) << 2) | ((adrp >> 29) & 3);  // immhi:immlo
        const std::int64_t page_delta = (static_cast<std::int64_t>(imm << 43) >> 43) * 4096;  // sign-extend 21 bits
        const std::uint64_t slot = (pc & ~std::uint64_t{0xFFF}) + static_cast<std::uint64_t>(page_delta) +
                                   std::uint64_t{(ldr >> 10) & 0xFFFu} * 8;
        const auto it = slots_.find(slot);
        if (it == slots_.end()) continue;
        const bool bti = i > 0 && r_.u32(range.offset + 4 * (i - 1)) == kBtiC;
        stubs_[pc - (bti ? 4 : 0)] = it->second;
      }
    }
    if (stubs_.empty())
      problems_.warn(std::to_string(slots_.size()) + " jump slots, but no PLT entry loads any of them; calls not resolved");
  }

  Bytes image_;
  ByteReader r_;
  bool le_;
  const ElfHeader& hdr_;
  Problems& problems_;
  std::vector<Segment> segments_;
  std::vector<Section> sections_;
  std::vector<std::uint32_t> name_offsets_;
  std::map<std::uint64_t, std::string> slots_;  // GOT slot vaddr -> symbol
  std::map<std::uint64_t, std::string> stubs_;  // PLT entry vaddr -> symbol
};

}  // namespace

std::vector<Arm64CallSite> elf_arm64_calls(Bytes image, Diagnostics& diags, const std::string& where,
                                           const Arm64CallOptions& opts) {
  const auto hdr = read_elf_header(image);
  if (!hdr || hdr->machine != kEmAarch64 || hdr->bits != 64) return {};
  Problems problems(diags, where);
  std::vector<Arm64CallSite> out;
  try {
    ElfCalls(image, *hdr, problems).run(opts, out);
  } catch (const OutOfBounds& e) {  // every range is checked first: this is a reader bug, not input
    problems.warn(std::string("read outside the file: ") + e.what());
  } catch (const std::bad_alloc&) {
    problems.warn("out of memory while reading call sites");
  } catch (const std::exception& e) {
    problems.warn(std::string("while reading call sites: ") + e.what());
  }
  return out;
}

}  // namespace sdkscope::native
