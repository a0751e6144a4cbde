// Cheap structural checks run before a plist reaches libplist 2.2, which recurses without a depth
// bound and copies shared binary objects once per reference. Internal to scanner/apple.
#pragma once

#include <optional>
#include <string>

#include "scanner/apple/plist.hpp"

namespace sdkscope::apple::detail {

/// Why a plist was refused before parsing: `code` is "plist.invalid" or "plist.limit".
struct PrecheckFailure {
  std::string code;
  std::string message;
};

/// Walks a "bplist00" file the way libplist 2.2 would read it (trailer, offset table, object
/// markers, lengths, references) and computes, from the root, the nesting depth, the number of
/// values and the string/data bytes of the tree libplist would build (shared objects count once
/// per reference). Refuses cycles, out-of-range offsets or references, unsupported markers and
/// trees beyond `limits` (payload bytes are bounded by limits.max_bytes). nullopt when sound.
std::optional<PrecheckFailure> precheck_binary_plist(Bytes data, const PlistLimits& limits);

/// Scans XML text for element nesting and element count, skipping comments, CDATA, processing
/// instructions and declarations. Refuses ("plist.limit") text nested deeper than
/// limits.max_depth values or holding more than limits.max_nodes value elements. Malformed XML
/// is left to libplist; this only bounds what it will recurse into.
std::optional<PrecheckFailure> precheck_xml_plist(std::string_view text, const PlistLimits& limits);

}  // namespace sdkscope::apple::detail
