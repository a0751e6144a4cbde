// The app's launcher icon, for the HTML report's header: found after identity resolution, read
// from the input once more (bounded), and handed out only as a PNG a browser can show. Android:
// <application android:icon> through the resource table, the highest density PNG of that name
// (adaptive-icon XML falls back to the legacy PNGs shipped beside it). iOS: the Info.plist icon
// files at the .app root, Apple's "CgBI" PNGs converted to standard ones. Hostile bytes never
// crash: anything off means no icon. The icon is cosmetic, so this pass adds no diagnostics and
// no statistics, and it reads under its own budget (the scan's numbers stay as they were).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/engine/scan_context.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope {

/// Bounds on the icon pass.
struct IconLimits {
  /// Largest icon file read, and largest PNG handed out (a converted CgBI is re-encoded). Launcher
  /// icons are 2-200 kB; 1 MB keeps the HTML report's data: URI reasonable.
  std::size_t max_png_bytes = 1u << 20;
  /// Pixels (width x height) an icon may declare. The largest real ones are 1024x1024 (store
  /// artwork); CgBI conversion holds 4 bytes per pixel, so this bounds it at 16 MB.
  std::uint64_t max_pixels = 2048ull * 2048ull;
  /// Candidate files read before giving up (densities x names; iOS lists ~20 icon files).
  std::size_t max_candidates = 48;
  /// Info.plist read to find the icon file names.
  std::size_t max_plist_bytes = 4u << 20;
};

/// PNG facts from the signature and IHDR (nullopt when the bytes do not start like a PNG with
/// a well-formed IHDR, optionally after Apple's CgBI chunk).
struct PngHeader {
  std::uint32_t width = 0, height = 0;
  std::uint8_t bit_depth = 0, color_type = 0, interlace = 0;
  bool cgbi = false;
};
std::optional<PngHeader> read_png_header(Bytes data);

/// The bytes as a PNG a browser can show, or nullopt. A standard PNG is checked whole (chunk
/// CRCs, IHDR fields, image data inflating to the size IHDR implies, filter bytes) and returned
/// unchanged; an Apple CgBI PNG (8-bit BGRA premultiplied or BGR, raw deflate) is converted to
/// a standard RGBA / RGB PNG. Over the byte or pixel bound, or malformed in any way: nullopt.
std::optional<std::vector<std::uint8_t>> browser_png(Bytes data, const IconLimits& limits = {});

/// Android screen density of a resource directory ("mipmap-xxxhdpi-v4" -> 640, "drawable" -> 160,
/// "mipmap-anydpi-v26" -> 0, "drawable-nodpi" -> 1), for ranking the copies of one icon.
int android_density(std::string_view resource_dir);

/// Finds the launcher icon of the scanned app and sets app.icon_png and app.icon_path (left
/// empty when none is usable). `base` is the base manifest (Android), `format` the input's.
/// Never throws.
void find_app_icon(const ScanContext& ctx, const std::string& input_path, const std::string& format,
                   const PartManifest* base, AppInfo& app, const IconLimits& limits = {});

}  // namespace sdkscope
