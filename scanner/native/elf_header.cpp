// Raw ELF header reading and the pre-LIEF repairs.
//
// Why repair at all: LIEF 0.9 copies each section's and segment's bytes through a DataHandler
// that grows its buffer to offset+size, so one mutated sh_offset of ~1 GiB in a 3 KiB file costs
// ~1 GiB of RAM; past a few GiB the allocation fails, LIEF catches that internally and returns a
// Binary with no segments, no dynamic entries and no symbols, without an error. Clamping every
// range to the file before LIEF sees it bounds its memory by the file size and keeps one bad
// header (say, of .symtab, which sdkscope never reads) from erasing everything else. The
// repaired tables are appended as copies (see sanitize_elf_image), so the file's own bytes are
// never rewritten beyond the header's table fields.
//
// Layouts (gABI "ELF Header", "Sections", "Program Header"), offsets in bytes:
//   Ehdr32  phoff@28 shoff@32 phnum@44 shnum@48 shstrndx@50   Ehdr64  phoff@32 shoff@40 phnum@56 shnum@60 shstrndx@62
//   Shdr32  type@4 offset@16 size@20 (40 bytes)                Shdr64  type@4 offset@24 size@32 (64 bytes)
//   Phdr32  offset@4 filesz@16 (32 bytes)                      Phdr64  offset@8 filesz@32 (56 bytes)
#include "scanner/native/elf_header.hpp"

#include <cstring>

namespace sdkscope::native {

namespace {

constexpr std::uint32_t kShtNobits = 8;

/// Endian-aware unsigned read/write of 2, 4 or 8 bytes; callers check bounds first.
std::uint64_t get(const std::uint8_t* p, std::size_t width, bool little) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) {
    std::size_t idx = little ? width - 1 - i : i;
    v = (v << 8) | p[idx];
  }
  return v;
}

void put(std::uint8_t* p, std::size_t width, bool little, std::uint64_t v) {
  for (std::size_t i = 0; i < width; ++i) {
    std::size_t idx = little ? i : width - 1 - i;
    p[idx] = static_cast<std::uint8_t>(v >> (8 * i));
  }
}

struct Field {
  std::size_t offset;
  std::size_t width;
};

struct Layout {
  Field phoff, shoff, phnum, shnum, shstrndx;
  Field sh_type, sh_offset, sh_size;
  Field ph_offset, ph_filesz;
};

constexpr Layout kLayout32{{28, 4}, {32, 4}, {44, 2}, {48, 2}, {50, 2}, {4, 4}, {16, 4}, {20, 4}, {4, 4}, {16, 4}};
constexpr Layout kLayout64{{32, 8}, {40, 8}, {56, 2}, {60, 2}, {62, 2}, {4, 4}, {24, 8}, {32, 8}, {8, 8}, {32, 8}};

const Layout& layout_for(int bits) { return bits == 64 ? kLayout64 : kLayout32; }

/// True when [offset, offset+size) lies inside a file of `file_size` bytes (overflow-safe).
bool inside(std::uint64_t offset, std::uint64_t size, std::size_t file_size) {
  return offset <= file_size && size <= file_size - offset;
}

/// Clamps the (offset, size) pair at `entry` to the file; true when it changed anything.
bool clamp_range(std::uint8_t* entry, Field off_f, Field size_f, bool little, std::size_t file_size) {
  std::uint64_t off = get(entry + off_f.offset, off_f.width, little);
  std::uint64_t size = get(entry + size_f.offset, size_f.width, little);
  if (inside(off, size, file_size)) return false;
  if (off > file_size) {
    put(entry + off_f.offset, off_f.width, little, file_size);
    put(entry + size_f.offset, size_f.width, little, 0);
  } else {
    put(entry + size_f.offset, size_f.width, little, file_size - off);
  }
  return true;
}

