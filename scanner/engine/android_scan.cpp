// The Android passes. Each entry becomes evidence with its location; one bad entry becomes a
// diagnostic and the rest of the unit is still scanned.
#include "scanner/engine/android_scan.hpp"

#include <algorithm>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include "scanner/android/arsc.hpp"
#include "scanner/android/network_security_config.hpp"
#include "scanner/android/axml.hpp"
#include "scanner/android/proto_xml.hpp"
#include "scanner/android/resources_pb.hpp"
#include "scanner/dex/dex_file.hpp"
#include "scanner/engine/code_checks.hpp"
#include "scanner/engine/entry_tasks.hpp"
#include "scanner/engine/string_evidence.hpp"
#include "scanner/native/elf_info.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope {

namespace {

bool is_root_dex(std::string_view rel) {
  // classes.dex, classes2.dex ... at the unit root (APK) or under dex/ (AAB module).
  if (starts_with(rel, "dex/")) rel.remove_prefix(4);
  if (!starts_with(rel, "classes") || !ends_with(rel, ".dex")) return false;
  auto mid = rel.substr(7, rel.size() - 11);
  return std::all_of(mid.begin(), mid.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// lib/<abi>/<name>.so
bool parse_lib_path(std::string_view rel, std::string_view& abi, std::string_view& file) {
  if (!starts_with(rel, "lib/")) return false;
  auto rest = rel.substr(4);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  abi = rest.substr(0, slash);
  file = rest.substr(slash + 1);
  return !file.empty() && file.find('/') == std::string_view::npos && ends_with(file, ".so");
}

// Native code is the same across ABIs; strings are read from one copy, preferring the ABI
// most devices run.
int abi_rank(std::string_view abi) {
  static constexpr std::string_view kOrder[] = {"arm64-v8a", "armeabi-v7a", "x86_64", "x86", "armeabi"};
  for (int i = 0; i < 5; ++i)
    if (abi == kOrder[i]) return i;
  return 9;
}

void add_manifest_evidence(ScanContext& ctx, const android::Manifest& m, std::uint32_t loc) {
  for (const auto& c : m.components) ctx.evidence.facts.push_back({EvidenceKind::ManifestComponent, c.name, loc});
  for (const auto& md : m.meta_data) {
    ctx.evidence.facts.push_back({EvidenceKind::ManifestMetaData, md.name, loc});
    add_string_evidence(ctx, md.value, loc, "AndroidManifest.xml");
    record_text_hits(ctx, md.value, loc, "meta-data " + md.name);
  }
}

std::optional<std::vector<std::uint8_t>> read_entry(ScanContext& ctx, const Archive& archive, const std::string& name,
                                                    const std::string& where) {
  auto idx = archive.find(name);
  if (!idx) return std::nullopt;
  for (const auto& e : archive.entries())
    if (e.index == *idx) return archive.read(e, ctx.opts.limits, ctx.budget, ctx.diags, where);
  return std::nullopt;
}

}  // namespace

bool is_text_asset(std::string_view rel) {
  for (std::string_view ext : {".json", ".js", ".bundle", ".jsbundle", ".html", ".htm", ".properties", ".txt", ".cfg",
                               ".conf", ".ini", ".yaml", ".yml"})
    if (ends_with(rel, ext)) return true;
  return false;
}

// Splits script / markup text into code and comments. Library bundles carry their licence and
// documentation links in comments; those are not endpoints the app talks to. Strings are
// tracked so "http://x" inside a literal is not mistaken for a // comment; a regex literal that
// holds a quote can confuse the split, which only moves text between the two sides.
void split_comments(std::string_view text, bool markup, std::string& code, std::string& comments) {
  code.reserve(text.size());
  enum class State { Code, Single, Double, Template, Line, Block, Markup } st = State::Code;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    switch (st) {
      case State::Code:
        if (c == '/' && next == '/' && (i == 0 || text[i - 1] != ':')) st = State::Line;
        else if (c == '/' && next == '*') st = State::Block;
        else if (markup && text.compare(i, 4, "<!--") == 0) st = State::Markup;
        else {
          if (c == '\'') st = State::Single;
          else if (c == '"') st = State::Double;
          else if (c == '`') st = State::Template;
          code += c;
          continue;
        }
        comments += ' ';
        break;
      case State::Single:
      case State::Double:
      case State::Template: {
        code += c;
        char quote = st == State::Single ? '\'' : st == State::Double ? '"' : '`';
        if (c == '\\' && i + 1 < text.size()) code += text[++i];
        else if (c == quote || (c == '\n' && st != State::Template)) st = State::Code;
        break;
      }
      case State::Line:
        comments += c;
        if (c == '\n') {
          st = State::Code;
          code += c;
        }
        break;
      case State::Block:
        comments += c;
        if (c == '*' && next == '/') {
          comments += next;
          ++i;
          st = State::Code;
        }
        break;
      case State::Markup:
        comments += c;
        if (text.compare(i, 3, "-->") == 0) {
          comments += "->";
          i += 2;
          st = State::Code;
        }
        break;
    }
  }
}

namespace {
constexpr std::uint64_t kMaxTextAsset = 32ull << 20;  // a JS bundle is a few MB; larger text is data
constexpr std::uint64_t kMaxVersionFile = 256;        // "20.4.0\n": anything longer is not a version file
}  // namespace

std::uint64_t text_asset_reads(const ArchiveEntry& e) { return e.size > kMaxTextAsset ? 0 : e.size; }
std::uint64_t version_file_reads(const ArchiveEntry& e) { return e.size > kMaxVersionFile ? 0 : e.size; }

void scan_text_asset(ScanContext& ctx, const Archive& archive, const ArchiveEntry& e, const std::string& where) {
  if (e.size > kMaxTextAsset) {
    ctx.diags.info("limit.text_asset", where, "text asset over 32 MB; not searched for endpoints");
    return;
  }
  auto bytes = archive.read(e, ctx.opts.limits, ctx.budget, ctx.diags, where);
  if (!bytes) return;
  ctx.count("assets.text_files");
  std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  std::uint32_t loc = ctx.evidence.add_location(where);
  record_text_hits(ctx, text, loc, "");
  // Whole files are searched for URLs only: a bare host must be a whole string, and a file is not.
  bool script = ends_with(where, ".js") || ends_with(where, ".bundle") || ends_with(where, ".jsbundle");
  bool markup = ends_with(where, ".html") || ends_with(where, ".htm");
  if (!script && !markup) {
    for (auto& a : ctx.extract_addresses(text, loc)) ctx.add_address(std::move(a), loc, "");
    return;
  }
  std::string code, comments;
  split_comments(text, markup, code, comments);
  for (auto& a : ctx.extract_addresses(code, loc)) ctx.add_address(std::move(a), loc, "");
  // URLs in comments are licence, documentation and changelog links: counted and listed, not reported.
  for (auto& a : ctx.extractor.extract(comments)) {
    ++ctx.stats["endpoints.filtered.comment"];
    if (ctx.opts.show_filtered) ctx.filtered.insert({std::move(a.raw), "comment", where});
  }
}

void scan_network_security_config(ScanContext& ctx, const Archive& archive, const AndroidUnitLayout& layout,
                                  const std::string& path, const std::string& prefix, bool nested) {
  // The manifest names it as a resolved file path ("res/xml/network_security_config.xml").
  if (path.empty() || path[0] == '@') return;
  std::string entry = layout.root + path;
  std::string where = join_location(prefix, entry);
  auto bytes = read_entry(ctx, archive, entry, where);
  if (!bytes) return;
  auto parsed = layout.proto_manifest ? android::parse_proto_xml(*bytes, ctx.diags, where)
                                      : android::parse_axml(*bytes, ctx.diags, where);
  std::uint32_t loc = ctx.evidence.add_location(where);
  // <domain> texts are the hosts the config names (cleartext or pinning exceptions).
  for (const auto& t : parsed.texts) add_string_evidence(ctx, t.text, loc, "network_security_config");
  if (!ctx.nsc && !nested) {
    ctx.nsc = android::read_network_security_config(parsed);
    ctx.nsc_location = where;
  }
}

std::string version_file_path(std::string_view rel) {
  // An AAB module keeps an APK's root files under root/ (base/root/META-INF/x.version).
  if (starts_with(rel, "root/")) rel.remove_prefix(5);
  return std::string(rel);
}

void read_version_file(ScanContext& ctx, const Archive& archive, const ArchiveEntry& e, const std::string& rule_path,
                       const std::string& where) {
  if (e.size > kMaxVersionFile) return;
  auto bytes = archive.read(e, ctx.opts.limits, ctx.budget, ctx.diags, where);
  if (!bytes) return;
  std::string v(bytes->begin(), bytes->end());
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ')) v.pop_back();
  if (v.empty() || v.find_first_of("\n\r") != std::string::npos) return;
  std::uint32_t loc = ctx.evidence.add_location(where);
  for (auto& h : ctx.db.version_file_rules(rule_path)) ctx.evidence.versions.push_back({h.record, h.rank, v, loc});
}

void scan_dex_bytes(ScanContext& ctx, Bytes data, const std::string& location) {
  auto res = dex::parse_dex(data, ctx.diags, location, {}, dex_options(ctx));
  if (!res.ok) return;
  auto& d = res.dex;
  std::uint32_t loc = ctx.evidence.add_location(location);
  ctx.count("dex.files");
  ctx.count("dex.classes", d.classes.size());
  ctx.count("dex.strings", d.strings.size());
  record_dex_hits(ctx, d, loc);

  // Only a few strings in a pool matter: those holding an address and those a version rule
  // could match. Mark them, then find the classes whose code loads each in one pass over
  // string_uses.
  constexpr std::uint32_t kNone = UINT32_MAX;
  std::vector<std::uint32_t> slot_of(d.strings.size(), kNone);
  struct Interesting {
    std::uint32_t string_idx;
    std::vector<AddressCandidate> addresses;
    bool version = false;
    std::vector<std::uint32_t> holders;
  };
  std::vector<Interesting> interesting;
  for (std::uint32_t i = 0; i < d.strings.size(); ++i) {
    const auto& s = d.strings[i];
    std::vector<AddressCandidate> found;
    if (AddressExtractor::may_contain_address(s)) found = ctx.extract_addresses(s, loc);
    bool version = ctx.db.may_be_version_string(s);
    if (found.empty() && !version) continue;
    slot_of[i] = static_cast<std::uint32_t>(interesting.size());
    interesting.push_back({i, std::move(found), version, {}});
  }
  for (const auto& use : d.string_uses) {
    if (use.string_idx >= slot_of.size() || use.class_idx >= d.classes.size()) continue;
    auto slot = slot_of[use.string_idx];
    if (slot == kNone) continue;
    auto& h = interesting[slot].holders;
    if (h.size() < ctx.opts.max_holders_per_string && (h.empty() || h.back() != use.class_idx)) h.push_back(use.class_idx);
  }
  for (const auto& item : interesting) {
    for (const auto& c : item.addresses) {
      if (item.holders.empty()) ctx.add_address(c, loc, "");
      for (auto cls : item.holders) ctx.add_address(c, loc, d.classes[cls]);
    }
    if (item.version) {
      const auto& s = d.strings[item.string_idx];
      std::vector<SignatureDb::VersionHit> hits;
      if (item.holders.empty()) hits = ctx.db.match_version_string(s, "");
      for (auto cls : item.holders)
        for (auto& h : ctx.db.match_version_string(s, d.classes[cls])) hits.push_back(std::move(h));
      for (auto& h : hits) ctx.evidence.versions.push_back({h.record, h.rank, std::move(h.version), loc});
    }
  }
  // Last, so the names move instead of being copied (nothing above adds facts: same order).
  for (auto& c : d.classes) ctx.evidence.facts.push_back({EvidenceKind::JavaClass, std::move(c), loc});
}

void scan_elf_bytes(ScanContext& ctx, Bytes data, const std::string& location, const std::string& file_name) {
  auto res = native::parse_elf(data, ctx.diags, location);
  if (!res.ok) return;
  std::uint32_t loc = ctx.evidence.add_location(location);
  ctx.count("native.libraries_parsed");
  if (!res.info.soname.empty() && res.info.soname != file_name)
    ctx.evidence.facts.push_back({EvidenceKind::NativeLib, res.info.soname, loc});
  for (const auto& s : res.info.strings) add_string_evidence(ctx, s, loc, file_name);
  record_elf_hits(ctx, res.info, data, loc, file_name);
}

void scan_android_unit(ScanContext& ctx, const Archive& archive, const AndroidUnitLayout& layout,
                       const std::string& prefix, BundlePart part, std::uint32_t depth) {
  const std::string& root = layout.root;
  auto where = [&](const std::string& name) { return join_location(prefix, name); };

  // Pass 1: resources, so manifest references (label, network security config) resolve.
  std::optional<android::ResourceTable> resources;
  if (auto bytes = read_entry(ctx, archive, layout.resources_path(), where(layout.resources_path()))) {
    if (layout.proto_manifest) {
      auto r = android::parse_resources_pb(*bytes, ctx.diags, where(layout.resources_path()));
      resources = std::move(r.table);
    } else {
      auto r = android::parse_arsc(*bytes, ctx.diags, where(layout.resources_path()));
      resources = std::move(r.table);
    }
  }

  // Resource strings hold base URLs and hosts apps configure (string/api_base).
  if (resources) {
    std::uint32_t loc = ctx.evidence.add_location(where(layout.resources_path()));
    std::vector<std::pair<std::string, std::string>> named;  // sorted by resource name, for determinism
    for (const auto& [id, value] : resources->values) {
      auto name = resources->names.find(id);
      named.emplace_back(name == resources->names.end() ? fmt::format("0x{:08x}", id) : name->second, value);
    }
    std::sort(named.begin(), named.end());
    for (const auto& [name, value] : named)
      if (starts_with(name, "string/")) {
        add_string_evidence(ctx, value, loc, name);
        record_text_hits(ctx, value, loc, name);
      }
  }

  // Pass 2: the manifest -> app identity, permissions, components, meta-data.
  std::string manifest_loc = where(layout.manifest_path());
  if (auto bytes = read_entry(ctx, archive, layout.manifest_path(), manifest_loc)) {
    auto parsed = layout.proto_manifest ? android::parse_proto_xml(*bytes, ctx.diags, manifest_loc)
                                        : android::parse_axml(*bytes, ctx.diags, manifest_loc);
    if (parsed.root) {
      auto m = android::build_manifest(*parsed.root, resources ? &*resources : nullptr, ctx.diags, manifest_loc);
      if (part.name.empty()) part.name = m.split;
      std::uint32_t loc = ctx.evidence.add_location(manifest_loc);
      add_manifest_evidence(ctx, m, loc);
      scan_network_security_config(ctx, archive, layout, m.network_security_config, prefix, part.kind == "nested");
      ctx.manifests.push_back({part, std::move(m), manifest_loc});
    } else {
      ctx.diags.error("android.manifest_unreadable", manifest_loc, "the manifest could not be decoded");
    }
  } else if (!archive.find(layout.manifest_path())) {
    ctx.diags.warn("android.no_manifest", where(layout.manifest_path()), "unit has no AndroidManifest.xml");
  }
  ctx.parts.push_back(part);

  // Pass 3: code. DEX in entry order; native libraries once per file name (best ABI), every
  // ABI's copy still recorded as a library fact. DEX files, libraries and text assets are tasks
  // (parallel when the scan has threads); their results land in this order whatever the timing.
  std::map<std::string, std::pair<int, const ArchiveEntry*>> best_lib;
  std::vector<const ArchiveEntry*> nested;
  {
    EntryTasks tasks(ctx);
    for (const auto& e : archive.entries()) {
      if (e.is_directory || !starts_with(e.name, root)) continue;
      std::string_view rel = std::string_view(e.name).substr(root.size());
      std::string_view abi, file;
      if (is_root_dex(rel)) {
        tasks.run(e.size, [&archive, &e, loc = where(e.name)](ScanContext& c) {
          if (auto bytes = archive.read(e, c.opts.limits, c.budget, c.diags, loc)) scan_dex_bytes(c, *bytes, loc);
        });
      } else if (parse_lib_path(rel, abi, file)) {
        ScanContext& c = tasks.here();
        std::uint32_t loc = c.evidence.add_location(where(e.name));
        c.evidence.facts.push_back({EvidenceKind::NativeLib, std::string(file), loc});
        for (auto& h : c.db.match_version_native_lib(file))
          c.evidence.versions.push_back({h.record, h.rank, std::move(h.version), loc});
        c.count("native.libraries");
        auto& slot = best_lib[std::string(file)];
        if (!slot.second || abi_rank(abi) < slot.first) slot = {abi_rank(abi), &e};
      } else if (ends_with(rel, ".apk") || (starts_with(rel, "assets/") && ends_with(rel, ".dex"))) {
        nested.push_back(&e);
      } else if (starts_with(rel, "assets/") && is_text_asset(rel)) {
        tasks.run(text_asset_reads(e), [&archive, &e, loc = where(e.name)](ScanContext& c) {
          scan_text_asset(c, archive, e, loc);
        });
      } else if (ctx.db.is_version_file(version_file_path(rel))) {
        tasks.now(version_file_reads(e), [&](ScanContext& c) {
          read_version_file(c, archive, e, version_file_path(rel), where(e.name));
        });
      }
    }
    for (const auto& [file, slot] : best_lib) {
      const ArchiveEntry& e = *slot.second;
      tasks.run(e.size, [&archive, &e, file = file, loc = where(e.name)](ScanContext& c) {
        if (auto bytes = archive.read(e, c.opts.limits, c.budget, c.diags, loc)) scan_elf_bytes(c, *bytes, loc, file);
      });
    }
    tasks.finish();
  }

  // Pass 4: nested code (APKs in assets, DEX dropped in assets by packers and plugin frameworks).
  for (const ArchiveEntry* e : nested) {
    std::string loc = where(e->name);
    if (depth + 1 > ctx.opts.limits.max_nesting_depth) {
      ctx.diags.warn("limit.max_nesting_depth", loc,
                     fmt::format("nested archive deeper than {} levels; not scanned", ctx.opts.limits.max_nesting_depth));
      continue;
    }
    if (++ctx.budget.nested_archives > ctx.opts.limits.max_nested_archives) {
      ctx.diags.warn("limit.max_nested_archives", loc,
                     fmt::format("more than {} nested archives; the rest are not scanned", ctx.opts.limits.max_nested_archives));
      break;
    }
    auto bytes = archive.read(*e, ctx.opts.limits, ctx.budget, ctx.diags, loc);
    if (!bytes) continue;
    if (ends_with(e->name, ".dex")) {
      if (bytes->size() >= 4 && std::string_view(reinterpret_cast<const char*>(bytes->data()), 4) == "dex\n") {
        ctx.count("dex.asset_files");
        scan_dex_bytes(ctx, *bytes, loc);
      } else {
        ctx.diags.info("android.asset_dex_unreadable", loc,
                       "a .dex file in assets is not plain DEX (encrypted or packed code)");
        ctx.encrypted_code.push_back(loc);
      }
      continue;
    }
    auto data = std::make_shared<const std::vector<std::uint8_t>>(std::move(*bytes));
    std::string err;
    auto inner = Archive::open(data, ctx.opts.limits, ctx.diags, loc, &err);
    if (!inner) {
      ctx.diags.warn("bundle.nested_unreadable", loc, "nested APK is not a readable zip: " + err);
      continue;
    }
    if (!inner->find("AndroidManifest.xml")) {
      ctx.diags.info("bundle.nested_not_apk", loc, "nested .apk has no AndroidManifest.xml; not scanned");
      continue;
    }
    scan_android_unit(ctx, *inner, AndroidUnitLayout{}, loc, BundlePart{loc, "nested", ""}, depth + 1);
  }
}

}  // namespace sdkscope
