// The iOS passes: an .app bundle (inside an IPA, a zip, or a directory), its frameworks, app
// extensions and watch apps, and standalone SDK artifacts (.framework, .xcframework, .a, Mach-O).
#pragma once

#include <string>

#include "scanner/bundle/archive.hpp"
#include "scanner/engine/scan_context.hpp"

namespace sdkscope {

/// Scans the .app whose entries start with `app_root` ("Payload/X.app/", "X.app/" or "").
/// `kind` is "app", "extension" or "watch".
void scan_ios_app(ScanContext& ctx, const Archive& a, const std::string& app_root, const std::string& kind,
                  std::uint32_t depth);

/// Scans a .framework whose entries start with `fw_root` ("" for a framework directory input).
void scan_ios_framework(ScanContext& ctx, const Archive& a, const std::string& fw_root, const std::string& name);

/// Scans every framework and static library slice of an .xcframework.
void scan_xcframework(ScanContext& ctx, const Archive& a, const std::string& root);

/// Parses one Mach-O (thin, fat or .a) and records its evidence under `location`.
void scan_macho_bytes(ScanContext& ctx, Bytes data, const std::string& location, const std::string& binary_name,
                      bool main_binary);

/// The .app root inside an IPA or zipped .app ("Payload/X.app/", "X.app/"), or "" when none.
std::string find_app_root(const Archive& a);

/// After matching: the privacy-manifest audit (undeclared required-reason APIs and tracking
/// domains, listed SDKs without a manifest) and the iOS permissions.
void finish_ios(ScanContext& ctx, ScanResult& r);

}  // namespace sdkscope
