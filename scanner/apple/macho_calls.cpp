// macho_arm64_calls: stub maps and code sections of arm64 Mach-O images (mach-o/loader.h,
// mach-o/nlist.h, mach-o/reloc.h, mach-o/arm64/reloc.h), read directly.
//
// The load commands are walked here rather than through read_macho_image because the stub
// reader needs what MachoImage does not keep: each section's reserved1 / reserved2 / reloff /
// nreloc and LC_DYSYMTAB. The walk is bounded the same way (cmdsize >= 8 and inside the
// command area, at most MachoLimits::max_load_commands commands, every field read through a
// reader bounded to its command).
//   section_64   sectname[16] segname[16] addr@32 size@40 offset@48 align@52 reloff@56
//                nreloc@60 flags@64 reserved1@68 reserved2@72 reserved3@76     (80 bytes)
//   dysymtab     indirectsymoff@56 nindirectsyms@60
//   nlist_64     n_strx@0 n_type@4 n_sect@5 n_desc@6 n_value@8                  (16 bytes)
//   relocation   r_address@0 (i32; bit 31 = scattered) r_info@4: symbolnum:24 pcrel:1 length:2
//                extern:1 type:4, low bits first                               (8 bytes)
#include "scanner/apple/macho_calls.hpp"

#include <algorithm>
#include <exception>
#include <map>
#include <new>
#include <optional>

#include "scanner/apple/macho_fat.hpp"
#include "scanner/apple/macho_format.hpp"
#include "scanner/apple/macho_image.hpp"
#include "scanner/apple/macho_info.hpp"

namespace sdkscope::apple {

namespace {

using namespace macho;
using native::Arm64CallOptions;
using native::Arm64CallSite;

constexpr std::uint32_t kCpuTypeArm64 = kCpuTypeArm | kCpuArch64;
constexpr std::uint32_t kLcDysymtab = 0xb;
constexpr std::uint32_t kSSymbolStubs = 0x8;
constexpr std::uint32_t kSAttrPureInstructions = 0x80000000u;
constexpr std::uint32_t kSAttrSomeInstructions = 0x00000400u;
constexpr std::uint32_t kIndirectSymbolLocal = 0x80000000u;
constexpr std::uint32_t kIndirectSymbolAbs = 0x40000000u;
constexpr std::uint32_t kArm64RelocBranch26 = 2;
constexpr std::uint32_t kRScattered = 0x80000000u;
constexpr std::size_t kSection64Size = 80, kNlist64Size = 16, kRelocSize = 8;

// One stub per imported function; the largest iOS apps import tens of thousands.
constexpr std::uint64_t kMaxStubsPerSection = 1'000'000;
// An object's relocations: a few per instruction at most; 4 Mi covers a 16 MiB __text.
constexpr std::uint64_t kMaxRelocationsPerSection = 4'000'000;
// Longer names are not callees anyone asks for; reading them costs memory on hostile tables.
constexpr std::size_t kMaxSymbolName = 4096;
// One broken table should not flood the report.
constexpr std::size_t kMaxDiagnostics = 16;

bool inside(std::uint64_t off, std::uint64_t size, std::size_t file_size) {
  return off <= file_size && size <= file_size - off;
}

/// Bounded "macho.calls" warnings for one image.
class Problems {
 public:
  Problems(Diagnostics& diags, const std::string& where) : diags_(diags), where_(where) {}
  ~Problems() {
    if (dropped_) diags_.warn("macho.calls", where_, std::to_string(dropped_) + " more problems not listed");
  }
  Problems(const Problems&) = delete;
  Problems& operator=(const Problems&) = delete;
  void warn(const std::string& message) {
    if (count_++ < kMaxDiagnostics) diags_.warn("macho.calls", where_, message);
    else ++dropped_;
  }
  void info(const std::string& message) { diags_.info("macho.calls", where_, message); }

 private:
  Diagnostics& diags_;
  const std::string& where_;
  std::size_t count_ = 0;
  std::size_t dropped_ = 0;
};

struct Section {
  std::string segname;
  std::string sectname;
  std::uint64_t addr = 0;
  std::uint64_t size = 0;
  std::uint32_t offset = 0;
  std::uint32_t reloff = 0;
  std::uint32_t nreloc = 0;
  std::uint32_t flags = 0;
  std::uint32_t reserved1 = 0;
  std::uint32_t reserved2 = 0;

