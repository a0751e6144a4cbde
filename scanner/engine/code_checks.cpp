#include "scanner/engine/code_checks.hpp"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>
#include <re2/re2.h>

#include "scanner/apple/macho_calls.hpp"
#include "scanner/checks/evaluate.hpp"
#include "scanner/native/elf_calls.hpp"

namespace sdkscope {

namespace {

using checks::Kind;

// Hits kept per primitive in one file: enough for every class of a real app that calls an API
// (Cipher.getInstance in a few hundred classes), bounded so a hostile DEX cannot grow it.
constexpr std::size_t kMaxHitsPerPrimitive = 4096;
// Classes recorded as holders of one matched string in one file.
constexpr std::size_t kMaxHoldersPerString = 256;

class Recorder {
 public:
  Recorder(ScanContext& ctx, std::uint32_t loc) : ctx_(ctx), loc_(loc) {}
  void hit(std::uint32_t prim, const std::string& holder, std::string_view value) {
    auto& n = per_prim_[prim];
    if (n >= kMaxHitsPerPrimitive) {
      if (n++ == kMaxHitsPerPrimitive) ctx_.count("checks.hits_capped");
      return;
    }
    ++n;
    ctx_.code_hits.push_back({prim, loc_, holder, quoted(prim, value)});
  }

 private:
  // A search pattern quotes only the part that matched (a key inside a config string or a JS
  // bundle), everything else the value as found, cut to a readable length.
  std::string quoted(std::uint32_t prim, std::string_view value) const {
    const auto& p = ctx_.catalogue->primitives()[prim];
    if (p.match == checks::StringMatch::Search) {
      re2::StringPiece m;
      RE2 re("(" + p.value + ")", RE2::Quiet);
      if (re.ok() && RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), re, &m))
        return std::string(m.data(), m.size());
    }
    return std::string(value.substr(0, 200));
  }

  ScanContext& ctx_;
  std::uint32_t loc_;
  std::unordered_map<std::uint32_t, std::size_t> per_prim_;
};

// Looks up each entry of `refs` once; returns, per index, the primitives it names (sparse).
std::unordered_map<std::uint32_t, const std::vector<std::uint32_t>*> lookup_refs(const checks::Catalogue& cat, Kind kind,
                                                                                 const std::vector<std::string>& refs) {
  std::unordered_map<std::uint32_t, const std::vector<std::uint32_t>*> out;
  for (std::uint32_t i = 0; i < refs.size(); ++i)
    if (const auto* p = cat.exact(kind, refs[i])) out.emplace(i, p);
  return out;
}

// Call sites of the imports any call primitive names (and raw syscalls, as "svc:<number>"),
// matched with the constant arguments the primitive requires.
void record_calls(ScanContext& ctx, Recorder& rec, Kind kind, const std::vector<native::Arm64CallSite>& sites,
                  const std::string& holder) {
  const auto& cat = *ctx.catalogue;
  for (const auto& site : sites) {
    std::string name = site.callee;
    if (name == "svc") {
      if (!site.syscall_number) continue;
      name = fmt::format("svc:{}", *site.syscall_number);
    }
    const auto* prims = cat.exact(kind, name);
    if (!prims) continue;
    std::string args;
    for (std::size_t i = 0; i < site.args.size(); ++i)
      if (site.args[i]) args += fmt::format("{}{}={:#x}", args.empty() ? "" : ", ", i, *site.args[i]);
    std::string value = fmt::format("{}({}) at {:#x}", name, args, site.address);
    for (auto p : *prims)
      if (cat.call_matches(p, site.args)) rec.hit(p, holder, value);
  }
}

native::Arm64CallOptions call_options(const checks::Catalogue& cat, Kind kind) {
  native::Arm64CallOptions o;
  for (auto& c : cat.callees(kind))
    if (c.rfind("svc:", 0) != 0) o.callees.insert(c);
  return o;
}

}  // namespace

dex::DexOptions dex_options(const ScanContext& ctx) {
  dex::DexOptions o;
  if (ctx.catalogue) o.track_calls = ctx.catalogue->callees(Kind::DexCall);
  return o;
}

