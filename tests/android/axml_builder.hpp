// Test helper: writes AXML documents from a symbolic description, so tests can build the
// shapes aapt never emits (UTF-8 pools, blanked attribute names, odd strides, unknown chunks)
// and then corrupt them byte by byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sdkscope::test {

inline constexpr const char* kAndroidUri = "http://schemas.android.com/apk/res/android";

/// One attribute to write. String values go through the pool; typed ones are (type, data).
struct AxAttr {
  std::string ns;
  std::string name;
  std::uint32_t res_id = 0;  ///< written to the resource map when non-zero
  std::uint8_t type = 0x03;
  std::uint32_t data = 0;
  std::optional<std::string> value;  ///< TYPE_STRING value
  std::optional<std::string> raw;    ///< raw value string (aapt keeps it for strings)

  /// android:NAME="value" with its resource id, the way aapt writes it.
  static AxAttr android_str(const std::string& name, std::uint32_t id, const std::string& value);
  /// android:NAME=(type)data, no raw string.
  static AxAttr android_typed(const std::string& name, std::uint32_t id, std::uint8_t type, std::uint32_t data);
  /// NAME="value" without namespace or id (e.g. manifest's package).
  static AxAttr plain_str(const std::string& name, const std::string& value);
};

class AxmlBuilder {
 public:
  explicit AxmlBuilder(bool utf8 = false) : utf8_(utf8) {}

  AxmlBuilder& start_ns(const std::string& prefix, const std::string& uri);
  AxmlBuilder& end_ns(const std::string& prefix, const std::string& uri);
  AxmlBuilder& start(const std::string& name, std::vector<AxAttr> attrs = {}, std::uint32_t line = 0);
  AxmlBuilder& end(const std::string& name);
  AxmlBuilder& cdata(const std::string& text);
  /// A chunk of any type with the given payload after an 8-byte header.
  AxmlBuilder& raw_chunk(std::uint16_t type, std::vector<std::uint8_t> payload);

  /// attributeSize written in start elements (aapt writes 20; larger pads, smaller overlaps).
  AxmlBuilder& attribute_stride(std::uint16_t stride) {
    stride_ = stride;
    return *this;
  }

  /// Header, string pool, resource map, then the nodes in order.
  std::vector<std::uint8_t> build() const;

 private:
  struct Node {
    std::uint16_t type = 0;
    std::string a, b;  // ns/prefix and name/uri, or text
    std::vector<AxAttr> attrs;
    std::uint32_t line = 0;
    std::vector<std::uint8_t> payload;
  };
  bool utf8_;
  std::uint16_t stride_ = 20;
  std::vector<Node> nodes_;
  std::uint32_t next_line_ = 1;
};

/// A RES_STRING_POOL_TYPE chunk holding `strings` (shared with the resources.arsc tests).
std::vector<std::uint8_t> string_pool_chunk(const std::vector<std::string>& strings, bool utf8);

/// Little-endian patch helpers for corrupting built documents.
void put_u16(std::vector<std::uint8_t>& b, std::size_t off, std::uint16_t v);
void put_u32(std::vector<std::uint8_t>& b, std::size_t off, std::uint32_t v);
std::uint16_t get_u16(const std::vector<std::uint8_t>& b, std::size_t off);
std::uint32_t get_u32(const std::vector<std::uint8_t>& b, std::size_t off);

/// Offsets of every chunk of `type` in an AXML document (top-level walk).
std::vector<std::size_t> find_chunks(const std::vector<std::uint8_t>& doc, std::uint16_t type);

/// A minimal valid manifest: package, versionCode, one uses-permission, an application with
/// one exported activity. `names` false blanks every android attribute name (obfuscator style).
std::vector<std::uint8_t> sample_manifest(bool utf8, bool names = true);

}  // namespace sdkscope::test