  std::uint32_t type() const { return flags & kSectionTypeMask; }
  bool zerofill() const { return type() == kSZerofill || type() == kSGbZerofill || type() == kSThreadLocalZerofill; }
  bool stubs() const { return type() == kSSymbolStubs; }
  bool code() const { return (flags & (kSAttrPureInstructions | kSAttrSomeInstructions)) && !stubs() && !zerofill(); }
  std::string label() const { return segname + "," + sectname; }
};

struct Symbol {
  std::string name;
  std::uint8_t type = 0;
};

class MachoCalls {
 public:
  MachoCalls(Bytes image, Problems& problems) : image_(image), r_(image), problems_(problems) {}

  /// Appends to `out` (which may hold earlier slices' sites; opts.max_sites counts them all) as it
  /// goes, so that a failure half-way keeps the sites found before it.
  void run(const Arm64CallOptions& opts, std::vector<Arm64CallSite>& out) {
    read_commands();
    check_symtab();
    read_stubs();
    Arm64CallOptions o = opts;
    if (o.syscall_convention == native::SyscallConvention::by_immediate)
      o.syscall_convention = native::SyscallConvention::darwin_x16;
    bool encrypted_noted = false;
    if (out.size() >= opts.max_sites) return;  // an earlier slice reached the limit and said so
    for (const Section& sec : sections_) {
      if (!sec.code() || sec.size == 0) continue;
      if (!inside(sec.offset, sec.size, image_.size())) {
        problems_.warn("code section " + sec.label() + " (" + std::to_string(sec.offset) + "+" + std::to_string(sec.size) +
                       ") lies outside the image; not scanned");
        continue;
      }
      if (encrypted(sec)) {
        if (!encrypted_noted)
          problems_.info("code section " + sec.label() + " is FairPlay-encrypted (cryptid " +
                         std::to_string(crypt_->cryptid) + "); its call sites cannot be read");
        encrypted_noted = true;
        continue;
      }
      o.max_sites = opts.max_sites - out.size();
      const auto relocated = filetype_ == kMhObject ? branch_relocations(sec) : std::map<std::uint64_t, std::string>{};
      auto sites = native::find_arm64_calls(image_.subspan(sec.offset, sec.size), sec.addr, stubs_, o, relocated);
      for (auto& s : sites) out.push_back(std::move(s));
      if (out.size() >= opts.max_sites) {
        problems_.warn("reached the limit of " + std::to_string(opts.max_sites) + " call sites; any later ones are not reported");
        return;
      }
    }
  }

 private:
  void read_commands() {
    filetype_ = r_.u32(12);
    const std::uint32_t ncmds = r_.u32(16), sizeofcmds = r_.u32(20);
    constexpr std::size_t kHeader = 32;
    std::uint64_t end = kHeader + std::uint64_t{sizeofcmds};
    if (end > image_.size()) {
      problems_.warn("load commands run past the end of the image; reading what is there");
      end = image_.size();
    }
    const std::size_t count = std::min<std::size_t>(ncmds, MachoLimits{}.max_load_commands);
    std::uint64_t off = kHeader;
    for (std::size_t i = 0; i < count; ++i) {
      if (off + 8 > end) {
        problems_.warn("load command " + std::to_string(i) + " starts past the load command area; the rest not read");
        return;
      }
      const std::uint32_t cmd = r_.u32(off), cmdsize = r_.u32(off + 4);
      if (cmdsize < 8 || cmdsize > end - off) {
        problems_.warn("load command " + std::to_string(i) + ": cmdsize " + std::to_string(cmdsize) +
                       " does not fit the load command area; the rest not read");
        return;
      }
      try {
        read_command(cmd, ByteReader(image_.subspan(off, cmdsize)));
      } catch (const OutOfBounds&) {
        problems_.warn("load command " + std::to_string(i) + " (cmd " + std::to_string(cmd) + ") is too small for its fields");
      }
      off += cmdsize;
    }
  }

