// The iOS passes. An .app is walked once: its Info.plist gives identity, permissions (usage
// keys), ATS and SKAdNetwork ids; its executable and every framework, dylib, app extension and
// watch app binary go through the Mach-O adapter; privacy manifests are collected with their
// owner for the audit that runs after SDK matching.
#include "scanner/engine/ios_scan.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "scanner/apple/macho_info.hpp"
#include "scanner/apple/plist.hpp"
#include "scanner/engine/android_scan.hpp"
#include "scanner/engine/code_checks.hpp"
#include "scanner/engine/entry_tasks.hpp"
#include "scanner/engine/string_evidence.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope {

namespace {

std::optional<std::vector<std::uint8_t>> read_named(ScanContext& ctx, const Archive& a, const std::string& name) {
  auto idx = a.find(name);
  if (!idx) return std::nullopt;
  for (const auto& e : a.entries())
    if (e.index == *idx) return a.read(e, ctx.opts.limits, ctx.budget, ctx.diags, name);
  return std::nullopt;
}

std::optional<apple::InfoPlist> read_info(ScanContext& ctx, const Archive& a, const std::string& root) {
  std::string path = root + "Info.plist";
  auto bytes = read_named(ctx, a, path);
  if (!bytes) return std::nullopt;
  auto plist = apple::parse_plist(*bytes, ctx.diags, path);
  if (!plist) return std::nullopt;
  return apple::read_info_plist(*plist, ctx.diags, path);
}

// The claimed size of entry `name` (0 when absent): what reading it may add to the budget.
std::uint64_t claimed(const Archive& a, const std::string& name) {
  auto idx = a.find(name);
  if (!idx) return 0;
  for (const auto& e : a.entries())
    if (e.index == *idx) return e.size;
  return 0;
}

// Reads the Info.plist under `root` now, in order with the tasks around it.
std::optional<apple::InfoPlist> read_info(EntryTasks& t, const Archive& a, const std::string& root) {
  std::optional<apple::InfoPlist> info;
  t.now(claimed(a, root + "Info.plist"), [&](ScanContext& c) { info = read_info(c, a, root); });
  return info;
}

// Parsing goes through the task group (its diagnostics and reads land in order); the manifest
// itself is state only this inline code writes, so it goes straight to the scan's context.
void read_privacy_manifest(ScanContext& ctx, EntryTasks& t, const Archive& a, const std::string& path,
                           const std::string& owner) {
  std::optional<apple::PrivacyManifest> m;
  t.now(claimed(a, path), [&](ScanContext& c) {
    auto bytes = read_named(c, a, path);
    if (!bytes) return;
    auto plist = apple::parse_plist(*bytes, c.diags, path);
    if (!plist) return;
    m = apple::read_privacy_manifest(*plist, c.diags, path);
  });
  if (!m) return;
  PrivacyManifestInfo info;
  info.location = path;
  info.owner = owner;
  info.tracking = m->tracking;
  info.tracking_domains = m->tracking_domains;
  for (const auto& c : m->collected) info.collected.push_back({c.type, c.linked, c.tracking, c.purposes});
  for (const auto& api : m->accessed_apis) info.accessed_apis.push_back({api.type, api.reasons});
  ctx.ios.privacy_manifests.push_back(std::move(info));
}

// A Mach-O entry parsed as a task. `missing`: the warning when the entry cannot be read.
void macho_task(EntryTasks& t, const Archive& a, const std::string& path, const std::string& binary_name,
                bool main_binary, bool warn_missing) {
  t.run(claimed(a, path), [&a, path, binary_name, main_binary, warn_missing](ScanContext& c) {
    if (auto bytes = read_named(c, a, path)) scan_macho_bytes(c, *bytes, path, binary_name, main_binary);
    else if (warn_missing) c.diags.warn("ios.no_executable", path, "the bundle's executable is missing");
  });
}

// "@rpath/Bugly.framework/Bugly" -> "Bugly"; "/usr/lib/libz.1.dylib" -> "libz.1.dylib".
std::string linked_name(const std::string& install_name) {
  auto fw = install_name.find(".framework/");
  if (fw != std::string::npos) {
    auto start = install_name.rfind('/', fw);
    return install_name.substr(start == std::string::npos ? 0 : start + 1, fw - (start == std::string::npos ? 0 : start + 1));
  }
  auto slash = install_name.rfind('/');
  return slash == std::string::npos ? install_name : install_name.substr(slash + 1);
}

// The first path component below `root` of an entry, and whether more follows it.
std::string component(const std::string& name, const std::string& root) {
  auto rel = std::string_view(name).substr(root.size());
  auto slash = rel.find('/');
  return std::string(slash == std::string_view::npos ? rel : rel.substr(0, slash));
}

void add_info_evidence(ScanContext& ctx, const apple::InfoPlist& info, const std::string& where) {
  std::uint32_t loc = ctx.evidence.add_location(where);
  for (const auto& k : info.keys) ctx.evidence.facts.push_back({EvidenceKind::PlistKey, k, loc});
  for (const auto& id : info.skadnetwork_ids) ctx.evidence.facts.push_back({EvidenceKind::SkAdNetwork, id, loc});
  for (const auto& d : info.ats.exception_domains) add_string_evidence(ctx, to_lower(d.domain), loc, "Info.plist");
}

AtsInfo to_model(const apple::AtsSettings& a) {
  AtsInfo out;
  out.present = a.present;
  out.allows_arbitrary_loads = a.allows_arbitrary_loads;
  out.allows_arbitrary_loads_for_media = a.allows_arbitrary_loads_for_media;
  out.allows_arbitrary_loads_in_web_content = a.allows_arbitrary_loads_in_web_content;
  out.allows_local_networking = a.allows_local_networking;
  for (const auto& d : a.exception_domains)
    out.exception_domains.push_back(
        {d.domain, d.includes_subdomains, d.allows_insecure_http_loads, d.requires_forward_secrecy, d.minimum_tls_version});
  return out;
}

}  // namespace

