// resources.arsc reader: global string pool, packages, type chunks, default-config values.
//
// The format (AOSP frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h: ResTable_*
// structs; read by ResTable::parsePackage in ResourceTypes.cpp). Little-endian chunks, each with
// a ResChunk_header {u16 type; u16 headerSize; u32 size}:
//
//   RES_TABLE_TYPE (0x0002) {header; u32 packageCount}, then
//     RES_STRING_POOL_TYPE (0x0001)  the global pool: every string value and file path
//     RES_TABLE_PACKAGE_TYPE (0x0200) per package: {header; u32 id; char16 name[128];
//         u32 typeStrings, lastPublicType, keyStrings, lastPublicKey[, typeIdOffset]}
//         typeStrings / keyStrings are offsets (from the package chunk) of two more string pools:
//         type names ("string", "xml") and entry names ("app_name"). Then child chunks:
//       RES_TABLE_TYPE_SPEC_TYPE (0x0202)  per type: configuration-change flags (not needed)
//       RES_TABLE_TYPE_TYPE (0x0201)  one type in one configuration: {header; u8 id; u8 flags;
//           u16 reserved; u32 entryCount, entriesStart; ResTable_config} then entry offsets:
//           u32 each (0xffffffff = absent), or u16 each in units of 4 (flag 0x02, Android 15),
//           or sparse {u16 index; u16 offset/4} pairs (flag 0x01, Android 8+). An entry is
//           {u16 size; u16 flags; u32 key} followed by a Res_value {u16 size; u8 res0;
//           u8 dataType; u32 data} — or, with FLAG_COMPLEX, by a map (styles, arrays, plurals),
//           or, with FLAG_COMPACT (Android 14), packed as {u16 key; u16 flags|type<<8; u32 data}.
//       RES_TABLE_LIBRARY_TYPE (0x0203) and newer overlay chunks: skipped.
//   A resource id is 0xPPTTEEEE: package id, type id (1-based index into typeStrings), entry.
//
// The default configuration is the ResTable_config whose fields (after its size) are all zero.
#include "scanner/android/arsc.hpp"

#include <algorithm>
#include <exception>
#include <new>
#include <unordered_map>

#include <fmt/format.h>

#include "scanner/android/axml.hpp"

namespace sdkscope::android {
namespace {

constexpr std::uint16_t kStringPoolType = 0x0001;
constexpr std::uint16_t kTableType = 0x0002;
constexpr std::uint16_t kPackageType = 0x0200;
constexpr std::uint16_t kTypeType = 0x0201;
constexpr std::size_t kChunkHeaderSize = 8;
constexpr std::size_t kTableHeaderSize = 12;
constexpr std::size_t kPackageMinHeaderSize = 284;  // without typeIdOffset
constexpr std::size_t kTypeMinHeaderSize = 20;      // up to the config's size field
constexpr std::uint32_t kNoEntry = 0xffffffff;
constexpr std::uint8_t kFlagSparse = 0x01;
constexpr std::uint8_t kFlagOffset16 = 0x02;
constexpr std::uint16_t kEntryComplex = 0x0001;
constexpr std::uint16_t kEntryCompact = 0x0008;
constexpr std::uint8_t kValueReference = 0x01;
constexpr std::uint8_t kValueString = 0x03;

// A value seen for one id: a global-pool string index, or a reference to resolve once every
// entry is known. Text is copied only at the end, under the table's byte budget.
struct Candidate {
  bool is_ref = false;
  std::uint32_t data = 0;
  bool from_default = false;
};

class ArscReader {
 public:
  ArscReader(Bytes data, Diagnostics& diags, const std::string& where, const ArscLimits& limits)
      : r_(data), diags_(diags), where_(where), limits_(limits) {}

  ArscParseResult run() {
    const std::size_t problems_before = problem_count();
    try {
      read_table();
    } catch (const OutOfBounds& e) {
      diags_.warn("arsc.truncated", where_, e.what());
    } catch (const std::bad_alloc&) {
      diags_.warn("arsc.limit", where_, "ran out of memory while reading the resource table");
    } catch (const std::exception& e) {  // nothing else is expected; never let it escape
      diags_.error("arsc.internal", where_, e.what());
    }
    resolve_values();
    if (bad_entries_ > 0)
      diags_.warn("arsc.bad_entry", where_, fmt::format("{} entries could not be read", bad_entries_));
    result_.ok = problem_count() == problems_before;
    return std::move(result_);
  }

 private:
  std::size_t problem_count() const {
    return static_cast<std::size_t>(std::count_if(diags_.items().begin(), diags_.items().end(),
                                                  [](const Diagnostic& d) { return d.severity != Severity::info; }));
  }