  void read_command(std::uint32_t cmd, const ByteReader& c) {
    switch (cmd) {
      case kLcSegment64: {
        const std::uint32_t nsects = c.u32(64);
        const std::size_t fit = (c.size() - std::min<std::size_t>(c.size(), 72)) / kSection64Size;
        if (nsects > fit) problems_.warn("segment command announces " + std::to_string(nsects) + " sections, room for " + std::to_string(fit));
        for (std::size_t i = 0; i < std::min<std::size_t>(nsects, fit); ++i) {
          const std::size_t at = 72 + i * kSection64Size;
          Section s;
          s.sectname = fixed_name(c, at);
          s.segname = fixed_name(c, at + 16);
          s.addr = c.u64(at + 32);
          s.size = c.u64(at + 40);
          s.offset = c.u32(at + 48);
          s.reloff = c.u32(at + 56);
          s.nreloc = c.u32(at + 60);
          s.flags = c.u32(at + 64);
          s.reserved1 = c.u32(at + 68);
          s.reserved2 = c.u32(at + 72);
          sections_.push_back(std::move(s));
        }
        return;
      }
      case kLcSymtab: symtab_ = MachoSymtab{c.u32(8), c.u32(12), c.u32(16), c.u32(20)}; return;
      case kLcDysymtab:
        indirect_off_ = c.u32(56);
        indirect_count_ = c.u32(60);
        has_dysymtab_ = true;
        return;
      case kLcEncryptionInfo64: crypt_ = MachoEncryption{c.u32(8), c.u32(12), c.u32(16)}; return;
      default: return;
    }
  }

  static std::string fixed_name(const ByteReader& c, std::size_t at) {
    auto s = c.chars(at, 16);
    return std::string(s.substr(0, s.find('\0')));
  }

  /// Clips the symbol and string tables to the image, saying so.
  void check_symtab() {
    if (!symtab_) return;
    const std::uint64_t fit = symtab_->symoff < image_.size() ? (image_.size() - symtab_->symoff) / kNlist64Size : 0;
    if (symtab_->nsyms > fit) {
      problems_.warn("symbol table (" + std::to_string(symtab_->nsyms) + " entries) runs past the end of the image; read " +
                     std::to_string(fit));
      symtab_->nsyms = static_cast<std::uint32_t>(fit);
    }
    if (!inside(symtab_->stroff, symtab_->strsize, image_.size())) {
      problems_.warn("string table runs past the end of the image; clipped");
      symtab_->strsize = symtab_->stroff < image_.size() ? static_cast<std::uint32_t>(image_.size() - symtab_->stroff) : 0;
    }
  }

  std::optional<Symbol> symbol(std::uint64_t index) const {
    if (!symtab_ || index >= symtab_->nsyms) return std::nullopt;
    const std::uint64_t at = symtab_->symoff + index * kNlist64Size;
    const std::uint32_t strx = r_.u32(at);
    if (strx >= symtab_->strsize) return std::nullopt;
    const auto chars = r_.chars(symtab_->stroff + strx, std::min<std::uint64_t>(symtab_->strsize - strx, kMaxSymbolName + 1));
    const auto nul = chars.find('\0');
    if (nul == std::string_view::npos || nul == 0) return std::nullopt;
    return Symbol{std::string(chars.substr(0, nul)), r_.u8(at + 4)};
  }

  void read_stubs() {
    std::uint64_t indirect_count = indirect_count_;
    if (has_dysymtab_ && !inside(indirect_off_, indirect_count * 4, image_.size())) {
      indirect_count = indirect_off_ < image_.size() ? (image_.size() - indirect_off_) / 4 : 0;
      problems_.warn("indirect symbol table (" + std::to_string(indirect_count_) +
                     " entries) runs past the end of the image; read " + std::to_string(indirect_count));
    }
    for (const Section& sec : sections_) {
      if (!sec.stubs() || sec.size == 0) continue;
      if (!has_dysymtab_) {
        problems_.warn("stub section " + sec.label() + " but no LC_DYSYMTAB; stub calls not resolved");
        return;
      }
      if (sec.reserved2 == 0) {
        problems_.warn("stub section " + sec.label() + " has a stub size of 0; not read");
        continue;
      }
      std::uint64_t count = sec.size / sec.reserved2;
      if (count > kMaxStubsPerSection) {
        problems_.warn("stub section " + sec.label() + " holds " + std::to_string(count) + " stubs; read the first " +
                       std::to_string(kMaxStubsPerSection));
        count = kMaxStubsPerSection;
      }
      std::size_t unnamed = 0;
      for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint64_t index = std::uint64_t{sec.reserved1} + i;
        if (index >= indirect_count) {
          problems_.warn("stub section " + sec.label() + ": stubs from " + std::to_string(i) +
                         " on have no indirect symbol entry");
          break;
        }
        const std::uint32_t entry = r_.u32(indirect_off_ + index * 4);
        if (entry & (kIndirectSymbolLocal | kIndirectSymbolAbs)) continue;
        if (auto sym = symbol(entry)) stubs_[sec.addr + i * sec.reserved2] = std::move(sym->name);
        else ++unnamed;
      }
      if (unnamed)
        problems_.warn("stub section " + sec.label() + ": " + std::to_string(unnamed) + " stubs name no readable symbol");
    }
  }