std::string find_app_root(const Archive& a) {
  // Payload/<Name>.app/ in an IPA; <Name>.app/ at the top of a zipped .app. Names are UTF-8.
  for (const auto& e : a.entries()) {
    const std::string& n = e.name;
    for (std::string_view top : {"Payload/", ""}) {
      if (!starts_with(n, top)) continue;
      auto rest = std::string_view(n).substr(top.size());
      auto app = rest.find(".app/");
      if (app == std::string_view::npos || rest.substr(0, app).find('/') != std::string_view::npos) continue;
      return std::string(top) + std::string(rest.substr(0, app + 5));
    }
  }
  return {};
}

void scan_macho_bytes(ScanContext& ctx, Bytes data, const std::string& location, const std::string& binary_name,
                      bool main_binary) {
  auto res = apple::parse_macho(data, ctx.diags, location);
  if (!res.ok) return;
  const auto& m = res.info;
  std::uint32_t loc = ctx.evidence.add_location(location);
  ctx.count("macho.binaries");
  ctx.count("macho.objc_classes", m.objc_classes.size());
  for (const auto& c : m.objc_classes) ctx.evidence.facts.push_back({EvidenceKind::ObjcClass, c, loc});
  for (const auto& mod : m.swift_modules) ctx.evidence.facts.push_back({EvidenceKind::SwiftModule, mod, loc});
  // Static libraries name the frameworks they need in LC_LINKER_OPTION ("-framework AdSupport").
  for (const auto& opt : m.linker_options)
    for (std::string_view flag : {"-framework ", "-weak_framework "})
      if (starts_with(opt, flag) && opt.size() > flag.size())
        ctx.evidence.facts.push_back({EvidenceKind::MachoFramework, opt.substr(flag.size()), loc});
  for (const auto& d : m.linked_dylibs) {
    if (starts_with(d, "/System/") || starts_with(d, "/usr/lib/")) continue;  // the OS, not a bundled SDK
    ctx.evidence.facts.push_back({EvidenceKind::MachoFramework, linked_name(d), loc});
  }
  for (const auto& sym : m.imported_symbols) {
    ctx.evidence.facts.push_back({EvidenceKind::MachoSymbol, sym, loc});
    ctx.ios_state.symbols[sym].insert(binary_name);
  }
  for (const auto& sel : m.selectors) ctx.ios_state.selectors[sel].insert(binary_name);
  for (const auto& sym : m.exported_symbols) ctx.evidence.facts.push_back({EvidenceKind::MachoSymbol, sym, loc});
  for (const auto& s : m.strings) add_string_evidence(ctx, s, loc, binary_name);
  record_macho_hits(ctx, m, data, loc, binary_name);
  if (m.encrypted) ctx.ios.encrypted_binaries.push_back(location);
  if (main_binary && !m.entitlements.empty()) {
    Bytes text(reinterpret_cast<const std::uint8_t*>(m.entitlements.data()), m.entitlements.size());
    if (auto ent = apple::parse_plist(text, ctx.diags, location + " (entitlements)"); ent && ent->is_object())
      for (auto it = ent->begin(); it != ent->end(); ++it) ctx.ios.entitlements.emplace_back(it.key(), it->dump());
  }
  if (main_binary && ctx.ios.min_os.empty()) ctx.ios.min_os = m.min_os;
}