  void read_table() {
    if (r_.size() < kTableHeaderSize || r_.u16(0) != kTableType || r_.u16(2) < kTableHeaderSize) {
      diags_.error("arsc.bad_header", where_, "not a resource table (no RES_TABLE_TYPE header)");
      return;
    }
    std::size_t end = r_.u32(4);
    if (end > r_.size()) {
      diags_.warn("arsc.truncated", where_,
                  fmt::format("table declares {} bytes but only {} are present", end, r_.size()));
      end = r_.size();
    }
    for_each_chunk(r_, r_.u16(2), end, [this](const ByteReader& c, std::uint16_t type, std::size_t off) {
      if (type == kStringPoolType && !have_global_pool_) {
        have_global_pool_ = true;
        result_.table.strings =
            read_string_pool(c, 0, c.size(), limits_.max_strings, diags_, where_, "arsc").strings;
      } else if (type == kPackageType) {
        read_package(c, off);
      }
    });
  }

  // Calls fn(chunk, type, offset) for each chunk in [begin, end) of `r`; a chunk overrunning
  // `end` is clamped (and the walk stops after it), an impossible header stops the walk.
  template <typename Fn>
  void for_each_chunk(const ByteReader& r, std::size_t begin, std::size_t end, Fn fn) {
    std::size_t off = begin;
    while (off < end && !stopped_) {
      if (end - off < kChunkHeaderSize) {
        diags_.warn("arsc.truncated", where_, fmt::format("{} stray bytes at offset 0x{:x}", end - off, off));
        return;
      }
      const std::uint16_t type = r.u16(off);
      const std::size_t header_size = r.u16(off + 2);
      std::size_t size = r.u32(off + 4);
      if (size < kChunkHeaderSize || header_size < kChunkHeaderSize || header_size > size) {
        diags_.warn("arsc.bad_chunk", where_,
                    fmt::format("chunk 0x{:04x} at offset 0x{:x} has size {} and header size {}", type, off, size,
                                header_size));
        return;
      }
      const bool truncated = size > end - off;
      if (truncated) {
        diags_.warn("arsc.truncated", where_,
                    fmt::format("chunk 0x{:04x} at offset 0x{:x} needs {} bytes, {} remain", type, off, size, end - off));
        size = end - off;
      }
      try {
        fn(ByteReader(r.slice(off, size)), type, off);
      } catch (const OutOfBounds& e) {
        diags_.warn(truncated ? "arsc.truncated" : "arsc.bad_chunk", where_,
                    fmt::format("chunk 0x{:04x} at offset 0x{:x}: {}", type, off, e.what()));
      }
      if (truncated) return;
      off += size;
    }
  }

  void read_package(const ByteReader& p, std::size_t off) {
    const std::size_t header_size = p.u16(2);
    if (header_size < kPackageMinHeaderSize) {
      diags_.warn("arsc.bad_package", where_, fmt::format("package at 0x{:x} has header size {}", off, header_size));
      return;
    }
    const std::uint32_t id = p.u32(8);
    std::string name;
    for (std::size_t i = 0; i < 128; ++i) {
      const std::uint16_t ch = p.u16(12 + 2 * i);
      if (ch == 0) break;
      name.push_back(ch < 0x80 ? static_cast<char>(ch) : '?');  // package names are ASCII
    }
    if (id == 0x7f || result_.table.package.empty()) result_.table.package = name;
    const std::size_t type_strings = p.u32(268);
    const std::size_t key_strings = p.u32(276);
    const std::size_t type_id_offset = header_size >= 288 ? p.u32(284) : 0;
    const auto pool_at = [&](std::size_t at) -> StringPool {
      if (at < header_size || !p.has(at, kChunkHeaderSize) || p.u16(at) != kStringPoolType) {
        diags_.warn("arsc.bad_package", where_,
                    fmt::format("package {}: no string pool at its offset 0x{:x}", name, at));
        return {};
      }
      return read_string_pool(p, at, p.u32(at + 4), limits_.max_strings, diags_, where_, "arsc");
    };
    const StringPool types = pool_at(type_strings);
    const StringPool keys = pool_at(key_strings);
    for_each_chunk(p, header_size, p.size(), [&](const ByteReader& c, std::uint16_t type, std::size_t) {
      if (type == kTypeType) read_type(c, id, type_id_offset, types, keys);
    });
  }

