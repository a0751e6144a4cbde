// The DEX reader: header, string pool, type and method ids, class defs, and the const-string
// scan of every method's code, all through bounds-checked reads, returning partial results.
//
// The format, in the order this file reads it. Spec: https://source.android.com/docs/core/runtime/dex-format
// and, for instructions, https://source.android.com/docs/core/runtime/dalvik-bytecode with its
// companion page instruction-formats.
//
// A DEX file starts with a 0x70-byte header: the magic "dex\n0NN\0" (NN = 035..041; versions
// after 035 add instructions and relax naming rules, nothing a table reader sees, except 041,
// which adds containers, below), file_size, header_size, an endian tag (0x12345678; the
// byte-swapped tag marks a big-endian file, which no tool ships and we do not read), and (count,
// offset) pairs for the id tables. Every offset is from the start of the file. The tables are
// fixed-size records:
//   string_ids  4 bytes: offset of a string_data_item = uleb128 UTF-16 length, then MUTF-8 bytes
//               ending in 0x00 (MUTF-8 writes U+0000 as C0 80, so 0x00 only ever terminates)
//   type_ids    4 bytes: string index of a descriptor ("Lcom/a/B;", "[I", "J")
//   method_ids  8 bytes: u16 type index of the owner, u16 proto index, u32 string index of the name
//   class_defs 32 bytes: u32 class type, access flags, u32 superclass type (0xFFFFFFFF = none),
//               ..., class_data_off at +24 (0 = no members)
// class_data_item is all uleb128: four counts (static fields, instance fields, direct methods,
// virtual methods), then (field_idx_diff, access_flags) per field and (method_idx_diff,
// access_flags, code_off) per method; code_off is 0 for abstract and native methods. A code_item
// is registers/ins/outs/tries sizes (4 x u16), debug_info_off (u32), insns_size (u32, in 16-bit
// code units) and the instructions.
//
// The instruction walk. An instruction's low byte is its opcode and the opcode fixes the format,
// and so the width: 1 to 5 code units (dalvik.hpp has the table). Walking by width from unit 0
// visits every instruction start and nothing else, so an operand or a literal that happens to
// be 0x1a is never taken for const-string. The exceptions are the three payloads that switch and
// fill-array-data instructions point at, placed in the same array (usually at the end): they
// start with a "nop" whose high byte is an ident (0x0100 packed-switch, 0x0200 sparse-switch,
// 0x0300 fill-array-data) followed by size fields that give their length; the walk steps over
// them whole, as dexdump does. const-string (0x1a, 21c) carries a 16-bit string index in its
// second unit, const-string/jumbo (0x1b, 31c) a 32-bit one in units two and three.
//
// Version 41 containers: several DEX entries in one file, each with a 0x78-byte header whose
// file_size is the distance to the next header, plus container_size and header_offset. All
// offsets in every entry are from the start of the container: the format document words every
// offset "from the start of the file" and gives header_offset the same way, and dexlib2 (smali),
// which reads v41, reads them so. We read every entry in turn and merge the results, rebasing
// string and class indices. No real v41 file was available to check against; the tests build one.
// A file whose first header is older than 041 is one DEX: nothing past it is taken for a header.
//
// Hostile input. Every count is checked against the bytes that could hold it before anything is
// reserved; every index is checked against its table; repeated structures (many classes sharing
// one class_data, many string ids sharing one string) are bounded by budgets that real files
// never reach because in them such structures do not overlap: string bytes scanned <= 4x the file
// size, class members read <= the file size; plus the caller's DexLimits. Repeated diagnostics
// are capped per code (Reporter), so a mutated table costs a few lines of report, not thousands.
#include "scanner/dex/dex_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <new>
#include <span>
#include <string_view>

#include "scanner/dex/dalvik.hpp"
#include "scanner/util/mutf8.hpp"
#include "scanner/dex/reporter.hpp"

