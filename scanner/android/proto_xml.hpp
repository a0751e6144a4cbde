// Decodes aapt2's protobuf XML (aapt.pb.XmlNode), the form AndroidManifest.xml and res/xml files
// take inside an Android App Bundle module, into the encoding-independent XmlElement tree.
#pragma once

#include <cstddef>
#include <string>

#include "scanner/android/axml.hpp"
#include "scanner/android/protobuf_reader.hpp"
#include "scanner/android/xml_tree.hpp"
#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::android {

/// Bounds on work and memory for one document (reasons in the comments).
struct ProtoXmlLimits {
  /// Message nesting; each element costs two levels (XmlNode, XmlElement): 50 elements deep.
  std::size_t max_depth = pb::kDefaultMaxDepth;
  /// An empty child element costs 4 input bytes but ~150 bytes of tree; the largest real
  /// manifests have a few thousand elements.
  std::size_t max_elements = 100'000;
  /// Same reasoning for attributes (2 input bytes, ~150 bytes of tree each).
  std::size_t max_attributes = 500'000;
  /// Text nodes kept in `texts` (each also copies its element path).
  std::size_t max_texts = 100'000;
};

/// Decodes one aapt.pb.XmlNode into the same result the AXML decoder returns. Never throws:
/// malformed input is reported in `diags` under `where` ("pb.truncated", "pb.bad_wire_type",
/// "pb.bad_tag", "pb.bad_varint", "pb.too_deep", "pb.limit", "pb.no_element") and the sound part
/// of the tree is returned; `ok` is true only when nothing was reported. Namespace declarations
/// are dropped; text nodes that are not only whitespace go to `texts`; `strings` lists the
/// distinct names, values and texts in document order (protobuf XML has no string pool, this
/// stands in for one) and `utf8_pool` is true. An element's line is its XmlNode's
/// source.line_number. Attribute values map onto XmlAttribute::Type as follows: no compiled item
/// or a String/RawString/StyledString/FileReference item -> String (str = the compiled string,
/// else the raw value); Reference -> Reference (ref = id, str = the raw value, e.g.
/// "@string/app_name"); a theme-attribute reference ("?attr/x") -> Other with ref = num = id;
/// int_decimal/int_hexadecimal -> Int; boolean -> Bool (num 0/1); float -> Float and dimension ->
/// Dimension (num = the Res_value data bits); colors, fractions, null, empty and Id -> Other
/// (num = the Res_value data). This is the AXML decoder's mapping, and when the raw value is
/// absent `str` is the typed value rendered by format_res_value, as there.
XmlParseResult parse_proto_xml(Bytes data, Diagnostics& diags, const std::string& where,
                               const ProtoXmlLimits& limits = {});

}  // namespace sdkscope::android