  void read_type(const ByteReader& c, std::uint32_t package_id, std::size_t type_id_offset,
                 const StringPool& types, const StringPool& keys) {
    const std::size_t header_size = c.u16(2);
    if (header_size < kTypeMinHeaderSize + 4) {
      diags_.warn("arsc.bad_type", where_, fmt::format("type chunk with header size {}", header_size));
      return;
    }
    const std::uint8_t type_id = c.u8(8);
    const std::uint8_t flags = c.u8(9);
    const std::size_t entry_count = c.u32(12);
    const std::size_t entries_start = c.u32(16);
    const std::size_t config_size = c.u32(20);
    bool is_default = true;
    for (std::size_t i = 24; i < std::min(kTypeMinHeaderSize + config_size, header_size); ++i)
      if (c.u8(i) != 0) is_default = false;
    const std::size_t type_index = type_id - 1u - (type_id_offset < type_id ? type_id_offset : 0u);
    const std::string type_name =
        type_id > 0 && type_index < types.strings.size() ? types.strings[type_index] : fmt::format("type{}", type_id);

    const std::size_t stride = (flags & (kFlagSparse | kFlagOffset16)) == kFlagOffset16 ? 2 : 4;
    if (!c.has(header_size, entry_count * stride)) {
      diags_.warn("arsc.bad_type", where_,
                  fmt::format("{}: {} entry offsets do not fit the chunk", type_name, entry_count));
      return;
    }
    for (std::size_t i = 0; i < entry_count; ++i) {
      if (++entries_seen_ > limits_.max_entries) {
        diags_.warn("arsc.limit", where_, fmt::format("more than {} entries; the rest skipped", limits_.max_entries));
        stopped_ = true;
        return;
      }
      std::size_t index = i;
      std::size_t offset = 0;
      const std::size_t at = header_size + i * stride;
      if (flags & kFlagSparse) {
        index = c.u16(at);
        offset = static_cast<std::size_t>(c.u16(at + 2)) * 4;
      } else if (stride == 2) {
        if (c.u16(at) == 0xffff) continue;
        offset = static_cast<std::size_t>(c.u16(at)) * 4;
      } else {
        if (c.u32(at) == kNoEntry) continue;
        offset = c.u32(at);
      }
      const std::uint32_t res_id = (package_id << 24) | (static_cast<std::uint32_t>(type_id) << 16) |
                                   static_cast<std::uint32_t>(index & 0xffff);
      try {
        read_entry(c, entries_start + offset, res_id, is_default, type_name, keys);
      } catch (const OutOfBounds&) {
        ++bad_entries_;
      }
    }
  }

  void read_entry(const ByteReader& c, std::size_t e, std::uint32_t res_id, bool is_default,
                  const std::string& type_name, const StringPool& keys) {
    const std::uint16_t size = c.u16(e);
    const std::uint16_t flags = c.u16(e + 2);
    std::uint32_t key = 0;
    std::uint8_t data_type = 0;
    std::uint32_t data = 0;
    bool simple = false;
    if (flags & kEntryCompact) {
      key = size;
      data_type = static_cast<std::uint8_t>(flags >> 8);
      data = c.u32(e + 4);
      simple = true;
    } else {
      key = c.u32(e + 4);
      if (!(flags & kEntryComplex)) {
        data_type = c.u8(e + size + 3);
        data = c.u32(e + size + 4);
        simple = true;
      }
    }
    if (!result_.table.names.count(res_id)) {
      std::string name = type_name + "/" + (key < keys.strings.size() ? keys.strings[key] : "");
      if (charge(name.size())) result_.table.names.emplace(res_id, std::move(name));
    }
    if (!simple || (data_type != kValueString && data_type != kValueReference)) return;
    if (data_type == kValueString && data >= result_.table.strings.size()) {
      ++bad_entries_;
      return;
    }
    const Candidate cand{data_type == kValueReference, data, is_default};
    auto it = candidates_.find(res_id);
    if (it == candidates_.end()) {
      candidates_.emplace(res_id, cand);
    } else if (is_default && !it->second.from_default) {
      it->second = cand;
    }
  }

  void resolve_values() {
    for (const auto& [id, cand] : candidates_) {
      const Candidate* c = &cand;
      for (std::size_t hop = 0; c && c->is_ref && hop < limits_.max_reference_hops; ++hop) {
        auto it = candidates_.find(c->data);
        c = it == candidates_.end() ? nullptr : &it->second;
      }
      if (!c || c->is_ref) continue;
      const std::string& text = result_.table.strings[c->data];
      if (!charge(text.size())) return;
      result_.table.values.emplace(id, text);
    }
  }

  // Names and values copy strings that many ids may share; false once the budget is spent.
  bool charge(std::size_t bytes) {
    table_bytes_ += bytes + 32;
    if (table_bytes_ <= limits_.max_table_bytes) return true;
    if (!over_budget_)
      diags_.warn("arsc.limit", where_,
                  fmt::format("names and values exceed {} bytes; the rest skipped", limits_.max_table_bytes));
    over_budget_ = true;
    return false;
  }

  ByteReader r_;
  Diagnostics& diags_;
  const std::string& where_;
  const ArscLimits& limits_;
  ArscParseResult result_;
  std::unordered_map<std::uint32_t, Candidate> candidates_;
  std::size_t entries_seen_ = 0;
  std::size_t bad_entries_ = 0;
  std::size_t table_bytes_ = 0;
  bool over_budget_ = false;
  bool have_global_pool_ = false;
  bool stopped_ = false;
};

}  // namespace

ArscParseResult parse_arsc(Bytes data, Diagnostics& diags, const std::string& where, const ArscLimits& limits) {
  return ArscReader(data, diags, where, limits).run();
}

}  // namespace sdkscope::android