namespace sdkscope::dex {
namespace {

constexpr std::size_t kHeaderSize = 0x70;
constexpr std::size_t kHeaderSizeV41 = 0x78;
constexpr std::uint32_t kEndianTag = 0x12345678;
constexpr std::uint32_t kReverseEndianTag = 0x78563412;
constexpr std::uint32_t kNoIndex = 0xFFFFFFFF;
constexpr int kMinVersion = 35;
constexpr int kContainerVersion = 41;
constexpr std::size_t kStringIdSize = 4;
constexpr std::size_t kTypeIdSize = 4;
constexpr std::size_t kMethodIdSize = 8;
constexpr std::size_t kClassDefSize = 32;
constexpr std::size_t kCodeItemHeaderSize = 16;

// Type and method indices are 16 bits wide in method_ids and in instructions, so a DEX cannot
// use more than 65536 of either (d8 refuses to write more); larger counts are hostile.
constexpr std::uint32_t kMaxTypeIds = 65536;
constexpr std::uint32_t kMaxMethodIds = 65536;
constexpr std::uint32_t kMaxFieldIds = 65536;  // field indices are 16 bits wide in instructions too
constexpr std::size_t kFieldIdSize = 8;
// A v41 container holds one entry per former classesN.dex: a handful, a few hundred at most.
constexpr std::uint32_t kMaxContainerEntries = 4096;
// String bytes scanned per file, as a multiple of its size. A real DEX reads each string byte
// once (string data items do not overlap); a v41 container whose entries share string data may
// read some again. Overlapping string ids in a hostile file stop here instead of going quadratic,
// and decoded strings stay within a small multiple of the input.
constexpr std::uint64_t kStringBudgetFactor = 4;
struct Header {
  std::size_t base = 0;  // where this header starts: 0, or a later entry of a v41 container
  int version = 0;
  std::uint32_t file_size = 0;
  std::uint32_t header_size = 0;
  std::uint32_t string_ids_size = 0, string_ids_off = 0;
  std::uint32_t type_ids_size = 0, type_ids_off = 0;
  std::uint32_t field_ids_size = 0, field_ids_off = 0;
  std::uint32_t method_ids_size = 0, method_ids_off = 0;
  std::uint32_t class_defs_size = 0, class_defs_off = 0;
  std::uint32_t container_size = 0;
};

class Parser {
 public:
  Parser(Bytes data, Diagnostics& diags, const std::string& where, const DexLimits& limits, const DexOptions& options)
      : r_(data),
        limits_(limits),
        options_(options),
        report_(diags, where),
        string_budget_(kStringBudgetFactor * data.size()),
        member_budget_(data.size()) {}

  DexParseResult run() {
    DexParseResult result;
    std::size_t base = 0;
    for (;;) {
      Header h;
      if (!read_header(base, h)) break;
      if (base == 0) {
        result.ok = true;
        dex_.version = h.version;
      }
      ++dex_.container_entries;
      read_entry(h);
      if (h.version < kContainerVersion || h.header_size < kHeaderSizeV41) break;
      // The next entry starts file_size bytes on; stop at the container's end. Offsets only
      // grow, so the loop ends even when sizes are hostile.
      const std::size_t end = std::min<std::size_t>(h.container_size, r_.size());
      const std::size_t next = base + h.file_size;
      if (h.file_size < kHeaderSizeV41 || next >= end) break;
      if (dex_.container_entries >= kMaxContainerEntries) {
        report_.report(Code::limit, Severity::warning,
                       "container has more than {} entries; the rest were not read", kMaxContainerEntries);
        break;
      }
      base = next;
    }
    report_.finish();
    result.dex = std::move(dex_);
    return result;
  }

 private:
  // --- header ---------------------------------------------------------------------------------