// LIEF copies every section's and every segment's bytes. In a sound file sections tile the file
// once and segments cover it about twice (PT_LOAD plus PT_PHDR, PT_DYNAMIC, PT_NOTE, RELRO and
// EH_FRAME inside them); the budgets allow generous slack over that.
constexpr std::uint64_t kSectionCopyFactor = 2;
constexpr std::uint64_t kSegmentCopyFactor = 4;
constexpr std::uint64_t kCopySlack = 1 << 20;
constexpr std::size_t kTableAlign = 8;

std::uint64_t copy_budget(std::size_t file_size, std::uint64_t factor) { return factor * file_size + kCopySlack; }

/// Repairs a copy of the program header table; true when the copy differs from the file.
bool repair_segments(std::vector<std::uint8_t>& table, const Layout& l, bool le, std::size_t entsize,
                     std::size_t file_size, ElfRepairs& repairs) {
  bool changed = false;
  std::uint64_t copied = 0;
  for (std::size_t at = 0; at + entsize <= table.size(); at += entsize) {
    std::uint8_t* entry = table.data() + at;
    bool clamped = clamp_range(entry, l.ph_offset, l.ph_filesz, le, file_size);
    std::uint64_t filesz = get(entry + l.ph_filesz.offset, l.ph_filesz.width, le);
    if (copied + filesz > copy_budget(file_size, kSegmentCopyFactor)) {
      put(entry + l.ph_filesz.offset, l.ph_filesz.width, le, 0);
      filesz = 0;
      clamped = true;
    }
    copied += filesz;
    if (clamped) ++repairs.segments_clamped;
    changed |= clamped;
  }
  return changed;
}

/// Repairs a copy of the section header table; true when the copy differs from the file.
/// Sets repairs.section_headers_dropped when the entries are garbage.
bool repair_sections(std::vector<std::uint8_t>& table, const Layout& l, bool le, std::size_t entsize,
                     std::size_t file_size, ElfRepairs& repairs) {
  bool changed = false;
  std::uint64_t copied = 0;
  for (std::size_t at = 0; at + entsize <= table.size(); at += entsize) {
    std::uint8_t* entry = table.data() + at;
    auto type = get(entry + l.sh_type.offset, l.sh_type.width, le);
    if (type == kShtNobits) {
      // .bss occupies no file bytes and may legitimately reach past the end, but LIEF still books
      // [offset, offset+size) in its DataHandler: clamp it too, without calling it a defect.
      changed |= clamp_range(entry, l.sh_offset, l.sh_size, le, file_size);
      continue;
    }
    // SHT_NULL included: LIEF reads the bytes of every section that is not NOBITS.
    if (clamp_range(entry, l.sh_offset, l.sh_size, le, file_size)) {
      ++repairs.sections_clamped;
      changed = true;
    }
    copied += get(entry + l.sh_size.offset, l.sh_size.width, le);
  }
  // Real sections do not overlap, so their sizes add up to less than the file. Far more means the
  // table is garbage (often a corrupted e_shoff), and LIEF would copy the file once per entry.
  if (copied > copy_budget(file_size, kSectionCopyFactor)) repairs.section_headers_dropped = true;
  return changed;
}

/// Appends `table` to the image, 8-byte aligned, and returns its offset.
std::uint64_t append_table(std::vector<std::uint8_t>& image, const std::vector<std::uint8_t>& table) {
  image.resize((image.size() + kTableAlign - 1) / kTableAlign * kTableAlign, 0);
  std::uint64_t at = image.size();
  image.insert(image.end(), table.begin(), table.end());
  return at;
}

}  // namespace

