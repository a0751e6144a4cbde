// The embedded code signature of a Mach-O image (LC_CODE_SIGNATURE): only the entitlements.
#pragma once

#include <string>

#include "scanner/apple/macho_image.hpp"

namespace sdkscope::apple {

/// The XML entitlements plist held by the signature SuperBlob at `range` of `image`, "" when the
/// signature has none. A malformed SuperBlob (bad magic, lengths or offsets past its end) gets
/// "macho.parse_error" and yields "". Never throws.
std::string read_entitlements(Bytes image, FileRange range, Diagnostics& diags, const std::string& where);

}  // namespace sdkscope::apple