void record_dex_hits(ScanContext& ctx, const dex::DexFile& d, std::uint32_t loc) {
  ctx.defined_classes += d.classes.size();
  for (const auto& c : d.classes) ctx.short_name_classes += checks::is_short_class_name(c);
  if (!ctx.catalogue) return;
  const auto& cat = *ctx.catalogue;
  Recorder rec(ctx, loc);

  auto uses = [&](Kind kind, const std::vector<std::string>& refs, const std::vector<dex::RefUse>& used) {
    auto found = lookup_refs(cat, kind, refs);
    if (found.empty()) return;
    for (const auto& u : used) {
      if (u.class_idx >= d.classes.size()) continue;
      auto it = found.find(u.ref_idx);
      if (it == found.end()) continue;
      for (auto p : *it->second) rec.hit(p, d.classes[u.class_idx], refs[u.ref_idx]);
    }
  };
  uses(Kind::DexMethod, d.method_refs, d.method_uses);
  // Calls with constant arguments (the parser recorded only the tracked ones).
  for (const auto& c : d.call_args) {
    if (c.method_idx >= d.method_refs.size() || c.class_idx >= d.classes.size()) continue;
    const std::string& ref = d.method_refs[c.method_idx];
    std::array<std::optional<std::uint64_t>, 8> args{};
    std::string shown;
    for (std::uint32_t i = 0; i < c.count && i < args.size(); ++i) {
      if (c.args[i]) args[i] = static_cast<std::uint64_t>(*c.args[i]);
      shown += fmt::format("{}{}", i ? ", " : "", c.args[i] ? std::to_string(*c.args[i]) : std::string("?"));
    }
    auto dot = ref.rfind('.');
    for (const std::string& key : {ref, dot == std::string::npos ? std::string() : "*" + ref.substr(dot)}) {
      if (key.empty()) continue;
      if (const auto* prims = cat.exact(Kind::DexCall, key))
        for (auto p : *prims)
          if (cat.call_matches(p, args)) rec.hit(p, d.classes[c.class_idx], fmt::format("{}({})", ref, shown));
    }
  }
  uses(Kind::DexField, d.field_refs, d.field_uses);

  for (std::uint32_t i = 0; i < d.superclasses.size() && i < d.classes.size(); ++i)
    if (!d.superclasses[i].empty())
      if (const auto* p = cat.exact(Kind::DexSuperclass, d.superclasses[i]))
        for (auto id : *p) rec.hit(id, d.classes[i], d.superclasses[i]);

  if (!cat.has_string_rules(Kind::DexString)) return;
  // Strings: match the pool once, then find the classes that load the matched ones.
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> matched;  // string idx -> primitives
  std::vector<std::uint32_t> scratch;
  for (std::uint32_t i = 0; i < d.strings.size(); ++i) {
    // Type descriptors ("Lcom/example/Foo;", "[I") are a third of a typical pool and are named
    // by type ids, never loaded as string data: skipped.
    const std::string& str = d.strings[i];
    if (str.size() >= 3 && str.front() == 'L' && str.back() == ';' && str.find(' ') == std::string::npos) continue;
    if (str.size() >= 2 && str.front() == '[' && (str[1] == '[' || str[1] == 'L' || str.size() == 2)) continue;
    scratch.clear();
    cat.match_string(Kind::DexString, str, scratch);
    if (scratch.empty()) continue;
    std::sort(scratch.begin(), scratch.end());
    scratch.erase(std::unique(scratch.begin(), scratch.end()), scratch.end());
    matched.emplace(i, scratch);
  }
  if (matched.empty()) return;
  std::unordered_map<std::uint32_t, std::size_t> holders;  // string idx -> classes recorded
  for (const auto& use : d.string_uses) {
    auto it = matched.find(use.string_idx);
    if (it == matched.end() || use.class_idx >= d.classes.size()) continue;
    if (holders[use.string_idx]++ >= kMaxHoldersPerString) continue;
    for (auto p : it->second) rec.hit(p, d.classes[use.class_idx], d.strings[use.string_idx]);
  }
  // A matched string no code loads (an annotation value, a static field's initial value) is
  // still in the file: recorded without a holder.
  for (const auto& [idx, prims] : matched)
    if (!holders.count(idx))
      for (auto p : prims) rec.hit(p, "", d.strings[idx]);
}

