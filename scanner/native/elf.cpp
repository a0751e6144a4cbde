// The ELF adapter: the only file that includes LIEF's ELF headers. It turns LIEF 0.9's object
// model into an ElfInfo and every LIEF failure (exception, null result) into a diagnostic.
//
// What we read and from where:
//   machine, bits        ELF header (e_machine, EI_CLASS)
//   soname, needed       PT_DYNAMIC entries DT_SONAME / DT_NEEDED (LIEF resolves them in .dynstr)
//   exported / imported  .dynsym: defined global/weak symbols vs. undefined ones
//   strings              .rodata* section bytes. Packed or stripped Android libraries often have
//                        no section headers (e_shnum = 0, or the table zeroed), so then we fall back
//                        to the PT_LOAD segments mapped read-only and non-executable, and when there
//                        are none (old linkers merge .rodata into the R+X text segment) to the
//                        whole file. The dynamic string table (symbol and library names, already
//                        reported above) is cut out of both fallbacks.
// Two guards around LIEF 0.9, each measured on mutated fixtures (tests/native/test_elf_mutation.cpp):
//   - before parsing, sanitize_elf_image (elf_header.cpp) clamps header ranges to the file: LIEF
//     otherwise allocates up to offset+size per entry (1 GiB for a 3 KiB file) or silently drops
//     everything after the first bad entry;
//   - after parsing, when the hash tables announce more dynamic symbols than LIEF returned (its
//     DT_HASH count is broken, see dynamic_symbols.cpp), .dynsym is read directly.
// Spec: System V ABI, "Object Files" (gabi 4.1) and the ELF-64 Object File Format 1.5.
#include "scanner/native/elf_info.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <mutex>
#include <new>
#include <optional>
#include <utility>

#include <LIEF/ELF.hpp>
#include <LIEF/exception.hpp>
#include <LIEF/logging.hpp>

#include "scanner/native/dynamic_symbols.hpp"
#include "scanner/native/elf_header.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope::native {

namespace {

namespace lelf = LIEF::ELF;

constexpr std::uint8_t kElfMagic[4] = {0x7f, 'E', 'L', 'F'};
// gABI symbol constants, compared against raw st_shndx / st_info / st_other values.
constexpr std::uint16_t kShnUndef = 0;
constexpr std::uint16_t kShnAbs = 0xfff1;
constexpr std::uint8_t kStbGlobal = 1, kStbWeak = 2, kStbGnuUnique = 10;
constexpr std::uint8_t kStvDefault = 0, kStvProtected = 3;

// LIEF logs through easylogging++ to stderr. Debian's 0.9 build printed nothing in our tests even
// with the logger enabled, but a scanner's stderr belongs to its own messages whatever LIEF build
// it links, so the Scanner constructor switches the logger off once, before any scan
// (scanner/engine/scanner.cpp). It is not done here: a once_flag here and another in the Mach-O
// adapter raced when ELF and Mach-O binaries are parsed on two threads.

std::string machine_name(std::uint16_t machine, int bits) {
  switch (machine) {
    case 3: return "x86";
    case 62: return "x86_64";
    case 40: return "arm";
    case 183: return "aarch64";
    case 8: return bits == 64 ? "mips64" : "mips";
    case 243: return "riscv";
    case 20: return "ppc";
    case 21: return "ppc64";
    case 2: return "sparc";
    case 43: return "sparcv9";
    case 22: return "s390";
    case 50: return "ia64";
    case 164: return "hexagon";
    case 0: return "none";
    default: break;
  }
  // Anything else: LIEF's enum name ("EM_AVR" -> "avr"), or the number when LIEF has none.
  std::string name = to_lower(lelf::to_string(static_cast<lelf::ARCH>(machine)));
  if (starts_with(name, "em_")) return name.substr(3);
  return "em_" + std::to_string(machine);
}

std::string describe(const ElfRepairs& r) {
  std::vector<std::string> parts;
  if (r.program_headers_clamped) parts.push_back("program header table cut at the end of the file");
  if (r.section_headers_dropped)
    parts.push_back("section header table ignored (past the end of the file, or entries covering it many times)");
  if (r.segments_clamped) parts.push_back(std::to_string(r.segments_clamped) + " segment(s) clamped to the file");
  if (r.sections_clamped) parts.push_back(std::to_string(r.sections_clamped) + " section(s) clamped to the file");
  std::string out = "headers point outside the file (truncated or corrupt): ";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "; " : "") + parts[i];
  return out;
}