  /// An object's BRANCH26 relocations in `sec`: instruction vmaddr -> the undefined external
  /// symbol it calls, "" for any other target.
  std::map<std::uint64_t, std::string> branch_relocations(const Section& sec) {
    std::map<std::uint64_t, std::string> out;
    std::uint64_t count = sec.nreloc;
    if (!inside(sec.reloff, count * kRelocSize, image_.size())) {
      count = sec.reloff < image_.size() ? (image_.size() - sec.reloff) / kRelocSize : 0;
      problems_.warn("relocations of " + sec.label() + " (" + std::to_string(sec.nreloc) +
                     ") run past the end of the image; read " + std::to_string(count));
    }
    count = std::min(count, kMaxRelocationsPerSection);
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint64_t at = sec.reloff + i * kRelocSize;
      const std::uint32_t address = r_.u32(at), info = r_.u32(at + 4);
      if ((address & kRScattered) || (info >> 28) != kArm64RelocBranch26 || address >= sec.size) continue;
      std::string name;
      if ((info >> 27) & 1) {  // r_extern: symbolnum indexes the symbol table
        if (auto sym = symbol(info & 0xFFFFFFu); sym && !(sym->type & kNStab) && (sym->type & kNExt) &&
                                                   (sym->type & kNType) == kNUndf)
          name = std::move(sym->name);
      }
      out[sec.addr + address] = std::move(name);
    }
    return out;
  }

  bool encrypted(const Section& sec) const {
    if (!crypt_ || crypt_->cryptid == 0 || crypt_->cryptsize == 0) return false;
    const std::uint64_t begin = crypt_->cryptoff, end = begin + crypt_->cryptsize;
    return sec.offset < end && begin < std::uint64_t{sec.offset} + sec.size;
  }

  Bytes image_;
  ByteReader r_;  // arm64 images are little-endian; big-endian ones are not read (see scan_thin)
  Problems& problems_;
  std::uint32_t filetype_ = 0;
  std::vector<Section> sections_;
  std::optional<MachoSymtab> symtab_;
  bool has_dysymtab_ = false;
  std::uint32_t indirect_off_ = 0;
  std::uint32_t indirect_count_ = 0;
  std::optional<MachoEncryption> crypt_;
  std::map<std::uint64_t, std::string> stubs_;  // stub vmaddr -> symbol
};

void scan_thin(Bytes image, Diagnostics& diags, const std::string& where, const Arm64CallOptions& opts,
               std::vector<Arm64CallSite>& out) {
  bool is64 = false, big_endian = false;
  if (!thin_macho_magic(image, is64, big_endian) || !is64 || big_endian || image.size() < 32) return;
  if (ByteReader(image).u32(4) != kCpuTypeArm64) return;
  Problems problems(diags, where);
  try {
    MachoCalls(image, problems).run(opts, out);
  } catch (const OutOfBounds& e) {  // every range is checked first: this is a reader bug, not input
    problems.warn(std::string("read outside the image: ") + e.what());
  } catch (const std::bad_alloc&) {
    problems.warn("out of memory while reading call sites");
  } catch (const std::exception& e) {
    problems.warn(std::string("while reading call sites: ") + e.what());
  }
}

}  // namespace

std::vector<Arm64CallSite> macho_arm64_calls(Bytes image, Diagnostics& diags, const std::string& where,
                                             const Arm64CallOptions& opts) {
  std::vector<Arm64CallSite> out;
  bool is64 = false, big_endian = false;
  if (thin_macho_magic(image, is64, big_endian)) {
    scan_thin(image, diags, where, opts, out);
    return out;
  }
  if (!plausible_fat_header(image)) return out;  // archives, Java class files, anything else
  try {
    Diagnostics fat;  // the fat reader's own codes; re-filed under this pass's code
    const auto slices = read_fat_slices(image, MachoLimits{}, fat, where);
    for (const Diagnostic& d : fat.items()) diags.warn("macho.calls", d.where, "fat header: " + d.message);
    for (const FatSlice& slice : slices) {
      if (slice.cputype != kCpuTypeArm64) continue;
      if (out.size() >= opts.max_sites) break;  // the slice that reached the limit has said so
      scan_thin(image.subspan(slice.offset, slice.size), diags, where + "[" + slice.arch + "]", opts, out);
    }
  } catch (const std::exception& e) {
    diags.warn("macho.calls", where, std::string("while reading the fat header: ") + e.what());
  }
  return out;
}

}  // namespace sdkscope::apple
