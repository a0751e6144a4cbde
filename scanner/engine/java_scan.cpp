#include "scanner/engine/java_scan.hpp"

#include <fmt/format.h>

#include "scanner/android/text_xml.hpp"
#include "scanner/engine/android_scan.hpp"
#include "scanner/engine/code_checks.hpp"
#include "scanner/engine/entry_tasks.hpp"
#include "scanner/engine/string_evidence.hpp"
#include "scanner/java/class_file.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope {

namespace {

void scan_class_bytes(ScanContext& ctx, Bytes data, std::uint32_t loc, const std::string& where) {
  auto res = java::parse_class_file(data, ctx.diags, where);
  if (!res.ok) return;
  const auto& c = res.cls;
  ctx.count("java.classes");
  ctx.evidence.facts.push_back({EvidenceKind::JavaClass, c.name, loc});
  for (const auto& s : c.strings) add_string_evidence(ctx, s, loc, c.name);
  record_class_hits(ctx, c, loc);
}

std::unique_ptr<Archive> open_nested(ScanContext& ctx, const Archive& outer, const ArchiveEntry& e,
                                     const std::string& loc, std::uint32_t depth) {
  if (depth + 1 > ctx.opts.limits.max_nesting_depth) {
    ctx.diags.warn("limit.max_nesting_depth", loc,
                   fmt::format("nested archive deeper than {} levels; not scanned", ctx.opts.limits.max_nesting_depth));
    return nullptr;
  }
  if (++ctx.budget.nested_archives > ctx.opts.limits.max_nested_archives) {
    ctx.diags.warn("limit.max_nested_archives", loc, "too many nested archives; not scanned");
    return nullptr;
  }
  auto bytes = outer.read(e, ctx.opts.limits, ctx.budget, ctx.diags, loc);
  if (!bytes) return nullptr;
  auto data = std::make_shared<const std::vector<std::uint8_t>>(std::move(*bytes));
  std::string err;
  auto inner = Archive::open(data, ctx.opts.limits, ctx.diags, loc, &err);
  if (!inner) ctx.diags.warn("bundle.nested_unreadable", loc, "nested JAR is not a readable zip: " + err);
  return inner;
}

}  // namespace

void scan_jar(ScanContext& ctx, const Archive& jar, const std::string& prefix, std::uint32_t depth) {
  std::uint32_t loc = ctx.evidence.add_location(prefix.empty() ? "classes" : prefix);
  for (const auto& e : jar.entries()) {
    if (e.is_directory) continue;
    std::string where = join_location(prefix, e.name);
    if (ends_with(e.name, ".class")) {
      // module-info and multi-release copies describe the same classes; skip the duplicates.
      if (ends_with(e.name, "module-info.class") || starts_with(e.name, "META-INF/versions/")) continue;
      if (auto bytes = jar.read(e, ctx.opts.limits, ctx.budget, ctx.diags, where)) scan_class_bytes(ctx, *bytes, loc, where);
    } else if (ctx.db.is_version_file(e.name)) {
      read_version_file(ctx, jar, e, e.name, where);
    }
  }
  if (prefix.empty()) ctx.parts.push_back({"", "artifact", ""});
  (void)depth;
}

void scan_aar(ScanContext& ctx, const Archive& aar, const std::string& prefix, std::uint32_t depth) {
  auto where = [&](const std::string& name) { return join_location(prefix, name); };
  ctx.parts.push_back({prefix, "artifact", ""});
  if (auto idx = aar.find("AndroidManifest.xml")) {
    std::string mloc = where("AndroidManifest.xml");
    if (auto bytes = aar.read(aar.entries()[*idx], ctx.opts.limits, ctx.budget, ctx.diags, mloc)) {
      // AARs ship the manifest as text XML; an APK renamed .aar would have binary AXML.
      auto parsed = android::looks_like_axml(*bytes) ? android::parse_axml(*bytes, ctx.diags, mloc)
                                                     : android::parse_text_xml(*bytes, ctx.diags, mloc);
      if (parsed.root) {
        auto m = android::build_manifest(*parsed.root, nullptr, ctx.diags, mloc);
        std::uint32_t loc = ctx.evidence.add_location(mloc);
        for (const auto& c : m.components) ctx.evidence.facts.push_back({EvidenceKind::ManifestComponent, c.name, loc});
        for (const auto& md : m.meta_data) ctx.evidence.facts.push_back({EvidenceKind::ManifestMetaData, md.name, loc});
        ctx.manifests.push_back({BundlePart{prefix, "artifact", m.package}, std::move(m), mloc});
      }
    }
  }
  // Native libraries are tasks (parallel when the scan has threads), landing in entry order. A
  // nested JAR reads an unknown number of bytes, so the tasks before it finish first and it is
  // scanned on the scan's own context, as sequentially.
  EntryTasks tasks(ctx);
  for (const auto& e : aar.entries()) {
    if (e.is_directory) continue;
    std::string loc = where(e.name);
    if (e.name == "classes.jar" || (starts_with(e.name, "libs/") && ends_with(e.name, ".jar"))) {
      tasks.finish();
      if (auto inner = open_nested(ctx, aar, e, loc, depth)) scan_jar(ctx, *inner, loc, depth + 1);
    } else if (starts_with(e.name, "jni/") && ends_with(e.name, ".so")) {
      std::string file = e.name.substr(e.name.rfind('/') + 1);
      {
        ScanContext& c = tasks.here();
        std::uint32_t l = c.evidence.add_location(loc);
        c.evidence.facts.push_back({EvidenceKind::NativeLib, file, l});
        for (auto& h : c.db.match_version_native_lib(file)) c.evidence.versions.push_back({h.record, h.rank, std::move(h.version), l});
      }
      tasks.run(e.size, [&aar, &e, file, loc](ScanContext& c) {
        if (auto bytes = aar.read(e, c.opts.limits, c.budget, c.diags, loc)) scan_elf_bytes(c, *bytes, loc, file);
      });
    } else if (ctx.db.is_version_file(e.name)) {
      tasks.now(version_file_reads(e), [&](ScanContext& c) { read_version_file(c, aar, e, e.name, loc); });
    }
  }
  tasks.finish();
}

}  // namespace sdkscope
