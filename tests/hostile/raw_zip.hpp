// A zip writer with every field under the test's control (libzip refuses to write the archives
// these tests need: duplicate names, overlapping entries, lying sizes, symlinks, raw name bytes).
// Entries are stored (method 0) unless the test sets another method and supplies the bytes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sdkscope::test::rawzip {

inline std::uint32_t crc32(const std::vector<std::uint8_t>& data) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xffffffffu;
  for (std::uint8_t b : data) c = table[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

struct Entry {
  std::string name;                 ///< raw bytes, written as given (may be invalid UTF-8)
  std::vector<std::uint8_t> data;   ///< the bytes stored after the local header
  std::uint16_t method = 0;         ///< 0 stored, 8 deflated (then `data` must be raw deflate and `size` set)
  std::uint16_t flags = 0;          ///< bit 0: encrypted, bit 11: UTF-8 name
  std::optional<std::uint32_t> size;  ///< uncompressed size (default: data.size()) in both headers
  std::optional<std::uint32_t> crc;   ///< default: crc32(data) (right for stored entries)
  /// Central directory overrides (the local header keeps the true values): a directory that lies.
  std::optional<std::uint32_t> cd_size, cd_compressed_size;
  std::uint16_t made_by = 20;        ///< high byte 3 = Unix (external_attr then holds st_mode << 16)
  std::uint32_t external_attr = 0;
  /// No local header of its own: the central directory entry points at entry `alias_of`'s local
  /// header (two names for one set of bytes: overlapping entries).
  std::optional<std::size_t> alias_of;
};

/// Offsets of the structures written, for truncating at every boundary.
struct Layout {
  std::vector<std::size_t> local_headers, data_starts, central_entries;
  std::size_t central_directory = 0, zip64_end = 0, end_record = 0, size = 0;
};

namespace detail {
inline void u16(std::vector<std::uint8_t>& b, std::uint32_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
inline void u32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  u16(b, v & 0xffff);
  u16(b, v >> 16);
}
inline void u64(std::vector<std::uint8_t>& b, std::uint64_t v) {
  u32(b, static_cast<std::uint32_t>(v));
  u32(b, static_cast<std::uint32_t>(v >> 32));
}
}  // namespace detail

/// Writes the archive. More than 65,534 entries (or zip64 = true) adds the zip64 end records.
inline std::vector<std::uint8_t> build(const std::vector<Entry>& entries, Layout* layout = nullptr, bool zip64 = false) {
  using namespace detail;
  std::vector<std::uint8_t> b;
  Layout l;
  std::vector<std::uint32_t> local_at(entries.size(), 0);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (e.alias_of) continue;
    local_at[i] = static_cast<std::uint32_t>(b.size());
    l.local_headers.push_back(b.size());
    u32(b, 0x04034b50);
    u16(b, 20);
    u16(b, e.flags);
    u16(b, e.method);
    u16(b, 0);       // time
    u16(b, 0x21);    // date: 1980-01-01
    u32(b, e.crc.value_or(crc32(e.data)));
    u32(b, static_cast<std::uint32_t>(e.data.size()));
    u32(b, e.size.value_or(static_cast<std::uint32_t>(e.data.size())));
    u16(b, static_cast<std::uint32_t>(e.name.size()));
    u16(b, 0);
    b.insert(b.end(), e.name.begin(), e.name.end());
    l.data_starts.push_back(b.size());
    b.insert(b.end(), e.data.begin(), e.data.end());
  }
  l.central_directory = b.size();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    const Entry& body = e.alias_of ? entries[*e.alias_of] : e;
    l.central_entries.push_back(b.size());
    u32(b, 0x02014b50);
    u16(b, e.made_by);
    u16(b, 20);
    u16(b, body.flags);
    u16(b, body.method);
    u16(b, 0);
    u16(b, 0x21);
    u32(b, body.crc.value_or(crc32(body.data)));
    u32(b, e.cd_compressed_size.value_or(static_cast<std::uint32_t>(body.data.size())));
    u32(b, e.cd_size.value_or(body.size.value_or(static_cast<std::uint32_t>(body.data.size()))));
    u16(b, static_cast<std::uint32_t>(e.name.size()));
    u16(b, 0);  // extra
    u16(b, 0);  // comment
    u16(b, 0);  // disk
    u16(b, 0);  // internal attributes
    u32(b, e.external_attr);
    u32(b, e.alias_of ? local_at[*e.alias_of] : local_at[i]);
    b.insert(b.end(), e.name.begin(), e.name.end());
  }
  const std::size_t cd_size = b.size() - l.central_directory;
  const bool big = zip64 || entries.size() >= 0xffff;
  if (big) {
    l.zip64_end = b.size();
    u32(b, 0x06064b50);
    u64(b, 44);
    u16(b, 45);
    u16(b, 45);
    u32(b, 0);
    u32(b, 0);
    u64(b, entries.size());
    u64(b, entries.size());
    u64(b, cd_size);
    u64(b, l.central_directory);
    u32(b, 0x07064b50);  // locator
    u32(b, 0);
    u64(b, l.zip64_end);
    u32(b, 1);
  }
  l.end_record = b.size();
  u32(b, 0x06054b50);
  u16(b, 0);
  u16(b, 0);
  u16(b, big ? 0xffff : static_cast<std::uint32_t>(entries.size()));
  u16(b, big ? 0xffff : static_cast<std::uint32_t>(entries.size()));
  u32(b, big ? 0xffffffffu : static_cast<std::uint32_t>(cd_size));
  u32(b, big ? 0xffffffffu : static_cast<std::uint32_t>(l.central_directory));
  u16(b, 0);
  l.size = b.size();
  if (layout) *layout = l;
  return b;
}

inline std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace sdkscope::test::rawzip
