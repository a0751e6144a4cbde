// One string found in code (a class constant, a native library's read-only data, a Mach-O C
// string) becomes evidence the same way wherever it was found: the addresses it holds, and the
// SDK versions it reveals.
#pragma once

#include <string>
#include <string_view>

#include "scanner/engine/scan_context.hpp"

namespace sdkscope {

/// Records the addresses in `s` (held by `holder`: a class or binary name) and the version hints
/// version-string rules find in it (restricted to rules whose holder prefix matches).
void add_string_evidence(ScanContext& ctx, std::string_view s, std::uint32_t location, const std::string& holder);

}  // namespace sdkscope
