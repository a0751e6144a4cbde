#include "scanner/engine/containers.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "scanner/apple/macho_info.hpp"
#include "scanner/engine/android_scan.hpp"
#include "scanner/engine/ios_scan.hpp"
#include "scanner/engine/java_scan.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope {

namespace {

std::vector<std::uint8_t> read_head(const std::string& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> out(n);
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n));
  out.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return out;
}

std::optional<std::vector<std::uint8_t>> read_whole(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<std::uint8_t> out(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::uint64_t>(in.gcount()) != size) return std::nullopt;
  return out;
}

bool has_entry_suffix(const Archive& a, std::string_view suffix) {
  return std::any_of(a.entries().begin(), a.entries().end(),
                     [&](const ArchiveEntry& e) { return !e.is_directory && ends_with(e.name, suffix); });
}

// A top-level "<Name><ext>/" directory in a zip (zipped framework or xcframework).
std::string top_dir_with(const Archive& a, std::string_view ext) {
  for (const auto& e : a.entries()) {
    auto slash = e.name.find('/');
    if (slash == std::string::npos) continue;
    std::string top = e.name.substr(0, slash);
    if (ends_with(top, ext)) return top + "/";
  }
  return {};
}

// AAB modules: every "<module>/manifest/AndroidManifest.xml".
std::vector<std::string> aab_modules(const Archive& a) {
  std::vector<std::string> out;
  for (const auto& e : a.entries()) {
    auto pos = e.name.find("/manifest/AndroidManifest.xml");
    if (pos != std::string::npos && pos > 0 && pos + 29 == e.name.size() && e.name.find('/') == pos)
      out.push_back(e.name.substr(0, pos));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string walk_split_set(ScanContext& ctx, const Archive& archive, const std::string& path) {
  // A split set is one app: every split is scanned, not only the base.
  std::size_t units = 0;
  for (const auto& e : archive.entries()) {
    if (e.is_directory || !ends_with(e.name, ".apk")) continue;
    auto bytes = archive.read(e, ctx.opts.limits, ctx.budget, ctx.diags, e.name);
    if (!bytes) continue;
    auto data = std::make_shared<const std::vector<std::uint8_t>>(std::move(*bytes));
    std::string err;
    auto inner = Archive::open(data, ctx.opts.limits, ctx.diags, e.name, &err);
    if (!inner) {
      ctx.diags.warn("bundle.split_unreadable", e.name, "split is not a readable zip: " + err);
      continue;
    }
    ++units;
    scan_android_unit(ctx, *inner, AndroidUnitLayout{}, e.name, BundlePart{e.name, "split", ""}, 1);
  }
  return units == 0 ? fmt::format("{}: split set without a readable APK", path) : "";
}

std::string walk_zip(ScanContext& ctx, const std::string& path, std::string& format) {
  std::string err;
  auto archive = Archive::open_file(path, ctx.opts.limits, ctx.diags, &err);
  if (!archive) return fmt::format("{}: {}", path, err);
  format = classify_zip(*archive);
  if (format == "apk") {
    scan_android_unit(ctx, *archive, AndroidUnitLayout{}, "", BundlePart{"", "base", ""}, 0);
  } else if (format == "aab") {
    auto modules = aab_modules(*archive);
    if (modules.empty()) return fmt::format("{}: app bundle without any module manifest", path);
    for (const auto& m : modules)
      scan_android_unit(ctx, *archive, AndroidUnitLayout{m + "/", true}, "", BundlePart{m, m == "base" ? "base" : "module", m}, 0);
  } else if (format == "apks" || format == "xapk" || format == "apkm") {
    return walk_split_set(ctx, *archive, path);
  } else if (format == "ipa" || format == "app") {
    scan_ios_app(ctx, *archive, find_app_root(*archive), "app", 0);
  } else if (format == "framework") {
    std::string root = top_dir_with(*archive, ".framework");
    scan_ios_framework(ctx, *archive, root, root.substr(0, root.size() - 11));
    ctx.parts.push_back({root, "artifact", ""});
  } else if (format == "xcframework") {
    scan_xcframework(ctx, *archive, top_dir_with(*archive, ".xcframework"));
    ctx.parts.push_back({top_dir_with(*archive, ".xcframework"), "artifact", ""});
  } else if (format == "aar") {
    scan_aar(ctx, *archive, "", 0);
  } else if (format == "jar") {
    scan_jar(ctx, *archive, "", 0);
  } else {
    return fmt::format("{}: zip archive holding no app, app bundle, split set or SDK artifact", path);
  }
  return {};
}

std::string walk_directory(ScanContext& ctx, const std::string& path, std::string& format) {
  std::string name = std::filesystem::path(path).lexically_normal().filename().string();
  if (name.empty()) name = std::filesystem::path(path).lexically_normal().parent_path().filename().string();
  std::string err;
  auto dir = Archive::open_directory(path, ctx.opts.limits, ctx.diags, &err);
  if (!dir) return fmt::format("{}: {}", path, err);
  if (ends_with(name, ".app")) {
    format = "app";
    scan_ios_app(ctx, *dir, "", "app", 0);
  } else if (ends_with(name, ".framework")) {
    format = "framework";
    scan_ios_framework(ctx, *dir, "", name.substr(0, name.size() - 10));
    ctx.parts.push_back({"", "artifact", name});
  } else if (ends_with(name, ".xcframework")) {
    format = "xcframework";
    scan_xcframework(ctx, *dir, "");
    ctx.parts.push_back({"", "artifact", name});
  } else {
    return fmt::format("{}: a directory that is not an .app, .framework or .xcframework bundle", path);
  }
  return {};
}

}  // namespace

std::string classify_zip(const Archive& a) {
  if (a.find("AndroidManifest.xml")) return a.find("classes.jar") ? "aar" : "apk";
  if (a.find("BundleConfig.pb") || a.find("base/manifest/AndroidManifest.xml")) return "aab";
  std::string app_root = find_app_root(a);
  if (!app_root.empty()) return starts_with(app_root, "Payload/") ? "ipa" : "app";
  if (has_entry_suffix(a, ".apk")) {
    if (a.find("manifest.json")) return "xapk";
    if (a.find("info.json")) return "apkm";
    return "apks";
  }
  if (!top_dir_with(a, ".xcframework").empty()) return "xcframework";
  if (!top_dir_with(a, ".framework").empty()) return "framework";
  if (a.find("META-INF/MANIFEST.MF") || has_entry_suffix(a, ".class")) return "jar";
  return "zip";
}

std::string walk_input(ScanContext& ctx, const std::string& path, std::string& format) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return walk_directory(ctx, path, format);
  auto head = read_head(path, 8);
  std::string file_name = std::filesystem::path(path).filename().string();
  if (looks_like_zip(head)) return walk_zip(ctx, path, format);
  bool dex = head.size() >= 4 && std::string_view(reinterpret_cast<const char*>(head.data()), 4) == "dex\n";
  bool elf = head.size() >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
  bool macho = apple::looks_like_macho(head);
  if (!dex && !elf && !macho) {
    return head.empty() ? fmt::format("{}: empty file", path)
                        : fmt::format("{}: unrecognised format (not a zip, DEX, ELF or Mach-O file)", path);
  }
  // A bare binary: an SDK artifact vetted before integration.
  auto bytes = read_whole(path);
  if (!bytes) return fmt::format("{}: cannot read", path);
  ctx.parts.push_back({"", "artifact", file_name});
  if (dex) {
    format = "dex";
    scan_dex_bytes(ctx, *bytes, file_name);
  } else if (elf) {
    format = "so";
    std::uint32_t loc = ctx.evidence.add_location(file_name);
    ctx.evidence.facts.push_back({EvidenceKind::NativeLib, file_name, loc});
    for (auto& h : ctx.db.match_version_native_lib(file_name)) ctx.evidence.versions.push_back({h.record, h.rank, std::move(h.version), loc});
    scan_elf_bytes(ctx, *bytes, file_name, file_name);
  } else {
    format = head[0] == '!' || ends_with(file_name, ".a") ? "a" : "macho";
    // A framework binary given alone is still named after its framework ("Bugly").
    std::uint32_t loc = ctx.evidence.add_location(file_name);
    ctx.evidence.facts.push_back({EvidenceKind::MachoFramework, file_name, loc});
    scan_macho_bytes(ctx, *bytes, file_name, file_name, false);
  }
  return {};
}

}  // namespace sdkscope
