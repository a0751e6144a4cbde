// Text XML (an AAR's AndroidManifest.xml, a source manifest) decoded into the same XmlElement
// tree as binary AXML, through pugixml, with namespace prefixes resolved to URIs.
#pragma once

#include <string>

#include "scanner/android/axml.hpp"

namespace sdkscope::android {

/// Parses text XML. Never throws; "xml.invalid" on malformed input (partial tree kept when
/// pugixml returns one). Namespace prefixes are resolved through xmlns declarations in scope;
/// typed values are inferred the way aapt compiles them ("true"/"false" -> Bool, decimal and
/// 0x numbers -> Int, "@..." -> Reference with ref 0), so build_manifest reads both encodings alike.
XmlParseResult parse_text_xml(Bytes data, Diagnostics& diags, const std::string& where);

}  // namespace sdkscope::android
