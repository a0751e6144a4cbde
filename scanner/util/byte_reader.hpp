// Bounds-checked little-endian reads over an untrusted byte buffer. Every binary parser in
// sdkscope (AXML, ARSC, DEX, protobuf, class files) reads through this, never through raw
// pointer arithmetic, so one malformed offset becomes an exception caught at the parser's entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sdkscope {

using Bytes = std::span<const std::uint8_t>;

/// Thrown by ByteReader when a read would leave the buffer. Parsers catch it at their public
/// entry point and turn it into a Diagnostic; it never crosses a public API.
struct OutOfBounds : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A read-only view with checked accessors. Offsets are absolute within the view.
class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(Bytes data) : data_(data) {}

  std::size_t size() const { return data_.size(); }
  Bytes data() const { return data_; }

  /// True when [off, off+len) lies inside the buffer (overflow-safe).
  bool has(std::size_t off, std::size_t len) const {
    return off <= data_.size() && len <= data_.size() - off;
  }
  void require(std::size_t off, std::size_t len) const {
    if (!has(off, len)) throw OutOfBounds(oob_message(off, len));
  }

  std::uint8_t u8(std::size_t off) const {
    require(off, 1);
    return data_[off];
  }
  std::uint16_t u16(std::size_t off) const {
    require(off, 2);
    return static_cast<std::uint16_t>(data_[off] | (data_[off + 1] << 8));
  }
  std::uint32_t u32(std::size_t off) const {
    require(off, 4);
    return static_cast<std::uint32_t>(data_[off]) | (static_cast<std::uint32_t>(data_[off + 1]) << 8) |
           (static_cast<std::uint32_t>(data_[off + 2]) << 16) |
           (static_cast<std::uint32_t>(data_[off + 3]) << 24);
  }
  std::uint64_t u64(std::size_t off) const {
    return static_cast<std::uint64_t>(u32(off)) | (static_cast<std::uint64_t>(u32(off + 4)) << 32);
  }
  std::uint32_t u32be(std::size_t off) const {
    require(off, 4);
    return (static_cast<std::uint32_t>(data_[off]) << 24) | (static_cast<std::uint32_t>(data_[off + 1]) << 16) |
           (static_cast<std::uint32_t>(data_[off + 2]) << 8) | static_cast<std::uint32_t>(data_[off + 3]);
  }
  std::uint16_t u16be(std::size_t off) const {
    require(off, 2);
    return static_cast<std::uint16_t>((data_[off] << 8) | data_[off + 1]);
  }

  /// A sub-view [off, off+len).
  Bytes slice(std::size_t off, std::size_t len) const {
    require(off, len);
    return data_.subspan(off, len);
  }
  /// Bytes [off, off+len) as characters (no decoding).
  std::string_view chars(std::size_t off, std::size_t len) const {
    require(off, len);
    return {reinterpret_cast<const char*>(data_.data() + off), len};
  }

  /// Unsigned LEB128 at *off (at most 5 bytes for 32 bits); advances *off.
  std::uint32_t uleb128(std::size_t& off) const {
    std::uint32_t result = 0;
    for (int i = 0; i < 5; ++i) {
      std::uint8_t b = u8(off++);
      result |= static_cast<std::uint32_t>(b & 0x7f) << (7 * i);
      if (!(b & 0x80)) return result;
    }
    throw OutOfBounds("uleb128 longer than 5 bytes");
  }
  /// Signed LEB128 at *off; advances *off.
  std::int32_t sleb128(std::size_t& off) const {
    std::uint32_t result = 0;
    int shift = 0;
    std::uint8_t b = 0;
    for (int i = 0; i < 5; ++i) {
      b = u8(off++);
      result |= static_cast<std::uint32_t>(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
      if (i == 4) throw OutOfBounds("sleb128 longer than 5 bytes");
    }
    if (shift < 32 && (b & 0x40)) result |= ~0u << shift;
    return static_cast<std::int32_t>(result);
  }
  /// Protobuf-style varint (up to 10 bytes, 64 bits); advances *off.
  std::uint64_t varint(std::size_t& off) const {
    std::uint64_t result = 0;
    for (int i = 0; i < 10; ++i) {
      std::uint8_t b = u8(off++);
      result |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
      if (!(b & 0x80)) return result;
    }
    throw OutOfBounds("varint longer than 10 bytes");
  }

 private:
  std::string oob_message(std::size_t off, std::size_t len) const {
    return "read of " + std::to_string(len) + " bytes at offset " + std::to_string(off) +
           " beyond end (" + std::to_string(data_.size()) + " bytes)";
  }
  Bytes data_;
};

}  // namespace sdkscope