void record_class_hits(ScanContext& ctx, const java::ClassFile& c, std::uint32_t loc) {
  ++ctx.defined_classes;
  ctx.short_name_classes += checks::is_short_class_name(c.name);
  if (!ctx.catalogue) return;
  const auto& cat = *ctx.catalogue;
  Recorder rec(ctx, loc);
  for (const auto& m : c.method_refs)
    if (const auto* p = cat.exact(Kind::DexMethod, m))
      for (auto id : *p) rec.hit(id, c.name, m);
  if (!c.super_name.empty())
    if (const auto* p = cat.exact(Kind::DexSuperclass, c.super_name))
      for (auto id : *p) rec.hit(id, c.name, c.super_name);
  std::vector<std::uint32_t> scratch;
  for (const auto& s : c.strings) {
    scratch.clear();
    cat.match_string(Kind::DexString, s, scratch);
    for (auto id : scratch) rec.hit(id, c.name, s);
  }
}

void record_elf_hits(ScanContext& ctx, const native::ElfInfo& info, Bytes image, std::uint32_t loc,
                     const std::string& holder) {
  if (!ctx.catalogue) return;
  const auto& cat = *ctx.catalogue;
  Recorder rec(ctx, loc);
  for (const auto& sym : info.imported_symbols)
    if (const auto* p = cat.exact(Kind::NativeImport, sym))
      for (auto id : *p) rec.hit(id, holder, sym);
  std::vector<std::uint32_t> scratch;
  for (const auto& s : info.strings) {
    scratch.clear();
    cat.match_string(Kind::NativeString, s, scratch);
    for (auto id : scratch) rec.hit(id, holder, s);
  }
  if (!cat.callees(Kind::NativeCall).empty() && info.machine == "aarch64") {
    auto opts = call_options(cat, Kind::NativeCall);
    auto sites = native::elf_arm64_calls(image, ctx.diags, ctx.evidence.locations[loc], opts);
    ctx.count("native.call_sites", sites.size());
    record_calls(ctx, rec, Kind::NativeCall, sites, holder);
  }
}

void record_macho_hits(ScanContext& ctx, const apple::MachoInfo& info, Bytes image, std::uint32_t loc,
                       const std::string& holder) {
  if (!ctx.catalogue) return;
  const auto& cat = *ctx.catalogue;
  Recorder rec(ctx, loc);
  for (const auto& sym : info.imported_symbols)
    if (const auto* p = cat.exact(Kind::MachoImport, sym))
      for (auto id : *p) rec.hit(id, holder, sym);
  for (const auto& sel : info.selectors)
    if (const auto* p = cat.exact(Kind::MachoSelector, sel))
      for (auto id : *p) rec.hit(id, holder, sel);
  std::vector<std::uint32_t> scratch;
  for (const auto& s : info.strings) {
    scratch.clear();
    cat.match_string(Kind::MachoString, s, scratch);
    for (auto id : scratch) rec.hit(id, holder, s);
  }
  bool arm64 = std::any_of(info.archs.begin(), info.archs.end(), [](const std::string& a) { return a.rfind("arm64", 0) == 0; });
  if (!cat.callees(Kind::MachoCall).empty() && arm64) {
    auto opts = call_options(cat, Kind::MachoCall);
    auto sites = apple::macho_arm64_calls(image, ctx.diags, ctx.evidence.locations[loc], opts);
    ctx.count("macho.call_sites", sites.size());
    record_calls(ctx, rec, Kind::MachoCall, sites, holder);
  }
}

void record_text_hits(ScanContext& ctx, std::string_view text, std::uint32_t loc, const std::string& holder) {
  if (!ctx.catalogue || !ctx.catalogue->has_string_rules(Kind::AnyString)) return;
  std::vector<std::uint32_t> scratch;
  ctx.catalogue->match_string(Kind::AnyString, text, scratch);
  if (scratch.empty()) return;
  Recorder rec(ctx, loc);
  for (auto id : scratch) rec.hit(id, holder, text);
}

}  // namespace sdkscope
