// Shared helpers of the plist tests: fixture loading and a builder for hand-made binary plists
// (cycles, deep chains, shared-object bombs) that no plist writer would produce.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/apple/plist.hpp"
#include "support/test_paths.hpp"

namespace sdkscope::apple::testing {

using Buf = std::vector<std::uint8_t>;

/// testdata/plist/<name>, read whole.
inline Buf plist_fixture(const std::string& name) { return test::read_file(test::testdata("plist/" + name)); }
/// testdata/plist/src/<name>, read whole.
inline Buf plist_source(const std::string& name) { return test::read_file(test::testdata("plist/src/" + name)); }

inline Buf to_buf(std::string_view s) { return Buf(s.begin(), s.end()); }

/// Builds "bplist00" files object by object; references are object indexes.
class BplistBuilder {
 public:
  explicit BplistBuilder(std::size_t ref_size = 1) : ref_size_(ref_size) {}

  std::size_t add_raw(Buf bytes) {
    objects_.push_back(std::move(bytes));
    return objects_.size() - 1;
  }
  std::size_t add_bool(bool v) { return add_raw({static_cast<std::uint8_t>(v ? 0x09 : 0x08)}); }
  std::size_t add_int(std::uint64_t v) {
    Buf b{0x13};
    put_be(b, v, 8);
    return add_raw(std::move(b));
  }
  std::size_t add_ascii(std::string_view s) {
    Buf b = marker(0x5, s.size());
    b.insert(b.end(), s.begin(), s.end());
    return add_raw(std::move(b));
  }
  std::size_t add_array(const std::vector<std::size_t>& refs) {
    Buf b = marker(0xA, refs.size());
    for (auto r : refs) put_be(b, r, ref_size_);
    return add_raw(std::move(b));
  }
  std::size_t add_dict(const std::vector<std::size_t>& keys, const std::vector<std::size_t>& values) {
    Buf b = marker(0xD, keys.size());
    for (auto r : keys) put_be(b, r, ref_size_);
    for (auto r : values) put_be(b, r, ref_size_);
    return add_raw(std::move(b));
  }
  /// Replaces object `index` (to make forward references and cycles).
  void set(std::size_t index, Buf bytes) { objects_.at(index) = std::move(bytes); }
  /// The encoding add_array would produce, for set().
  Buf array_bytes(const std::vector<std::size_t>& refs) const {
    Buf b = marker(0xA, refs.size());
    for (auto r : refs) put_be(b, r, ref_size_);
    return b;
  }

  Buf build(std::size_t root) const {
    Buf out = {'b', 'p', 'l', 'i', 's', 't', '0', '0'};
    std::vector<std::uint64_t> offsets;
    for (const auto& o : objects_) {
      offsets.push_back(out.size());
      out.insert(out.end(), o.begin(), o.end());
    }
    const std::uint64_t table = out.size();
    const std::size_t offset_size = table < 0x100 ? 1 : table < 0x10000 ? 2 : table < 0x100000000ull ? 4 : 8;
    for (auto off : offsets) put_be(out, off, offset_size);
    Buf trailer(6, 0);
    trailer.push_back(static_cast<std::uint8_t>(offset_size));
    trailer.push_back(static_cast<std::uint8_t>(ref_size_));
    put_be(trailer, objects_.size(), 8);
    put_be(trailer, root, 8);
    put_be(trailer, table, 8);
    out.insert(out.end(), trailer.begin(), trailer.end());
    return out;
  }

  static void put_be(Buf& b, std::uint64_t v, std::size_t width) {
    for (std::size_t i = width; i-- > 0;) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }

 private:
  static Buf marker(std::uint8_t type, std::size_t count) {
    if (count < 15) return {static_cast<std::uint8_t>((type << 4) | count)};
    Buf b{static_cast<std::uint8_t>((type << 4) | 0x0f)};
    if (count < 0x100) {
      b.push_back(0x10);
      put_be(b, count, 1);
    } else if (count < 0x10000) {
      b.push_back(0x11);
      put_be(b, count, 2);
    } else {
      b.push_back(0x12);
      put_be(b, count, 4);
    }
    return b;
  }
  std::size_t ref_size_;
  std::vector<Buf> objects_;
};

/// `depth` nested one-element arrays around an empty array: the innermost sits at depth `depth`.
inline Buf bplist_chain(std::size_t depth) {
  BplistBuilder b(4);
  for (std::size_t i = 0; i < depth; ++i) b.add_array({i + 1});
  b.add_array({});
  return b.build(0);
}

/// XML: `depth` nested <array> elements inside <plist>; the innermost array sits at depth - 1.
inline std::string xml_nested_arrays(std::size_t depth) {
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">";
  s.reserve(depth * 15 + 64);
  for (std::size_t i = 0; i < depth; ++i) s += "<array>";
  for (std::size_t i = 0; i < depth; ++i) s += "</array>";
  return s + "</plist>\n";
}

}  // namespace sdkscope::apple::testing