std::optional<ElfHeader> read_elf_header(Bytes data) {
  static constexpr std::uint8_t kMagic[4] = {0x7f, 'E', 'L', 'F'};
  if (data.size() < 16 || std::memcmp(data.data(), kMagic, 4) != 0) return std::nullopt;
  ElfHeader h;
  switch (data[4]) {
    case 1: h.bits = 32; break;
    case 2: h.bits = 64; break;
    default: return std::nullopt;
  }
  switch (data[5]) {
    case 1: h.little_endian = true; break;
    case 2: h.little_endian = false; break;
    default: return std::nullopt;
  }
  std::size_t header_size = h.bits == 64 ? 64 : 52;
  if (data.size() < header_size) return std::nullopt;
  const Layout& l = layout_for(h.bits);
  const std::uint8_t* p = data.data();
  h.machine = static_cast<std::uint16_t>(get(p + 18, 2, h.little_endian));
  h.phoff = get(p + l.phoff.offset, l.phoff.width, h.little_endian);
  h.shoff = get(p + l.shoff.offset, l.shoff.width, h.little_endian);
  h.phnum = static_cast<std::uint16_t>(get(p + l.phnum.offset, 2, h.little_endian));
  h.shnum = static_cast<std::uint16_t>(get(p + l.shnum.offset, 2, h.little_endian));
  h.shstrndx = static_cast<std::uint16_t>(get(p + l.shstrndx.offset, 2, h.little_endian));
  return h;
}

ElfRepairs sanitize_elf_image(std::vector<std::uint8_t>& image) {
  ElfRepairs repairs;
  const auto hdr = read_elf_header(image);
  if (!hdr) return repairs;
  const Layout& l = layout_for(hdr->bits);
  const bool le = hdr->little_endian;
  const std::size_t size = image.size();  // every range is clamped to the original file

  // Program headers: keep the entries that fit, so a table cut by truncation still yields its
  // leading PT_LOAD / PT_DYNAMIC entries.
  std::uint64_t phnum = hdr->phnum;
  if (phnum > 0 && !inside(hdr->phoff, phnum * hdr->phentsize(), size)) {
    phnum = hdr->phoff < size ? (size - hdr->phoff) / hdr->phentsize() : 0;
    repairs.program_headers_clamped = true;
  }
  const auto ph_begin = image.begin() + static_cast<std::ptrdiff_t>(phnum ? hdr->phoff : 0);
  std::vector<std::uint8_t> ph(ph_begin, ph_begin + static_cast<std::ptrdiff_t>(phnum * hdr->phentsize()));
  bool ph_changed = repair_segments(ph, l, le, hdr->phentsize(), size, repairs) || repairs.program_headers_clamped;

  // Section headers: a partial table is worse than none (names come from e_shstrndx, which may be
  // the part that is missing), so a table that does not fit is removed whole.
  std::vector<std::uint8_t> sh;
  bool sh_changed = false;
  if (hdr->shnum > 0) {
    if (!inside(hdr->shoff, std::uint64_t{hdr->shnum} * hdr->shentsize(), size)) {
      repairs.section_headers_dropped = true;
    } else {
      const auto sh_begin = image.begin() + static_cast<std::ptrdiff_t>(hdr->shoff);
      sh.assign(sh_begin, sh_begin + static_cast<std::ptrdiff_t>(hdr->shnum * hdr->shentsize()));
      sh_changed = repair_sections(sh, l, le, hdr->shentsize(), size, repairs);
    }
  }

  // The repaired tables go after the end of the file rather than over the originals: a corrupt
  // e_phnum or e_shoff makes a "table" that overlaps .dynsym, .dynamic or the other table, and
  // fixing such an entry in place would corrupt the real data under it. Only the file header's
  // table fields change within the original bytes.
  std::uint8_t* header = image.data();
  if (ph_changed) {
    std::uint64_t at = phnum ? append_table(image, ph) : 0;
    header = image.data();
    put(header + l.phoff.offset, l.phoff.width, le, at);
    put(header + l.phnum.offset, 2, le, phnum);
  }
  if (repairs.section_headers_dropped) {
    put(header + l.shoff.offset, l.shoff.width, le, 0);
    put(header + l.shnum.offset, 2, le, 0);
    put(header + l.shstrndx.offset, 2, le, 0);
  } else if (sh_changed) {
    std::uint64_t at = append_table(image, sh);
    put(image.data() + l.shoff.offset, l.shoff.width, le, at);
  }
  return repairs;
}

}  // namespace sdkscope::native
