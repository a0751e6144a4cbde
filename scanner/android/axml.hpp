// Decoder for Android binary XML (AXML): the compiled AndroidManifest.xml and res/*.xml of an
// APK. Turns the chunk stream into the encoding-independent XmlElement tree of xml_tree.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/android/xml_tree.hpp"
#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::android {

/// Bounds on what one AXML document may make us allocate. Every limit hit is an "axml.limit"
/// diagnostic and the decode stops there, keeping what was built.
struct AxmlLimits {
  /// The largest real manifests (ApiDemos, Play services apps) have a few thousand elements.
  std::size_t max_elements = 200'000;
  /// Manifests nest about 6 deep; the tree is recursive, so depth also bounds stack use.
  std::size_t max_depth = 256;
  /// Real string pools hold at most tens of thousands; each entry costs an offset and a string.
  std::size_t max_strings = 1'000'000;
  /// Approximate memory of the decoded tree (nodes plus copied text). Attributes may alias one
  /// another (attributeSize 0) and share one huge string, so the file size alone bounds nothing.
  std::size_t max_tree_bytes = 64u << 20;
};

/// Text (CDATA) found inside an element, e.g. <domain>example.com</domain> in a compiled
/// network_security_config.xml. XmlElement has no text field, so text is reported beside the tree.
struct XmlText {
  std::vector<std::size_t> path;  ///< child indices from the root to the containing element
  std::string text;
  std::uint32_t line = 0;
};

/// The decoded document. `root` is whatever sound part was read, even when `ok` is false.
struct XmlParseResult {
  std::optional<XmlElement> root;
  bool ok = false;                   ///< true when decoded with no warning or error diagnostic
  std::vector<XmlText> texts;        ///< CDATA in document order
  std::vector<std::string> strings;  ///< the document's string pool, decoded to UTF-8
  bool utf8_pool = false;            ///< the pool was UTF-8 (aapt2) rather than UTF-16 (aapt)
};

/// True when `data` starts like an AXML document (RES_XML_TYPE chunk header).
bool looks_like_axml(Bytes data);

/// Decodes an AXML document. Never throws: malformed input (bad header, truncation, bad string
/// pool, bogus chunk sizes, limits) becomes diagnostics with codes "axml.*" located at `where`,
/// and the result holds every element read before the problem. Attribute values: `str` is the
/// raw string when the file keeps one, else the typed value rendered by format_res_value;
/// `num` holds the Int/Bool value, and for Float, Dimension and Other types the raw 32-bit
/// Res_value data; `ref` holds the id of a reference or attribute reference.
XmlParseResult parse_axml(Bytes data, Diagnostics& diags, const std::string& where,
                          const AxmlLimits& limits = {});

/// Renders a non-string Res_value (dataType, data) as text: "42", "0x1f", "true", "@0x7f040000",
/// "?0x01010001", "1.5", "14.5sp", "50%", "#ff00aa00"; unknown types as "(type 0xNN)0xDATA".
std::string format_res_value(std::uint8_t data_type, std::uint32_t data);

/// A decoded ResStringPool chunk (shared by AXML and resources.arsc).
struct StringPool {
  std::vector<std::string> strings;  ///< UTF-8; undecodable entries are empty
  bool utf8 = false;
};

/// Decodes the string pool chunk that starts at `off` in `reader` and spans `size` bytes
/// (clamped to the buffer). Problems become "<prefix>.bad_string_pool" / "<prefix>.limit"
/// diagnostics; entries that cannot be decoded are empty strings. Never throws.
StringPool read_string_pool(const ByteReader& reader, std::size_t off, std::size_t size,
                            std::size_t max_strings, Diagnostics& diags, const std::string& where,
                            std::string_view prefix);

}  // namespace sdkscope::android
