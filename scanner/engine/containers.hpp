// Recognises what an input is (by magic bytes first, entry layout second) and walks it with the
// passes for that kind: Android units, split sets, AAB modules, JAR/AAR, IPA, .app, frameworks,
// bare DEX / ELF / Mach-O.
#pragma once

#include <string>

#include "scanner/engine/scan_context.hpp"

namespace sdkscope {

/// Walks the input at `path` (a file or a bundle directory) into ctx. Returns "" on success,
/// else a one-line reason the input is unusable. Sets `format` ("apk", "ipa", "framework" ...).
std::string walk_input(ScanContext& ctx, const std::string& path, std::string& format);

/// The kind of zip this is, from the entries it holds ("apk", "aab", "apks", "ipa", "app",
/// "framework", "xcframework", "aar", "jar", "zip").
std::string classify_zip(const Archive& a);

}  // namespace sdkscope
