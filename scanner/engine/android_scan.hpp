// The Android passes: one "unit" (an APK, a split, a nested APK or an AAB module) at a time.
#pragma once

#include <string>

#include "scanner/bundle/archive.hpp"
#include "scanner/engine/scan_context.hpp"

namespace sdkscope {

/// Where the pieces of one Android unit sit inside its archive.
struct AndroidUnitLayout {
  std::string root;           ///< "" for an APK, "<module>/" for an AAB module
  bool proto_manifest = false;  ///< AAB: manifest and resources are protobuf
  std::string manifest_path() const { return root + (proto_manifest ? "manifest/AndroidManifest.xml" : "AndroidManifest.xml"); }
  std::string resources_path() const { return root + (proto_manifest ? "resources.pb" : "resources.arsc"); }
};

/// Scans one unit of `archive`: manifest (with resources), DEX, native libraries, nested APKs.
/// `prefix` is the unit's location prefix ("" at top level, "base.apk" inside a split set).
void scan_android_unit(ScanContext& ctx, const Archive& archive, const AndroidUnitLayout& layout,
                       const std::string& prefix, BundlePart part, std::uint32_t depth);

/// The path a "file" version rule names for an entry of a unit (AAB root/ prefix dropped).
std::string version_file_path(std::string_view rel);
/// Reads a small version file (META-INF/*.version) and records a version hint for each record
/// whose rule names it.
void read_version_file(ScanContext& ctx, const Archive& archive, const ArchiveEntry& e, const std::string& rule_path,
                       const std::string& where);

/// Text files that carry addresses: config JSON, properties, web pages and JS bundles (React
/// Native's index.android.bundle / main.jsbundle, Cordova and Capacitor www/).
bool is_text_asset(std::string_view rel);
/// Splits JavaScript (and, with `markup`, HTML) into code and comment text.
void split_comments(std::string_view text, bool markup, std::string& code, std::string& comments);
/// The most bytes scan_text_asset / read_version_file inflate for `e` (for EntryTasks).
std::uint64_t text_asset_reads(const ArchiveEntry& e);
std::uint64_t version_file_reads(const ArchiveEntry& e);
/// Searches a text asset (JSON, JS bundle, HTML, properties ...) for URLs.
void scan_text_asset(ScanContext& ctx, const Archive& archive, const ArchiveEntry& e, const std::string& where);
/// Reads the network security config the manifest names, records the domains it lists, and
/// keeps the app's own config (not a nested APK's) for the cleartext policy.
void scan_network_security_config(ScanContext& ctx, const Archive& archive, const AndroidUnitLayout& layout,
                                  const std::string& path, const std::string& prefix, bool nested);

/// Scans a bare DEX or ELF file given as the input.
void scan_dex_bytes(ScanContext& ctx, Bytes data, const std::string& location);
void scan_elf_bytes(ScanContext& ctx, Bytes data, const std::string& location, const std::string& file_name);

}  // namespace sdkscope
