// Code signature SuperBlob (Apple's cs_blobs.h / xnu osfmk/kern/cs_blobs.h), always big-endian
// whatever the image's byte order:
//   SuperBlob { u32 magic = 0xfade0cc0; u32 length; u32 count; BlobIndex index[count]; }
//   BlobIndex { u32 type; u32 offset; }          offset from the SuperBlob start
//   Blob      { u32 magic; u32 length; u8 data[length - 8]; }
// The entitlements blob (magic 0xfade7171, slot 5) holds the XML plist text; the DER form
// (0xfade7172, slot 7) duplicates it in newer signatures and is not read.
#include "scanner/apple/macho_signature.hpp"

#include <algorithm>

namespace sdkscope::apple {

namespace {

constexpr std::uint32_t kEmbeddedSignature = 0xfade0cc0;
constexpr std::uint32_t kEntitlements = 0xfade7171;
constexpr std::uint32_t kMaxBlobs = 64;                // real signatures hold fewer than 16
constexpr std::uint32_t kMaxEntitlements = 1u << 20;  // 1 MiB of XML is already absurd

}  // namespace

std::string read_entitlements(Bytes image, FileRange range, Diagnostics& diags, const std::string& where) {
  const ByteReader whole(image);
  if (!whole.has(range.offset, range.size) || range.size < 12) {
    diags.warn("macho.parse_error", where, "code signature range lies outside the image or is too short");
    return {};
  }
  const ByteReader r(whole.slice(range.offset, range.size));
  if (r.u32be(0) != kEmbeddedSignature) {
    diags.warn("macho.parse_error", where, "code signature does not start with the SuperBlob magic 0xfade0cc0");
    return {};
  }
  const std::uint32_t length = std::min<std::uint32_t>(r.u32be(4), static_cast<std::uint32_t>(r.size()));
  const std::uint32_t count = r.u32be(8);
  if (count > kMaxBlobs || 12 + std::uint64_t{count} * 8 > length) {
    diags.warn("macho.parse_error", where,
               "code signature announces " + std::to_string(count) + " blobs, more than its " +
                   std::to_string(length) + " bytes hold");
    return {};
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t off = r.u32be(12 + 8 * i + 4);
    if (off < 12 || std::uint64_t{off} + 8 > length) {
      diags.warn("macho.parse_error", where, "code signature blob " + std::to_string(i) + " lies outside the SuperBlob");
      continue;
    }
    if (r.u32be(off) != kEntitlements) continue;
    const std::uint32_t blob_length = r.u32be(off + 4);
    if (blob_length < 8 || blob_length - 8 > kMaxEntitlements || std::uint64_t{off} + blob_length > length) {
      diags.warn("macho.parse_error", where,
                 "entitlements blob length " + std::to_string(blob_length) + " does not fit the signature");
      return {};
    }
    return std::string(r.chars(off + 8, blob_length - 8));
  }
  return {};
}

}  // namespace sdkscope::apple
