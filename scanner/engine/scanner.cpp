// scan(): the pipeline as a list of named passes, each with the reason it is there.
#include "scanner/engine/scanner.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "scanner/analysis/endpoint_report.hpp"
#include "scanner/analysis/permissions.hpp"
#include "scanner/engine/android_scan.hpp"
#include "scanner/engine/scan_context.hpp"
#include "scanner/match/matcher.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope {

namespace {

// Streams the file through SHA-256; returns "" when it cannot be read.
std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(md, buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(md, out, &len);
  EVP_MD_CTX_free(md);
  return to_hex(Bytes(out, len));
}

std::vector<std::uint8_t> read_head(const std::string& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> out(n);
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n));
  out.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return out;
}

std::optional<std::vector<std::uint8_t>> read_whole(const std::string& path, std::uint64_t size) {
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

// The kind of zip this is, from the entries it holds.
std::string classify_zip(const Archive& a) {
  if (a.find("AndroidManifest.xml")) return a.find("classes.jar") ? "aar" : "apk";
  if (a.find("BundleConfig.pb") || a.find("base/manifest/AndroidManifest.xml")) return "aab";
  bool payload = std::any_of(a.entries().begin(), a.entries().end(),
                             [](const ArchiveEntry& e) { return starts_with(e.name, "Payload/"); });
  if (payload) return "ipa";
  if (has_entry_suffix(a, ".apk")) {
    if (a.find("manifest.json")) return "xapk";
    if (a.find("info.json")) return "apkm";
    return "apks";
  }
  if (a.find("META-INF/MANIFEST.MF") || has_entry_suffix(a, ".class")) return "jar";
  return "zip";
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

// The app's identity comes from the base part's manifest: the one without a split name.
const PartManifest* base_manifest(const std::vector<PartManifest>& ms) {
  for (const auto& m : ms)
    if (m.manifest.split.empty() && m.part.kind != "nested") return &m;
  for (const auto& m : ms)
    if (m.part.kind != "nested") return &m;
  return nullptr;
}

}  // namespace

Scanner::Scanner(const SignatureDb& db, ScanOptions options)
    : db_(db), options_(std::move(options)), extractor_(psl_) {}

ScanOutcome Scanner::scan(const std::string& path) const {
  ScanOutcome outcome;
  try {
    // Pass 1: the input itself. Unusable input is an error (exit 2), not a diagnostic.
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      outcome.error = fmt::format("{}: no such file", path);
      return outcome;
    }
    if (std::filesystem::is_directory(path, ec)) {
      outcome.error = fmt::format("{}: is a directory (.app bundle directories are not supported yet)", path);
      return outcome;
    }
    auto size = std::filesystem::file_size(path, ec);
    if (ec) {
      outcome.error = fmt::format("{}: cannot read ({})", path, ec.message());
      return outcome;
    }
    if (size > options_.limits.max_input_bytes) {
      outcome.error = fmt::format("{}: {} bytes is over the {} limit of {} bytes", path, size, kLimitInputBytes,
                                  options_.limits.max_input_bytes);
      return outcome;
    }

    ScanResult r;
    r.scanner.signatures_version = std::string(db_.version());
    r.scanner.signatures_count = db_.sdks().size();
    r.input.path = options_.path_basename_only ? std::filesystem::path(path).filename().string() : path;
    r.input.size = size;
    r.input.sha256 = sha256_file(path);
    if (r.input.sha256.empty()) {
      outcome.error = fmt::format("{}: cannot read", path);
      return outcome;
    }

    ScanContext ctx{db_, options_, extractor_, {}, {}, {}, {}, {}, {}};
    auto head = read_head(path, 8);
    std::string file_name = std::filesystem::path(path).filename().string();

    // Pass 2: open the container and walk its units (APK, splits, AAB modules).
    if (looks_like_zip(head)) {
      std::string err;
      auto archive = Archive::open_file(path, options_.limits, ctx.diags, &err);
      if (!archive) {
        outcome.error = fmt::format("{}: {}", path, err);
        return outcome;
      }
      std::string kind = classify_zip(*archive);
      r.input.format = kind;
      if (kind == "apk") {
        scan_android_unit(ctx, *archive, AndroidUnitLayout{}, "", BundlePart{"", "base", ""}, 0);
      } else if (kind == "aab") {
        auto modules = aab_modules(*archive);
        if (modules.empty()) {
          outcome.error = fmt::format("{}: app bundle without any module manifest", path);
          return outcome;
        }
        for (const auto& m : modules)
          scan_android_unit(ctx, *archive, AndroidUnitLayout{m + "/", true}, "",
                            BundlePart{m, m == "base" ? "base" : "module", m}, 0);
      } else if (kind == "apks" || kind == "xapk" || kind == "apkm") {
        // A split set is one app: every split is scanned, not only the base.
        std::size_t units = 0;
        for (const auto& e : archive->entries()) {
          if (e.is_directory || !ends_with(e.name, ".apk")) continue;
          auto bytes = archive->read(e, options_.limits, ctx.budget, ctx.diags, e.name);
          if (!bytes) continue;
          auto data = std::make_shared<const std::vector<std::uint8_t>>(std::move(*bytes));
          std::string err2;
          auto inner = Archive::open(data, options_.limits, ctx.diags, e.name, &err2);
          if (!inner) {
            ctx.diags.warn("bundle.split_unreadable", e.name, "split is not a readable zip: " + err2);
            continue;
          }
          ++units;
          scan_android_unit(ctx, *inner, AndroidUnitLayout{}, e.name, BundlePart{e.name, "split", ""}, 1);
        }
        if (units == 0) {
          outcome.error = fmt::format("{}: split set without a readable APK", path);
          return outcome;
        }
      } else if (kind == "ipa") {
        outcome.error = fmt::format("{}: iOS app (IPA); iOS scanning is not supported yet", path);
        return outcome;
      } else if (kind == "aar" || kind == "jar") {
        outcome.error = fmt::format("{}: {} SDK artifact; JAR/AAR scanning is not supported yet", path, kind);
        return outcome;
      } else {
        outcome.error = fmt::format("{}: zip archive without AndroidManifest.xml, app bundle modules or APKs: not an app",
                                    path);
        return outcome;
      }
    } else if (head.size() >= 4 && std::string_view(reinterpret_cast<const char*>(head.data()), 4) == "dex\n") {
      // A bare DEX: an SDK artifact vetted before integration.
      r.input.format = "dex";
      auto bytes = read_whole(path, size);
      if (!bytes) {
        outcome.error = fmt::format("{}: cannot read", path);
        return outcome;
      }
      scan_dex_bytes(ctx, *bytes, file_name);
      ctx.parts.push_back({"", "artifact", file_name});
    } else if (head.size() >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
      r.input.format = "so";
      auto bytes = read_whole(path, size);
      if (!bytes) {
        outcome.error = fmt::format("{}: cannot read", path);
        return outcome;
      }
      std::uint32_t loc = ctx.evidence.add_location(file_name);
      ctx.evidence.facts.push_back({EvidenceKind::NativeLib, file_name, loc});
      scan_elf_bytes(ctx, *bytes, file_name, file_name);
      ctx.parts.push_back({"", "artifact", file_name});
    } else {
      outcome.error = size == 0 ? fmt::format("{}: empty file", path)
                                : fmt::format("{}: unrecognised format (not a zip, DEX or ELF file)", path);
      return outcome;
    }

    // Pass 3: app identity from the base manifest.
    if (const PartManifest* base = base_manifest(ctx.manifests)) {
      const auto& m = base->manifest;
      r.app.platform = "android";
      r.app.id = m.package;
      r.app.name = m.label;
      r.app.version_name = m.version_name;
      r.app.version_code = m.version_code;
      r.app.min_sdk = m.min_sdk;
      r.app.target_sdk = m.target_sdk;
    } else if (!ctx.manifests.empty() || r.input.format == "aab") {
      r.app.platform = "android";
    }
    r.app.parts = ctx.parts;

    // Pass 4: hosts become domain evidence, so an SDK's own endpoints raise its confidence.
    {
      std::set<std::string> hosts;
      for (const auto& a : ctx.evidence.addresses)
        for (const auto& c : extractor_.extract(a.value))
          if (!c.ip_literal) hosts.insert(c.host);
      std::uint32_t loc = ctx.evidence.add_location("strings");
      for (const auto& h : hosts) ctx.evidence.facts.push_back({EvidenceKind::Domain, h, loc});
    }

    // Pass 5: SDK inventory. App frameworks (Flutter, React Native ...) describe the app, not a
    // third party, so they move to app.frameworks.
    auto found = match_sdks(ctx.evidence, db_, options_.match);
    for (auto& s : found) {
      bool framework = std::find(s.categories.begin(), s.categories.end(), "app_framework") != s.categories.end();
      if (framework) r.app.frameworks.push_back(s.id);
      else r.sdks.push_back(std::move(s));
    }

    // Pass 6: permissions from every part's manifest.
    std::vector<RequestedPermission> requested;
    std::set<std::string> declared;
    for (const auto& pm : ctx.manifests) {
      // A nested APK is another package: its requests are not this app's permissions.
      if (pm.part.kind == "nested") continue;
      for (const auto& up : pm.manifest.uses_permissions) requested.push_back({up.name, up.max_sdk, pm.part.path});
      for (const auto& dp : pm.manifest.permissions) declared.insert(dp.name);
    }
    r.permissions = build_android_permissions(requested, declared, db_, r.sdks);

    // Pass 7: endpoints, attributed to the SDK whose code holds them.
    std::map<std::string, std::uint64_t> filtered;
    r.endpoints = build_endpoints(ctx.evidence, extractor_, psl_, db_, r.sdks, &filtered, options_.endpoints);
    for (const auto& [reason, n] : filtered) ctx.stats["endpoints.filtered." + reason] = n;

    // Pass 8: diagnostics and statistics, sorted for reproducible output.
    r.diagnostics = std::move(ctx.diags.items());
    std::stable_sort(r.diagnostics.begin(), r.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.where, a.code, a.message) < std::tie(b.where, b.code, b.message);
    });
    r.diagnostics.erase(std::unique(r.diagnostics.begin(), r.diagnostics.end()), r.diagnostics.end());
    ctx.stats["bundle.bytes_inflated"] = ctx.budget.total_bytes;
    r.stats = std::move(ctx.stats);
    outcome.result = std::move(r);
  } catch (const std::bad_alloc&) {
    outcome.error = fmt::format("{}: out of memory while scanning", path);
  } catch (const std::exception& e) {
    // A bug, not an input problem: still one line and exit 2, never a crash.
    outcome.error = fmt::format("{}: internal error: {}", path, e.what());
  }
  return outcome;
}

}  // namespace sdkscope