  bool read_header(std::size_t base, Header& h) {
    static constexpr std::array<std::uint8_t, 4> kMagic = {'d', 'e', 'x', '\n'};
    const Bytes data = r_.data();
    const std::size_t have = data.size() - std::min(base, data.size());
    const std::size_t prefix = std::min<std::size_t>(have, kMagic.size());
    if (!std::equal(kMagic.begin(), kMagic.begin() + static_cast<std::ptrdiff_t>(prefix),
                    data.begin() + static_cast<std::ptrdiff_t>(base))) {
      report_.report(Code::bad_magic, Severity::error, "no DEX magic at offset {:#x}", base);
      return false;
    }
    if (have < 8) {
      report_.report(Code::truncated, Severity::error, "{} bytes at offset {:#x}: too short for a DEX magic",
                     have, base);
      return false;
    }
    const std::string_view v = r_.chars(base + 4, 4);
    const bool digits = v[0] >= '0' && v[0] <= '9' && v[1] >= '0' && v[1] <= '9' && v[2] >= '0' &&
                        v[2] <= '9' && v[3] == '\0';
    h.version = digits ? (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0') : 0;
    if (h.version < kMinVersion) {
      report_.report(Code::bad_magic, Severity::error, "unsupported DEX version \"{}\"",
                     printable(v.substr(0, 3)));
      return false;
    }
    if (h.version > kContainerVersion) {
      report_.report(Code::bad_magic, Severity::warning, "DEX version {:03} is newer than 041; read as 041",
                     h.version);
    }
    if (!r_.has(base, kHeaderSize)) {
      report_.report(Code::truncated, Severity::error, "{} bytes at offset {:#x}: too short for a DEX header",
                     have, base);
      return false;
    }
    const std::uint32_t endian = r_.u32(base + 0x28);
    if (endian == kReverseEndianTag) {
      report_.report(Code::bad_magic, Severity::error,
                     "big-endian DEX (reverse endian tag) is not supported");
      return false;
    }
    if (endian != kEndianTag) {
      report_.report(Code::bad_magic, Severity::warning, "unexpected endian tag {:#x}; read as little-endian",
                     endian);
    }
    h.base = base;
    h.file_size = r_.u32(base + 0x20);
    h.header_size = r_.u32(base + 0x24);
    h.string_ids_size = r_.u32(base + 0x38);
    h.string_ids_off = r_.u32(base + 0x3c);
    h.type_ids_size = r_.u32(base + 0x40);
    h.type_ids_off = r_.u32(base + 0x44);
    h.field_ids_size = r_.u32(base + 0x50);
    h.field_ids_off = r_.u32(base + 0x54);
    h.method_ids_size = r_.u32(base + 0x58);
    h.method_ids_off = r_.u32(base + 0x5c);
    h.class_defs_size = r_.u32(base + 0x60);
    h.class_defs_off = r_.u32(base + 0x64);
    if (std::uint64_t{h.file_size} > have) {
      report_.report(Code::truncated, Severity::warning,
                     "header at {:#x} gives file_size {} but only {} bytes are present", base, h.file_size,
                     have);
    }
    if (h.version >= kContainerVersion && h.header_size >= kHeaderSizeV41) {
      if (!r_.has(base, kHeaderSizeV41)) {
        report_.report(Code::truncated, Severity::warning, "v41 header at {:#x} is cut short", base);
        h.header_size = kHeaderSize;  // read this entry, don't look for more
        return true;
      }
      h.container_size = r_.u32(base + 0x70);
      const std::uint32_t header_offset = r_.u32(base + 0x74);
      if (header_offset != base) {
        report_.report(Code::bad_offset, Severity::warning, "v41 header at {:#x} says it is at {:#x}", base,
                       header_offset);
      }
      if (h.container_size > r_.size()) {
        report_.report(Code::truncated, Severity::warning, "container_size {} but only {} bytes are present",
                       h.container_size, r_.size());
      }
    }
    return true;
  }

  // --- tables ---------------------------------------------------------------------------------

  // How many `item_size` records of a table can be read: the claimed count, clamped (with a
  // diagnostic) to what the file can hold and to `limit`. Nothing is reserved before this.
  std::uint32_t table_count(std::string_view table, std::uint32_t count, std::uint32_t off,
                            std::size_t item_size, std::uint64_t limit) {
    if (count == 0) return 0;
    if (off >= r_.size()) {
      report_.report(Code::bad_offset, Severity::warning, "{} at {:#x} lies beyond the end ({} bytes)", table,
                     off, r_.size());
      return 0;
    }
    const std::uint64_t fit = (r_.size() - off) / item_size;
    if (count > fit) {
      report_.report(Code::truncated, Severity::warning, "{} claims {} entries at {:#x}; only {} fit", table,
                     count, off, fit);
      count = static_cast<std::uint32_t>(fit);
    }
    if (count > limit) {
      report_.report(Code::limit, Severity::warning, "{} has {} entries; reading the first {}", table, count,
                     limit);
      count = static_cast<std::uint32_t>(limit);
    }
    return count;
  }

  // One DEX (or one container entry). Each table is read in its own guard so that a failure in
  // one still leaves the others; in practice the checks above every read make these rare.
  void read_entry(const Header& h) {
    const std::size_t string_base = dex_.strings.size();
    guarded("string_ids", [&] { read_strings(h); });
    const auto strings = std::span<const std::string>(dex_.strings).subspan(string_base);
    guarded("type_ids", [&] { read_types(h, strings); });
    method_base_ = dex_.method_refs.size();
    field_base_ = dex_.field_refs.size();
    guarded("method_ids", [&] { read_method_refs(h, strings); });
    guarded("field_ids", [&] { read_field_refs(h, strings); });
    entry_methods_ = dex_.method_refs.size() - method_base_;
    mark_tracked();
    entry_fields_ = dex_.field_refs.size() - field_base_;
    guarded("class_defs", [&] { read_classes(h, string_base); });
  }

  template <class Fn>
  void guarded(std::string_view table, Fn&& fn) {
    try {
      fn();
    } catch (const OutOfBounds& e) {
      report_.report(Code::truncated, Severity::warning, "{}: {}", table, e.what());
    }
  }

  void read_strings(const Header& h) {
    const std::uint64_t room =
        limits_.max_strings - std::min<std::uint64_t>(limits_.max_strings, dex_.strings.size());
    const std::uint32_t n =
        table_count("string_ids", h.string_ids_size, h.string_ids_off, kStringIdSize, room);
    dex_.strings.reserve(dex_.strings.size() + n);
    const Bytes data = r_.data();
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t off = r_.u32(h.string_ids_off + std::size_t{i} * kStringIdSize);
      std::size_t p = off;
      if (!skip_uleb128(p)) {
        report_.report(Code::bad_offset, Severity::warning, "string #{} at {:#x} lies beyond the end", i,
                       off);
        dex_.strings.emplace_back();
        continue;
      }
      // Scan to the terminating 0x00, but never more than the budget allows: in a real file
      // strings do not overlap, so all of them together are shorter than the file.
      const std::size_t avail = data.size() - p;
      const std::size_t window = static_cast<std::size_t>(std::min<std::uint64_t>(avail, string_budget_));
      const auto* begin = data.data() + p;
      const auto* nul = static_cast<const std::uint8_t*>(std::memchr(begin, 0, window));
      std::size_t len = nul ? static_cast<std::size_t>(nul - begin) : window;
      if (!nul && window < avail) {
        report_.report(
            Code::limit, Severity::warning,
            "string data read exceeds {}x the file size (overlapping strings); {} of {} strings decoded",
            kStringBudgetFactor, i, n);
        dex_.strings.resize(dex_.strings.size() + (n - i));
        return;
      }
      if (!nul) {
        report_.report(Code::truncated, Severity::warning, "string #{} at {:#x} has no terminator", i, off);
      }
      string_budget_ -= std::min<std::uint64_t>(string_budget_, len + 1);
      dex_.strings.push_back(mutf8_to_utf8(std::string_view(reinterpret_cast<const char*>(begin), len)));
    }
  }

