// Address-level access to one thin image for the metadata readers: VM address -> file offset
// through the segments, pointer slots decoded through the fixups, C strings, and the encrypted
// range (FairPlay) kept out of every read.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "scanner/apple/macho_fixups.hpp"
#include "scanner/apple/macho_image.hpp"

namespace sdkscope::apple {

/// A read-only view of an image and its layout; holds references, so it lives no longer than
/// the bytes, the MachoImage and the ChainedFixups it was built from.
class MachoView {
 public:
  MachoView(Bytes image, const MachoImage& layout, const ChainedFixups& fixups);

  const MachoImage& layout() const { return layout_; }
  const EndianReader& reader() const { return reader_; }
  bool is64() const { return layout_.is64; }
  std::size_t pointer_size() const { return layout_.is64 ? 8 : 4; }

  /// True when [off, off+len) lies inside the image and outside the encrypted range.
  bool readable(std::uint64_t off, std::uint64_t len) const;
  /// The file offset of `vmaddr` when `len` bytes from it are file-backed and readable.
  std::optional<std::uint64_t> file_offset(std::uint64_t vmaddr, std::uint64_t len) const;
  /// The pointer slot at file offset `off`, decoded (see macho_fixups.hpp). Without chained
  /// fixups a value that maps nowhere is retried as a chained pointer whose format is unknown:
  /// the low 36 bits as a vmaddr, then as an offset from the image base.
  FixupTarget pointer_at(std::uint64_t off) const;
  /// pointer_at when it is an address, else nullopt.
  std::optional<std::uint64_t> address_at(std::uint64_t off) const;
  /// The name of a chained-fixups import (for binds), nullopt when unknown.
  std::optional<std::string_view> import_name(std::uint64_t ordinal) const { return fixups_.import_name(ordinal); }
  /// The NUL-terminated string at `vmaddr` (at most max_len bytes before the NUL), readable
  /// throughout; nullopt otherwise.
  std::optional<std::string_view> c_string(std::uint64_t vmaddr, std::size_t max_len) const;
  /// The file-backed, readable parts of a section: empty for zero-fill sections; the encrypted
  /// range is cut out.
  std::vector<FileRange> readable_parts(const MachoSection& sec) const;
  /// True when the section's bytes overlap the encrypted range.
  bool encrypted(const MachoSection& sec) const;
  /// Sections named `sectname` (any segment), in load-command order.
  std::vector<const MachoSection*> sections_named(std::string_view sectname) const;

 private:
  std::optional<std::size_t> segment_of_offset(std::uint64_t off) const;
  bool maps(std::uint64_t vmaddr) const;

  Bytes image_;
  EndianReader reader_;
  const MachoImage& layout_;
  const ChainedFixups& fixups_;
  std::optional<FileRange> encrypted_;
  std::uint64_t image_base_ = 0;
  bool arm64e_ = false;
};

}  // namespace sdkscope::apple