namespace {

// The walks below run their binaries as tasks of `t` (in parallel when the scan has threads).
// Evidence and diagnostics written between the tasks go through t.here() / t.now() so they land
// in walk order; the bundle list, manifests, identity and framework table are written only here,
// never by a task, so they go straight to `ctx`.

void scan_ios_framework(ScanContext& ctx, EntryTasks& t, const Archive& a, const std::string& fw_root,
                        const std::string& name) {
  auto info = read_info(t, a, fw_root);
  {
    ScanContext& c = t.here();
    std::uint32_t loc = c.evidence.add_location(fw_root.empty() ? name + ".framework" : fw_root);
    c.evidence.facts.push_back({EvidenceKind::MachoFramework, name, loc});
    if (info) {
      add_info_evidence(c, *info, fw_root + "Info.plist");
      // The framework's own version: ranked after every rule of the record.
      if (!info->short_version.empty())
        for (const auto& hit : c.db.match_name(EvidenceKind::MachoFramework, name))
          c.evidence.versions.push_back({hit.record, 1000, info->short_version, loc});
    }
  }
  if (info) ctx.ios.bundles.push_back({fw_root, "framework", info->bundle_id, info->short_version, ""});
  std::string exe = info && !info->executable.empty() ? info->executable : name;
  macho_task(t, a, fw_root + exe, name, false, false);
  bool has_manifest = false;
  for (const auto& e : a.entries()) {
    if (!starts_with(e.name, fw_root) || !ends_with(e.name, "PrivacyInfo.xcprivacy")) continue;
    read_privacy_manifest(ctx, t, a, e.name, name);
    has_manifest = true;
  }
  ctx.ios_state.frameworks[name] = ctx.ios_state.frameworks[name] || has_manifest;
}

void scan_xcframework(ScanContext& ctx, EntryTasks& t, const Archive& a, const std::string& root) {
  std::set<std::string> done;
  for (const auto& e : a.entries()) {
    if (!starts_with(e.name, root)) continue;
    auto rel = e.name.substr(root.size());
    auto fw = rel.find(".framework/");
    if (fw != std::string::npos) {
      std::string fw_root = root + rel.substr(0, fw + 11);
      if (!done.insert(fw_root).second) continue;
      auto slash = rel.rfind('/', fw);
      std::string name = rel.substr(slash == std::string::npos ? 0 : slash + 1, fw - (slash == std::string::npos ? 0 : slash + 1));
      scan_ios_framework(ctx, t, a, fw_root, name);
    } else if (ends_with(rel, ".a") && !e.is_directory) {
      t.run(e.size, [&a, &e, rel](ScanContext& c) {
        if (auto bytes = a.read(e, c.opts.limits, c.budget, c.diags, e.name)) scan_macho_bytes(c, *bytes, e.name, rel, false);
      });
    }
  }
}

void scan_ios_app(ScanContext& ctx, EntryTasks& t, const Archive& a, const std::string& app_root,
                  const std::string& kind, std::uint32_t depth) {
  auto info = read_info(t, a, app_root);
  std::string bundle_name;
  if (!app_root.empty()) {
    auto trimmed = app_root.substr(0, app_root.size() - 1);
    auto slash = trimmed.rfind('/');
    bundle_name = slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
  }
  if (!info) t.here().diags.warn("ios.no_info_plist", app_root + "Info.plist", "bundle has no readable Info.plist");
  if (info) {
    add_info_evidence(t.here(), *info, app_root + "Info.plist");
    ctx.ios.bundles.push_back({app_root, kind, info->bundle_id, info->short_version, info->extension_point});
  }
  bool main_app = kind == "app" && !ctx.ios_state.app_seen;
  if (main_app) {
    ctx.ios_state.app_seen = true;
    ctx.ios.present = true;
    ctx.app.platform = "ios";
    if (info) {
      ctx.app.id = info->bundle_id;
      ctx.app.name = info->display_name.empty() ? info->name : info->display_name;
      ctx.app.version_name = info->short_version;
      ctx.ios.build = info->version;
      if (!info->version.empty() && std::all_of(info->version.begin(), info->version.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
          info->version.size() < 18)
        ctx.app.version_code = std::stoll(info->version);
      ctx.app.min_os = info->min_os;
      // Set before the main binary's task is queued: the binary's own value only fills a gap.
      ctx.ios.min_os = info->min_os;
      ctx.ios.device_capabilities = info->device_capabilities;
      ctx.ios.url_schemes = info->url_schemes;
      ctx.ios.queries_schemes = info->queries_schemes;
      ctx.ios.skadnetwork_ids = info->skadnetwork_ids;
      ctx.ios.ats = to_model(info->ats);
      for (const auto& [key, purpose] : info->usage_descriptions) ctx.ios_state.usage.emplace_back(key, purpose);
    }
    std::string profile = app_root + "embedded.mobileprovision";
    std::optional<apple::ProvisioningProfile> p;
    t.now(claimed(a, profile), [&](ScanContext& c) {
      if (auto bytes = read_named(c, a, profile)) p = apple::parse_mobileprovision(*bytes, c.diags, profile);
    });
    if (p)
      ctx.ios.provisioning = ProvisioningInfo{p->name, p->team_id, p->team_name, p->app_id, p->expiration,
                                              p->get_task_allow, p->provisions_all_devices, p->provisioned_devices};
  }
  ctx.parts.push_back({app_root, kind == "app" ? (main_app ? "base" : "nested") : kind, info ? info->bundle_id : ""});

  // The executable named by CFBundleExecutable (else the bundle's own name without ".app").
  std::string exe = info ? info->executable : "";
  if (exe.empty() && ends_with(bundle_name, ".app")) exe = bundle_name.substr(0, bundle_name.size() - 4);
  if (!exe.empty()) macho_task(t, a, app_root + exe, exe, main_app, true);

  // One walk over the entries below the bundle: frameworks, dylibs, extensions, watch apps,
  // and privacy manifests of the app itself or of resource bundles.
  std::set<std::string> frameworks, extensions, watch_apps;
  for (const auto& e : a.entries()) {
    if (!starts_with(e.name, app_root) || e.name.size() == app_root.size()) continue;
    std::string rel = e.name.substr(app_root.size());
    std::string top = component(e.name, app_root);
    if (top == "Frameworks" && rel.size() > 11) {
      std::string sub = component(e.name, app_root + "Frameworks/");
      if (ends_with(sub, ".framework") && rel.size() > 11 + sub.size()) frameworks.insert(sub);
      else if (ends_with(sub, ".dylib") && !e.is_directory) {
        t.run(e.size, [&a, &e, sub](ScanContext& c) {
          if (auto bytes = a.read(e, c.opts.limits, c.budget, c.diags, e.name)) scan_macho_bytes(c, *bytes, e.name, sub, false);
        });
      }
      continue;
    }
    if (top == "PlugIns") {
      std::string sub = component(e.name, app_root + "PlugIns/");
      if (ends_with(sub, ".appex") && rel.size() > 8 + sub.size()) extensions.insert(sub);
      continue;
    }
    if (top == "Watch") {
      std::string sub = component(e.name, app_root + "Watch/");
      if (ends_with(sub, ".app") && rel.size() > 6 + sub.size()) watch_apps.insert(sub);
      continue;
    }
    if (!e.is_directory && is_text_asset(rel)) {
      t.run(text_asset_reads(e), [&a, &e](ScanContext& c) { scan_text_asset(c, a, e, e.name); });
      continue;
    }
    if (ends_with(rel, "PrivacyInfo.xcprivacy")) {
      // The app's own manifest, or a resource bundle's (SDKs ship theirs as <Name>_Privacy.bundle).
      auto bundle = rel.find(".bundle/");
      std::string owner = kind == "app" ? "app" : bundle_name;
      if (bundle != std::string::npos) owner = rel.substr(0, bundle);
      read_privacy_manifest(ctx, t, a, e.name, owner);
    }
  }
  for (const auto& fw : frameworks)
    scan_ios_framework(ctx, t, a, app_root + "Frameworks/" + fw + "/", fw.substr(0, fw.size() - 10));
  if (depth + 1 > ctx.opts.limits.max_nesting_depth) {
    if (!extensions.empty() || !watch_apps.empty())
      t.here().diags.warn("limit.max_nesting_depth", app_root, "bundles nested too deep; extensions not scanned");
    return;
  }
  for (const auto& ext : extensions) scan_ios_app(ctx, t, a, app_root + "PlugIns/" + ext + "/", "extension", depth + 1);
  for (const auto& w : watch_apps) scan_ios_app(ctx, t, a, app_root + "Watch/" + w + "/", "watch", depth + 1);
}

}  // namespace

void scan_ios_framework(ScanContext& ctx, const Archive& a, const std::string& fw_root, const std::string& name) {
  EntryTasks t(ctx);
  scan_ios_framework(ctx, t, a, fw_root, name);
  t.finish();
}

void scan_xcframework(ScanContext& ctx, const Archive& a, const std::string& root) {
  EntryTasks t(ctx);
  scan_xcframework(ctx, t, a, root);
  t.finish();
}

void scan_ios_app(ScanContext& ctx, const Archive& a, const std::string& app_root, const std::string& kind,
                  std::uint32_t depth) {
  EntryTasks t(ctx);
  scan_ios_app(ctx, t, a, app_root, kind, depth);
  t.finish();
}

void finish_ios(ScanContext& ctx, ScanResult& r) {
  // Permissions: every usage-description key of the main app, with the developer's purpose.
  for (const auto& [key, purpose] : ctx.ios_state.usage) {
    PermissionInfo p;
    p.name = key;
    p.platform = "ios";
    p.description = purpose;
    p.sources = {"Info.plist"};
    if (const PermissionRecord* rec = ctx.db.find_permission(key)) {
      p.protection = rec->protection;
      p.data = rec->data;
    } else {
      p.protection = "unknown";
    }
    for (const auto& s : r.sdks)
      if (const SdkRecord* rec = ctx.db.find_sdk(s.id))
        for (const auto& perm : rec->android.permissions)
          if (perm == key) p.sdks.push_back(s.id);
    r.permissions.push_back(std::move(p));
  }
  std::sort(r.permissions.begin(), r.permissions.end(),
            [](const PermissionInfo& a, const PermissionInfo& b) { return a.name < b.name; });

  auto& audit = ctx.ios.privacy_audit;
  std::set<std::string> declared_categories, declared_tracking;
  for (const auto& m : ctx.ios.privacy_manifests) {
    for (const auto& api : m.accessed_apis) declared_categories.insert(api.type);
    for (const auto& d : m.tracking_domains) declared_tracking.insert(to_lower(d));
  }
  // Required-reason APIs the binaries import but no manifest declares.
  for (const auto& cat : ctx.required_reason_apis) {
    if (declared_categories.count(cat.category)) continue;
    std::set<std::string> evidence;
    // An API shows up as its own symbol, (Swift spellings) as the symbol of the Foundation API
    // it bridges to, or (methods and properties) as a selector the binary sends.
    auto note = [&](const std::map<std::string, std::set<std::string>>& uses, const std::string& name) {
      auto it = uses.find(name);
      if (it == uses.end()) return;
      // Old apps bundle Apple's Swift runtime (libswift*.dylib): Apple's code, not the app's.
      for (const auto& bin : it->second)
        if (!(starts_with(bin, "libswift") && ends_with(bin, ".dylib"))) evidence.insert(bin + ": " + name);
    };
    for (const auto& api : cat.apis) {
      if (!api.symbol.empty()) note(ctx.ios_state.symbols, api.symbol);
      else if (api.kind == "swift_name" && !api.bridges_to.empty()) note(ctx.ios_state.symbols, "_" + api.bridges_to);
      else if (api.kind == "objc_selector") note(ctx.ios_state.selectors, api.name);
    }
    if (!evidence.empty())
      audit.undeclared_required_reason_apis.push_back({cat.category, {evidence.begin(), evidence.end()}});
  }
  // Hosts of advertising / attribution SDKs found in the binaries but not declared as tracking.
  std::set<std::string> tracking_sdks;
  for (const auto& s : r.sdks)
    for (const auto& c : s.categories)
      if (c == "advertising" || c == "attribution") tracking_sdks.insert(s.id);
  std::set<std::string> undeclared;
  for (const auto& e : r.endpoints) {
    if (e.sdk.empty() || !tracking_sdks.count(e.sdk)) continue;
    bool declared = false;
    for (const auto& d : declared_tracking)
      if (e.host == d || ends_with(e.host, "." + d)) declared = true;
    if (!declared) undeclared.insert(e.host);
  }
  audit.undeclared_tracking_domains.assign(undeclared.begin(), undeclared.end());
  // Frameworks on Apple's list of privacy-impacting SDKs that ship no privacy manifest.
  for (const auto& [fw, has_manifest] : ctx.ios_state.frameworks)
    if (!has_manifest && ctx.db.is_apple_listed_sdk(fw)) audit.sdks_without_manifest.push_back(fw);
  std::sort(ctx.ios.encrypted_binaries.begin(), ctx.ios.encrypted_binaries.end());
  std::sort(ctx.ios.entitlements.begin(), ctx.ios.entitlements.end());
  r.ios = std::move(ctx.ios);
}

}  // namespace sdkscope