  void read_types(const Header& h, std::span<const std::string> strings) {
    const std::uint32_t n =
        table_count("type_ids", h.type_ids_size, h.type_ids_off, kTypeIdSize, kMaxTypeIds);
    type_names_.clear();
    type_names_.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t idx = r_.u32(h.type_ids_off + std::size_t{i} * kTypeIdSize);
      if (idx >= strings.size()) {
        report_.report(Code::bad_offset, Severity::warning, "type #{} names string #{} of {}", i, idx,
                       strings.size());
        type_names_.emplace_back();
        continue;
      }
      std::string java = descriptor_to_java(strings[idx]);
      if (java.empty()) {
        // Arrays and primitives keep their descriptor, for method_refs on arrays ("[I.clone").
        type_names_.push_back(charge_name(strings[idx].size()) ? strings[idx] : std::string());
        continue;
      }
      if (!charge_name(2 * java.size())) {
        type_names_.emplace_back();
        continue;
      }
      dex_.referenced_types.push_back(java);
      type_names_.push_back(std::move(java));
    }
  }

  void read_method_refs(const Header& h, std::span<const std::string> strings) {
    const std::uint32_t n =
        table_count("method_ids", h.method_ids_size, h.method_ids_off, kMethodIdSize, kMaxMethodIds);
    dex_.method_refs.reserve(dex_.method_refs.size() + n);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::size_t rec = h.method_ids_off + std::size_t{i} * kMethodIdSize;
      const std::uint16_t owner = r_.u16(rec);
      const std::uint32_t name = r_.u32(rec + 4);
      if (owner >= type_names_.size() || name >= strings.size()) {
        report_.report(Code::bad_offset, Severity::warning,
                       "method #{} names type #{} of {} and string #{} of {}", i, owner, type_names_.size(),
                       name, strings.size());
        dex_.method_refs.emplace_back();
        continue;
      }
      const std::string& owner_name = type_names_[owner];
      const std::string& method_name = strings[name];
      if (!charge_name(owner_name.size() + 1 + method_name.size())) return;
      std::string ref;
      ref.reserve(owner_name.size() + 1 + method_name.size());
      ref.append(owner_name).append(1, '.').append(method_name);
      dex_.method_refs.push_back(std::move(ref));
    }
  }

