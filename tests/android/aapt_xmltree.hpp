// Test helper: parses `aapt dump xmltree` output and compares it, element by element and
// attribute by attribute, with a tree decoded by sdkscope. aapt is the reference decoder.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scanner/android/axml.hpp"

namespace sdkscope::test {

/// One attribute line: `A: prefix:name(0xID)=VALUE (Raw: "RAW")`.
struct AaptAttr {
  enum class Kind { String, Reference, AttrReference, Typed, Null };
  std::string ns;  ///< namespace URI (mapped from the prefix through the N: lines)
  std::string name;
  std::uint32_t id = 0;
  Kind kind = Kind::String;
  std::string str;           ///< String: the value (unescaped)
  std::uint32_t type = 0;    ///< Typed: dataType
  std::uint32_t data = 0;    ///< Typed, Reference, AttrReference
  std::optional<std::string> raw;
};

/// One `E:` line with what belongs to it.
struct AaptElement {
  std::string ns;
  std::string name;
  std::uint32_t line = 0;
  std::vector<AaptAttr> attrs;
  std::vector<AaptElement> children;
  std::vector<std::string> texts;  ///< `C:` lines directly inside
};

/// Parses the whole dump; throws std::runtime_error on a line it does not understand, so a
/// format change in aapt fails the test instead of silently comparing nothing.
AaptElement parse_aapt_xmltree(const std::string& dump);

/// Our string as aapt shows it once its escapes are undone: aapt prints C strings, so up to the first NUL.
std::string aapt_normalize(const std::string& s);

/// Differences between aapt's tree and ours (empty when they agree), as readable lines.
std::vector<std::string> compare_with_aapt(const AaptElement& aapt, const android::XmlParseResult& ours);

/// Number of elements in a tree (sanity check that a comparison compared something).
std::size_t count_elements(const AaptElement& e);
std::size_t count_elements(const android::XmlElement& e);

}  // namespace sdkscope::test