/// LIEF 0.9 swallows its own exceptions half-way and returns what it had; a table shorter than
/// the header announced is the visible trace of that.
void check_complete(const lelf::Binary& bin, const ElfHeader& hdr, Diagnostics& diags, const std::string& where) {
  std::size_t segments = 0, sections = 0;
  for (const auto& seg : bin.segments()) {
    (void)seg;
    ++segments;
  }
  for (const auto& sec : bin.sections()) {
    (void)sec;
    ++sections;
  }
  std::size_t want_segments = hdr.phoff ? hdr.phnum : 0;  // LIEF skips a table at offset 0
  std::size_t want_sections = hdr.shoff ? hdr.shnum : 0;
  if (segments < want_segments || sections < want_sections)
    diags.warn("elf.parse_incomplete", where,
               "LIEF stopped early: read " + std::to_string(segments) + " of " + std::to_string(want_segments) +
                   " program headers and " + std::to_string(sections) + " of " + std::to_string(want_sections) +
                   " section headers");
}

/// A half-open byte range [begin, end) of the input.
struct Range {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

/// Clips [offset, offset+size) to the input; nullopt when nothing of it lies inside.
std::optional<Range> clip(std::uint64_t offset, std::uint64_t size, std::size_t file_size) {
  if (offset >= file_size || size == 0) return std::nullopt;
  std::uint64_t avail = file_size - offset;
  return Range{offset, offset + std::min(size, avail)};
}

/// Appends printable strings of `ranges`, minus `cut`, until limits.max_strings.
void collect_strings(Bytes data, const std::vector<Range>& ranges, std::optional<Range> cut, const ElfLimits& limits,
                     std::vector<std::string>& out) {
  auto take = [&](std::uint64_t b, std::uint64_t e) {
    if (b >= e || out.size() >= limits.max_strings) return;
    auto found = printable_strings(data.subspan(b, e - b), limits.min_string_length, limits.max_strings - out.size());
    for (auto& s : found) out.push_back(std::move(s));
  };
  for (const auto& r : ranges) {
    if (cut && cut->begin < r.end && r.begin < cut->end) {
      take(r.begin, std::max(r.begin, cut->begin));
      take(std::min(r.end, cut->end), r.end);
    } else {
      take(r.begin, r.end);
    }
  }
}

/// Maps a virtual address to a file offset through the PT_LOAD segment that holds it.
std::optional<std::uint64_t> va_to_offset(const lelf::Binary& bin, std::uint64_t va) {
  for (const auto& seg : bin.segments()) {
    if (seg.type() != lelf::SEGMENT_TYPES::PT_LOAD) continue;
    std::uint64_t start = seg.virtual_address();
    if (va >= start && va - start < seg.physical_size()) return seg.file_offset() + (va - start);
  }
  return std::nullopt;
}

struct DynamicFacts {
  std::optional<std::uint64_t> strtab_va;
  std::optional<std::uint64_t> strsz;
  std::optional<std::uint64_t> symtab_va;
  std::optional<std::uint64_t> hash_va;
  std::optional<std::uint64_t> gnu_hash_va;
};

DynamicFacts read_dynamic(const lelf::Binary& bin, ElfInfo& info) {
  DynamicFacts facts;
  for (const auto& entry : bin.dynamic_entries()) {
    switch (entry.tag()) {
      case lelf::DYNAMIC_TAGS::DT_NEEDED:
        if (const auto* lib = dynamic_cast<const lelf::DynamicEntryLibrary*>(&entry); lib && !lib->name().empty())
          info.needed.push_back(lib->name());
        break;
      case lelf::DYNAMIC_TAGS::DT_SONAME:
        if (const auto* so = dynamic_cast<const lelf::DynamicSharedObject*>(&entry); so && info.soname.empty())
          info.soname = so->name();
        break;
      case lelf::DYNAMIC_TAGS::DT_STRTAB: facts.strtab_va = entry.value(); break;
      case lelf::DYNAMIC_TAGS::DT_STRSZ: facts.strsz = entry.value(); break;
      case lelf::DYNAMIC_TAGS::DT_SYMTAB: facts.symtab_va = entry.value(); break;
      case lelf::DYNAMIC_TAGS::DT_HASH: facts.hash_va = entry.value(); break;
      case lelf::DYNAMIC_TAGS::DT_GNU_HASH: facts.gnu_hash_va = entry.value(); break;
      default: break;
    }
  }
  return facts;
}

std::vector<RawSymbol> lief_symbols(const lelf::Binary& bin, std::size_t cap) {
  std::vector<RawSymbol> out;
  for (const auto& sym : bin.dynamic_symbols()) {
    if (out.size() >= cap) break;
    out.push_back({sym.name(), sym.shndx(), static_cast<std::uint8_t>(sym.binding()),
                   static_cast<std::uint8_t>(sym.visibility()), sym.value()});
  }
  return out;
}

/// The hash tables' view of .dynsym, when LIEF returned fewer symbols than they announce.
std::optional<std::vector<RawSymbol>> direct_symbols(const lelf::Binary& bin, Bytes data, const ElfHeader& hdr,
                                                     const DynamicFacts& dyn, std::size_t lief_count, std::size_t cap) {
  if (!dyn.symtab_va || !dyn.strtab_va || !dyn.strsz || (!dyn.hash_va && !dyn.gnu_hash_va)) return std::nullopt;
  auto symtab = va_to_offset(bin, *dyn.symtab_va);
  auto strtab = va_to_offset(bin, *dyn.strtab_va);
  if (!symtab || !strtab) return std::nullopt;
  DynsymLocation loc{*symtab, *strtab, *dyn.strsz, std::nullopt, std::nullopt};
  if (dyn.hash_va) loc.sysv_hash = va_to_offset(bin, *dyn.hash_va);
  if (dyn.gnu_hash_va) loc.gnu_hash = va_to_offset(bin, *dyn.gnu_hash_va);
  auto count = count_dynamic_symbols(data, hdr, loc);
  if (!count || *count <= lief_count) return std::nullopt;
  return read_dynamic_symbols(data, hdr, loc, std::min(*count, cap));
}

void read_symbols(const lelf::Binary& bin, Bytes data, const ElfHeader& hdr, const DynamicFacts& dyn,
                  const ElfLimits& limits, ElfInfo& info, Diagnostics& diags, const std::string& where) {
  const std::size_t cap = limits.max_symbols + 1;  // one more than allowed, to notice the overflow
  auto symbols = lief_symbols(bin, cap);
  if (symbols.size() < cap)
    if (auto direct = direct_symbols(bin, data, hdr, dyn, symbols.size(), cap)) {
      diags.info("elf.dynsym_from_hash", where,
                 "LIEF returned " + std::to_string(symbols.size()) +
                     " dynamic symbols, fewer than the hash table announces; read .dynsym directly");
      symbols = std::move(*direct);
    }
  if (symbols.size() > limits.max_symbols) {
    diags.warn(
        "elf.too_many_symbols", where,
        "dynamic symbol table has more than " + std::to_string(limits.max_symbols) + " entries; the rest were skipped");
    symbols.resize(limits.max_symbols);
  }
  for (const auto& sym : symbols) {
    if (sym.name.empty()) continue;
    if (sym.shndx == kShnUndef) {
      info.imported_symbols.push_back(sym.name);
      continue;
    }
    bool visible_binding = sym.binding == kStbGlobal || sym.binding == kStbWeak || sym.binding == kStbGnuUnique;
    bool visible = sym.visibility == kStvDefault || sym.visibility == kStvProtected;
    // GNU ld emits ABS symbols of value 0 named after version definitions ("LIBFOO_1.0"); they
    // are not code or data anyone can call.
    bool version_marker = sym.shndx == kShnAbs && sym.value == 0;
    if (visible_binding && visible && !version_marker) info.exported_symbols.push_back(sym.name);
  }
  for (auto* list : {&info.exported_symbols, &info.imported_symbols}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
}

bool is_rodata_name(const std::string& name) {
  return name == ".rodata" || starts_with(name, ".rodata.") || name == ".rodata1";
}

void read_strings(const lelf::Binary& bin, Bytes data, const DynamicFacts& dyn, const ElfLimits& limits, ElfInfo& info,
                  Diagnostics& diags, const std::string& where) {
  std::vector<Range> ranges;
  for (const auto& sec : bin.sections()) {
    if (sec.type() == lelf::ELF_SECTION_TYPES::SHT_NOBITS || !is_rodata_name(sec.name())) continue;
    if (auto r = clip(sec.offset(), sec.size(), data.size())) ranges.push_back(*r);
  }
  if (!ranges.empty()) {
    collect_strings(data, ranges, std::nullopt, limits, info.strings);
    return;
  }

  std::optional<Range> dynstr;
  if (dyn.strtab_va && dyn.strsz)
    if (auto off = va_to_offset(bin, *dyn.strtab_va)) dynstr = clip(*off, *dyn.strsz, data.size());

  for (const auto& seg : bin.segments()) {
    if (seg.type() != lelf::SEGMENT_TYPES::PT_LOAD || !seg.has(lelf::ELF_SEGMENT_FLAGS::PF_R) ||
        seg.has(lelf::ELF_SEGMENT_FLAGS::PF_W) || seg.has(lelf::ELF_SEGMENT_FLAGS::PF_X))
      continue;
    if (auto r = clip(seg.file_offset(), seg.physical_size(), data.size())) ranges.push_back(*r);
  }
  if (!ranges.empty()) {
    diags.info("elf.strings_from_segments", where,
               "no .rodata section (section headers missing or stripped); strings taken from read-only "
               "PT_LOAD segments");
  } else {
    diags.info("elf.strings_from_file", where,
               "no .rodata section and no read-only non-executable PT_LOAD segment; strings taken from "
               "the whole file");
    ranges.push_back({0, data.size()});
  }
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
  collect_strings(data, ranges, dynstr, limits, info.strings);
}

/// Runs one extraction step; a LIEF exception inside it is recorded and the other steps go on.
template <typename Fn>
void guarded(const char* step, Diagnostics& diags, const std::string& where, Fn&& fn) {
  try {
    fn();
  } catch (const std::bad_alloc&) {
    diags.warn("elf.parse_error", where, std::string("out of memory while reading ") + step);
  } catch (const std::exception& e) {
    diags.warn("elf.parse_error", where, std::string("while reading ") + step + ": " + e.what());
  } catch (...) {
    diags.warn("elf.parse_error", where, std::string("unknown exception while reading ") + step);
  }
}

}  // namespace

ElfParseResult parse_elf(Bytes data, Diagnostics& diags, const std::string& where, const ElfLimits& limits) {
  ElfParseResult result;
  if (data.size() < sizeof kElfMagic || std::memcmp(data.data(), kElfMagic, sizeof kElfMagic) != 0) {
    diags.warn("elf.not_elf", where, "no ELF magic (\\x7fELF) at offset 0");
    return result;
  }
  auto hdr = read_elf_header(data);
  if (!hdr) {
    diags.warn("elf.parse_error", where,
               "ELF header unreadable (" + std::to_string(data.size()) +
                   " bytes; bad class or data encoding, or shorter than the header)");
    return result;
  }

  std::unique_ptr<lelf::Binary> bin;
  ElfRepairs repairs;
  ElfHeader seen;  // the header as LIEF sees it, after the repairs
  try {
    std::vector<std::uint8_t> image(data.begin(), data.end());
    repairs = sanitize_elf_image(image);
    seen = read_elf_header(image).value_or(*hdr);
    bin = lelf::Parser::parse(image, where);
  } catch (const LIEF::exception& e) {
    diags.warn("elf.parse_error", where, std::string("LIEF: ") + e.what());
    return result;
  } catch (const std::bad_alloc&) {
    diags.warn("elf.parse_error", where, "out of memory while parsing");
    return result;
  } catch (const std::exception& e) {
    diags.warn("elf.parse_error", where, std::string("LIEF: ") + e.what());
    return result;
  } catch (...) {
    diags.warn("elf.parse_error", where, "LIEF: unknown exception");
    return result;
  }
  if (repairs.any()) diags.warn("elf.out_of_bounds", where, describe(repairs));
  if (!bin) {
    diags.warn("elf.parse_error", where, "LIEF could not parse the file");
    return result;
  }
  guarded("tables", diags, where, [&] { check_complete(*bin, seen, diags, where); });

  ElfInfo& info = result.info;
  info.bits = hdr->bits;
  info.machine = machine_name(hdr->machine, hdr->bits);
  DynamicFacts dyn;
  guarded("dynamic entries", diags, where, [&] { dyn = read_dynamic(*bin, info); });
  guarded("dynamic symbols", diags, where, [&] { read_symbols(*bin, data, seen, dyn, limits, info, diags, where); });
  guarded("strings", diags, where, [&] { read_strings(*bin, data, dyn, limits, info, diags, where); });
  if (info.strings.size() >= limits.max_strings)
    diags.info("elf.too_many_strings", where, "stopped after " + std::to_string(limits.max_strings) + " strings");
  result.ok = true;
  return result;
}

}  // namespace sdkscope::native