  // Which method refs of this entry are tracked calls (by full name or "*.name").
  void mark_tracked() {
    tracked_.assign(entry_methods_, false);
    if (options_.track_calls.empty()) return;
    for (std::size_t i = 0; i < entry_methods_; ++i) {
      const std::string& ref = dex_.method_refs[method_base_ + i];
      const auto dot = ref.rfind('.');
      for (const auto& t : options_.track_calls) {
        const bool any_owner = t.size() > 2 && t[0] == '*' && t[1] == '.';
        if (any_owner ? (dot != std::string::npos && ref.compare(dot, std::string::npos, t, 1, std::string::npos) == 0)
                      : ref == t) {
          tracked_[i] = true;
          any_tracked_ = true;
          break;
        }
      }
    }
  }

  // field_id_item: u16 class type, u16 field type, u32 name string; same checks as method_ids.
  void read_field_refs(const Header& h, std::span<const std::string> strings) {
    const std::uint32_t n =
        table_count("field_ids", h.field_ids_size, h.field_ids_off, kFieldIdSize, kMaxFieldIds);
    dex_.field_refs.reserve(dex_.field_refs.size() + n);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::size_t rec = h.field_ids_off + std::size_t{i} * kFieldIdSize;
      const std::uint16_t owner = r_.u16(rec);
      const std::uint32_t name = r_.u32(rec + 4);
      if (owner >= type_names_.size() || name >= strings.size()) {
        report_.report(Code::bad_offset, Severity::warning,
                       "field #{} names type #{} of {} and string #{} of {}", i, owner, type_names_.size(), name,
                       strings.size());
        dex_.field_refs.emplace_back();
        continue;
      }
      const std::string& owner_name = type_names_[owner];
      const std::string& field_name = strings[name];
      if (!charge_name(owner_name.size() + 1 + field_name.size())) return;
      std::string ref;
      ref.reserve(owner_name.size() + 1 + field_name.size());
      ref.append(owner_name).append(1, '.').append(field_name);
      dex_.field_refs.push_back(std::move(ref));
    }
  }

  // Counts `bytes` of names against max_name_bytes; false (reported once) when over.
  bool charge_name(std::uint64_t bytes) {
    if (name_bytes_ + bytes > limits_.max_name_bytes) {
      if (!names_exhausted_) {
        names_exhausted_ = true;
        report_.report(Code::limit, Severity::warning,
                       "names exceed {} bytes; remaining type names and method refs left out",
                       limits_.max_name_bytes);
      }
      return false;
    }
    name_bytes_ += bytes;
    return true;
  }

  // --- classes and code -----------------------------------------------------------------------

  void read_classes(const Header& h, std::size_t string_base) {
    const std::uint64_t room =
        limits_.max_classes - std::min<std::uint64_t>(limits_.max_classes, dex_.classes.size());
    const std::uint32_t n =
        table_count("class_defs", h.class_defs_size, h.class_defs_off, kClassDefSize, room);
    dex_.classes.reserve(dex_.classes.size() + n);
    dex_.superclasses.reserve(dex_.superclasses.size() + n);
    entry_strings_ = dex_.strings.size() - string_base;
    string_base_ = string_base;
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::size_t rec = h.class_defs_off + std::size_t{i} * kClassDefSize;
      const std::uint32_t type = r_.u32(rec);
      const std::uint32_t super = r_.u32(rec + 8);
      const std::uint32_t class_data_off = r_.u32(rec + 24);
      if (type >= type_names_.size()) {
        report_.report(Code::bad_offset, Severity::warning, "class_def #{} names type #{} of {}", i, type,
                       type_names_.size());
        continue;
      }
      std::string super_name;
      if (super != kNoIndex) {
        if (super < type_names_.size()) {
          super_name = type_names_[super];
        } else {
          report_.report(Code::bad_offset, Severity::warning, "class_def #{} has superclass type #{} of {}",
                         i, super, type_names_.size());
        }
      }
      if (!charge_name(type_names_[type].size() + super_name.size())) return;
      dex_.classes.push_back(type_names_[type]);
      dex_.superclasses.push_back(std::move(super_name));
      if (class_data_off != 0) scan_class_data(i, class_data_off);
    }
  }

  // Reads one class_data_item and scans the code of each of its methods, then records the
  // strings this class loads. A failure part-way keeps what was found before it.
  void scan_class_data(std::uint32_t def, std::uint32_t off) {
    const auto class_idx = static_cast<std::uint32_t>(dex_.classes.size() - 1);
    scratch_.clear();
    method_scratch_.clear();
    field_scratch_.clear();
    try {
      std::size_t p = off;
      std::array<std::uint32_t, 4> sizes{};
      for (auto& s : sizes) {
        if (!read_uleb128(p, s)) {
          report_.report(Code::bad_offset, Severity::warning, "class_def #{}: class_data at {:#x} is cut off",
                         def, off);
          return;
        }
      }
      const std::uint64_t fields = std::uint64_t{sizes[0]} + sizes[1];
      const std::uint64_t methods = std::uint64_t{sizes[2]} + sizes[3];
      // An encoded field takes at least 2 bytes and an encoded method at least 3.
      if (2 * fields + 3 * methods > r_.size() - p) {
        report_.report(Code::truncated, Severity::warning,
                       "class_def #{}: class_data at {:#x} claims {} fields and {} methods; they cannot fit",
                       def, off, fields, methods);
        return;
      }
      if (fields + methods > member_budget_) {
        report_.report(
            Code::limit, Severity::warning,
            "class_def #{}: class members read exceed the file size (shared class_data); code not scanned",
            def);
        return;
      }
      member_budget_ -= fields + methods;
      for (std::uint64_t f = 0; f < fields; ++f) {
        r_.uleb128(p);  // field_idx_diff
        r_.uleb128(p);  // access_flags
      }
      for (std::uint64_t m = 0; m < methods; ++m) {
        r_.uleb128(p);  // method_idx_diff
        r_.uleb128(p);  // access_flags
        const std::uint32_t code_off = r_.uleb128(p);
        if (code_off != 0) scan_code(def, code_off);
      }
    } catch (const OutOfBounds& e) {
      report_.report(Code::truncated, Severity::warning, "class_def #{}: class_data at {:#x}: {}", def, off,
                     e.what());
    }
    std::sort(scratch_.begin(), scratch_.end());
    scratch_.erase(std::unique(scratch_.begin(), scratch_.end()), scratch_.end());
    for (std::uint32_t s : scratch_) dex_.string_uses.push_back({s, class_idx});
    flush_uses(method_scratch_, dex_.method_uses, class_idx);
    flush_uses(field_scratch_, dex_.field_uses, class_idx);
  }

  static void flush_uses(std::vector<std::uint32_t>& scratch, std::vector<RefUse>& out, std::uint32_t class_idx) {
    std::sort(scratch.begin(), scratch.end());
    scratch.erase(std::unique(scratch.begin(), scratch.end()), scratch.end());
    for (std::uint32_t m : scratch) out.push_back({m, class_idx});
  }

  void scan_code(std::uint32_t def, std::uint32_t code_off) {
    if (code_budget_exhausted_) return;
    if (!r_.has(code_off, kCodeItemHeaderSize)) {
      report_.report(Code::bad_offset, Severity::warning,
                     "class_def #{}: code_item at {:#x} lies beyond the end", def, code_off);
      return;
    }
    const std::uint32_t units = r_.u32(code_off + 12);
    const std::size_t insns_off = code_off + kCodeItemHeaderSize;
    if (!r_.has(insns_off, std::size_t{units} * 2)) {
      report_.report(Code::truncated, Severity::warning,
                     "class_def #{}: code_item at {:#x} claims {} code units past the end", def, code_off,
                     units);
      return;
    }
    if (units > limits_.max_code_units - code_units_) {
      code_budget_exhausted_ = true;
      report_.report(Code::limit, Severity::warning,
                     "more than {} code units; code of later methods not scanned", limits_.max_code_units);
      return;
    }
    code_units_ += units;
    struct Visitor {
      Parser& p;
      std::uint32_t def, code_off;
      void on_string(std::uint32_t s) {
        if (s < p.entry_strings_) {
          p.scratch_.push_back(static_cast<std::uint32_t>(p.string_base_ + s));
        } else {
          p.report_.report(Code::bad_offset, Severity::warning,
                           "class_def #{}: const-string in code_item at {:#x} loads string #{} of {}", def,
                           code_off, s, p.entry_strings_);
        }
      }
      // A method or field index beyond what was read (a bad table already reported, or a hostile
      // instruction) is dropped silently: it names nothing we could report.
      void on_method(std::uint32_t m) {
        if (m < p.entry_methods_) p.method_scratch_.push_back(static_cast<std::uint32_t>(p.method_base_ + m));
      }
      void on_field(std::uint32_t f) {
        if (f < p.entry_fields_) p.field_scratch_.push_back(static_cast<std::uint32_t>(p.field_base_ + f));
      }
    };
    // Argument constants cost a register table per instruction: only when a call is tracked.
    struct ArgVisitor : Visitor {
      void on_call(std::uint32_t m, const dalvik::InvokeArgs& a) {
        if (m >= p.entry_methods_ || !p.tracked_[m]) return;
        if (p.dex_.call_args.size() >= p.limits_.max_call_args) {
          if (!p.call_args_capped_) {
            p.call_args_capped_ = true;
            p.report_.report(Code::limit, Severity::warning, "more than {} tracked calls; the rest not recorded",
                             p.limits_.max_call_args);
          }
          return;
        }
        CallArgs c;
        c.method_idx = static_cast<std::uint32_t>(p.method_base_ + m);
        c.class_idx = static_cast<std::uint32_t>(p.dex_.classes.size() - 1);
        c.args = a.values;
        c.count = a.count;
        p.dex_.call_args.push_back(c);
      }
    };
    const Bytes code = r_.slice(insns_off, std::size_t{units} * 2);
    const auto walk = any_tracked_ ? dalvik::walk_refs(code, ArgVisitor{{*this, def, code_off}})
                                   : dalvik::walk_refs(code, Visitor{*this, def, code_off});
    if (walk.truncated) {
      report_.report(Code::truncated, Severity::warning,
                     "class_def #{}: code_item at {:#x}: instruction at unit {:#x} runs past insns_size {}",
                     def, code_off, walk.at, units);
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  // Non-throwing uleb128 (these sit on paths where bad input is common and exceptions are slow).
  bool read_uleb128(std::size_t& p, std::uint32_t& out) const {
    std::uint32_t result = 0;
    for (int i = 0; i < 5; ++i) {
      if (!r_.has(p, 1)) return false;
      const std::uint8_t b = r_.data()[p++];
      result |= static_cast<std::uint32_t>(b & 0x7f) << (7 * i);
      if (!(b & 0x80)) {
        out = result;
        return true;
      }
    }
    return false;
  }
  bool skip_uleb128(std::size_t& p) const {
    std::uint32_t ignored = 0;
    return read_uleb128(p, ignored);
  }

  static std::string printable(std::string_view s) {
    std::string out;
    for (char c : s) {
      if (c >= 0x20 && c < 0x7f) {
        out.push_back(c);
      } else {
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
      }
    }
    return out;
  }

  ByteReader r_;
  const DexLimits& limits_;
  const DexOptions& options_;
  Reporter report_;
  DexFile dex_;
  std::vector<std::string> type_names_;  // this entry's types: dotted for classes, else descriptor
  std::vector<std::uint32_t> scratch_;   // string indices loaded by the current class
  std::size_t string_base_ = 0;          // first string of the current entry in dex_.strings
  std::size_t entry_strings_ = 0;        // number of strings in the current entry
  std::vector<std::uint32_t> method_scratch_;  // method refs invoked by the current class
  std::vector<std::uint32_t> field_scratch_;   // field refs accessed by the current class
  std::size_t method_base_ = 0, entry_methods_ = 0;  // first method ref of the current entry, and count
  std::size_t field_base_ = 0, entry_fields_ = 0;
  std::vector<bool> tracked_;  // per method ref of the current entry: record its call arguments
  bool any_tracked_ = false;
  bool call_args_capped_ = false;
  std::uint64_t string_budget_;
  std::uint64_t member_budget_;
  std::uint64_t code_units_ = 0;
  bool code_budget_exhausted_ = false;
  std::uint64_t name_bytes_ = 0;
  bool names_exhausted_ = false;
};

}  // namespace

DexParseResult parse_dex(Bytes data, Diagnostics& diags, const std::string& where, const DexLimits& limits,
                         const DexOptions& options) {
  // Every read is checked and each table catches its own OutOfBounds; these are the last line
  // that keeps the promise of never throwing.
  try {
    return Parser(data, diags, where, limits, options).run();
  } catch (const std::bad_alloc&) {
    diags.error("dex.limit", where, "out of memory while reading the DEX");
  } catch (const std::exception& e) {
    diags.error("dex.truncated", where, std::string("DEX could not be read: ") + e.what());
  }
  return {};
}

std::string descriptor_to_java(std::string_view descriptor) {
  if (descriptor.size() < 3 || descriptor.front() != 'L' || descriptor.back() != ';') return {};
  std::string out(descriptor.substr(1, descriptor.size() - 2));
  std::replace(out.begin(), out.end(), '/', '.');
  return out;
}

}  // namespace sdkscope::dex
