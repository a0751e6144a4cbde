// Loading, validating and compiling the check catalogue. Exact values go into hash maps; string
// patterns of one kind into one RE2::Set (linear time, no backtracking), so a DEX string pool is
// matched against every check in one pass per string.
#include "scanner/checks/catalogue.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>
#include <re2/set.h>

namespace sdkscope::checks {

using nlohmann::json;

namespace {

struct KindName {
  Kind kind;
  std::string_view name;
};
constexpr KindName kKinds[] = {
    {Kind::DexMethod, "dex.method"},       {Kind::DexField, "dex.field"},
    {Kind::DexString, "dex.string"},       {Kind::DexSuperclass, "dex.superclass"},
    {Kind::NativeImport, "native.import"}, {Kind::NativeString, "native.string"},
    {Kind::NativeCall, "native.call"},     {Kind::MachoImport, "macho.import"},
    {Kind::MachoSelector, "macho.selector"}, {Kind::MachoString, "macho.string"},
    {Kind::MachoCall, "macho.call"},       {Kind::AnyString, "string"},
    {Kind::Permission, "permission"},      {Kind::SdkCategory, "sdk.category"},
    {Kind::SdkId, "sdk.id"},               {Kind::Entitlement, "entitlement"},
    {Kind::DexCall, "dex.call"},
};

bool parse_kind(std::string_view s, Kind& out) {
  for (const auto& k : kKinds)
    if (k.name == s) {
      out = k.kind;
      return true;
    }
  return false;
}

bool is_string_kind(Kind k) {
  return k == Kind::DexString || k == Kind::NativeString || k == Kind::MachoString || k == Kind::AnyString;
}
bool is_call_kind(Kind k) { return k == Kind::NativeCall || k == Kind::MachoCall || k == Kind::DexCall; }

const std::set<std::string, std::less<>> kSeverities = {"critical", "high", "medium", "low", "info"};
const std::set<std::string, std::less<>> kConfidences = {"high", "medium", "low"};
const std::set<std::string, std::less<>> kCheckCategories = {
    "transport",     "configuration", "crypto",       "secrets",     "fingerprinting", "input_capture",
    "dynamic_code",  "anti_analysis", "concealment",  "privacy",     "policy"};
const std::set<std::string, std::less<>> kPlatforms = {"android", "ios", "any"};

std::vector<std::string> strings_of(const json& j, const char* key, const std::string& ctx,
                                    std::vector<std::string>& errors) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  if (!j[key].is_array()) {
    errors.push_back(fmt::format("{}: '{}' must be an array of strings", ctx, key));
    return out;
  }
  for (const auto& v : j[key]) {
    if (v.is_string()) out.push_back(v.get<std::string>());
    else errors.push_back(fmt::format("{}: '{}' must hold strings", ctx, key));
  }
  return out;
}

std::string string_of(const json& j, const char* key, const std::string& ctx, std::vector<std::string>& errors,
                      bool required = true) {
  if (!j.contains(key)) {
    if (required) errors.push_back(fmt::format("{}: missing '{}'", ctx, key));
    return {};
  }
  if (!j[key].is_string()) {
    errors.push_back(fmt::format("{}: '{}' must be a string", ctx, key));
    return {};
  }
  return j[key].get<std::string>();
}

void check_keys(const json& j, std::initializer_list<std::string_view> allowed, const std::string& ctx,
                std::vector<std::string>& errors) {
  for (const auto& [k, v] : j.items())
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      errors.push_back(fmt::format("{}: unknown key '{}'", ctx, k));
}

std::map<int, std::uint64_t> arg_map(const json& j, const char* key, const std::string& ctx,
                                     std::vector<std::string>& errors) {
  std::map<int, std::uint64_t> out;
  if (!j.contains(key)) return out;
  if (!j[key].is_object()) {
    errors.push_back(fmt::format("{}: '{}' must be an object of register -> number", ctx, key));
    return out;
  }
  for (const auto& [k, v] : j[key].items()) {
    int reg = -1;
    if (k.size() == 1 && k[0] >= '0' && k[0] <= '7') reg = k[0] - '0';
    if (reg < 0 || !v.is_number_unsigned()) {
      errors.push_back(fmt::format("{}: '{}' needs registers \"0\"..\"7\" with unsigned numbers", ctx, key));
      continue;
    }
    out[reg] = v.get<std::uint64_t>();
  }
  return out;
}

}  // namespace

std::string_view to_string(Kind k) {
  for (const auto& n : kKinds)
    if (n.kind == k) return n.name;
  return "?";
}

bool is_code_kind(Kind k) {
  switch (k) {
    case Kind::Permission:
    case Kind::SdkCategory:
    case Kind::SdkId:
    case Kind::Entitlement:
      return false;
    default:
      return true;
  }
}

bool looks_like_key(std::string_view s) {
  if (s.size() < 16 || s.size() > 64) return false;
  // One pass builds the histogram; every rejection below reads it (this runs on every string
  // of every DEX, ELF and Mach-O when a keylike rule exists, so no second pass per character).
  std::array<std::uint8_t, 128> freq{};  // s.size() <= 64 fits a byte
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;  // spaces and non-ASCII: text, not a key
    ++freq[c];
  }
  // Names, paths, URLs and format strings carry these; keys rarely do.
  if (freq['%'] || s.find("://") != std::string_view::npos) return false;
  for (unsigned char c : {'.', '/', '_', '-', ':', '$', '<', '(', ';', ',', '['})
    if (freq[c] >= 2) return false;
  int lower = 0, upper = 0, digit = 0;
  for (int c = 'a'; c <= 'z'; ++c) lower += freq[static_cast<std::size_t>(c)];
  for (int c = 'A'; c <= 'Z'; ++c) upper += freq[static_cast<std::size_t>(c)];
  for (int c = '0'; c <= '9'; ++c) digit += freq[static_cast<std::size_t>(c)];
  const int other = static_cast<int>(s.size()) - lower - upper - digit;
  int classes = (lower > 0) + (upper > 0) + (digit > 0) + (other > 0);
  if (classes < 2 && !(digit > 0 && lower + upper == 0)) return false;  // all-lowercase words, not keys
  // Shannon entropy in bits per character; a random 16-character key over base64 scores ~3.8,
  // an English identifier below 3.3.
  double h = 0;
  for (int f : freq)
    if (f) {
      double p = static_cast<double>(f) / static_cast<double>(s.size());
      h -= p * std::log2(p);
    }
  double need = s.size() >= 32 ? 4.0 : 3.4;
  // camelCase identifiers ("mContentDescriptionText") have letters only and low digit counts.
  if (digit == 0 && other == 0) need += 0.4;
  return h >= need;
}

std::string mask_secret(std::string_view s) {
  if (s.size() <= 8) return fmt::format("*** ({} chars)", s.size());
  return fmt::format("{}...{} ({} chars)", s.substr(0, 4), s.substr(s.size() - 2), s.size());
}

Catalogue::Catalogue() = default;
Catalogue::Catalogue(Catalogue&&) noexcept = default;
Catalogue& Catalogue::operator=(Catalogue&&) noexcept = default;
Catalogue::~Catalogue() = default;

std::optional<Catalogue> Catalogue::load(const std::filesystem::path& file, std::vector<std::string>& errors) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors.push_back(fmt::format("{}: cannot read", file.string()));
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto c = parse(ss.str(), errors);
  for (auto& e : errors) e = file.filename().string() + ": " + e;
  return c;
}

std::optional<Catalogue> Catalogue::parse(std::string_view text, std::vector<std::string>& errors) {
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    errors.push_back("not a JSON object");
    return std::nullopt;
  }
  Catalogue c;
  const std::size_t errors_before = errors.size();
  check_keys(doc, {"version", "description", "checks"}, "catalogue", errors);
  c.version_ = string_of(doc, "version", "catalogue", errors);
  if (!doc.contains("checks") || !doc["checks"].is_array()) {
    errors.push_back("'checks' must be an array");
    return std::nullopt;
  }
  std::set<std::string> ids;
  std::map<std::string, std::uint32_t> primitive_ids;  // dedupe identical primitives
  auto add_primitive = [&](const json& j, const std::string& ctx, bool allow_extra) -> std::optional<std::uint32_t> {
    if (!j.is_object()) {
      errors.push_back(fmt::format("{}: an indicator must be an object", ctx));
      return std::nullopt;
    }
    if (allow_extra)
      check_keys(j, {"kind", "value", "match", "args", "arg_bits", "mask", "with", "without", "detail", "confidence",
                     "severity"},
                 ctx, errors);
    else
      check_keys(j, {"kind", "value", "match", "args", "arg_bits", "mask"}, ctx, errors);
    Primitive p;
    std::string kind = string_of(j, "kind", ctx, errors);
    if (!parse_kind(kind, p.kind)) {
      errors.push_back(fmt::format("{}: unknown kind '{}'", ctx, kind));
      return std::nullopt;
    }
    p.value = string_of(j, "value", ctx, errors, false);
    std::string match = string_of(j, "match", ctx, errors, false);
    if (match.empty() || match == "exact") p.match = StringMatch::Exact;
    else if (match == "regex") p.match = StringMatch::Regex;
    else if (match == "search") p.match = StringMatch::Search;
    else if (match == "keylike") p.match = StringMatch::Keylike;
    else errors.push_back(fmt::format("{}: unknown match '{}'", ctx, match));
    if (p.match != StringMatch::Exact && !is_string_kind(p.kind))
      errors.push_back(fmt::format("{}: '{}' matching applies to string kinds only", ctx, match));
    if (p.match != StringMatch::Keylike && p.value.empty())
      errors.push_back(fmt::format("{}: missing 'value'", ctx));
    if (p.match == StringMatch::Regex || p.match == StringMatch::Search) {
      RE2 re(p.value, RE2::Quiet);
      if (!re.ok()) errors.push_back(fmt::format("{}: bad regex '{}': {}", ctx, p.value, re.error()));
    }
    p.args = arg_map(j, "args", ctx, errors);
    p.arg_bits = arg_map(j, "arg_bits", ctx, errors);
    if ((!p.args.empty() || !p.arg_bits.empty()) && !is_call_kind(p.kind))
      errors.push_back(fmt::format("{}: 'args' apply to call kinds only", ctx));
    if (j.contains("mask")) p.mask = j["mask"].is_boolean() && j["mask"].get<bool>();
    std::string key = fmt::format("{}\x1f{}\x1f{}\x1f{}", kind, p.value, static_cast<int>(p.match), p.mask);
    for (auto [r, v] : p.args) key += fmt::format("\x1f{}={}", r, v);
    for (auto [r, v] : p.arg_bits) key += fmt::format("\x1f{}&{}", r, v);
    auto [it, fresh] = primitive_ids.emplace(key, static_cast<std::uint32_t>(c.primitives_.size()));
    if (fresh) c.primitives_.push_back(std::move(p));
    return it->second;
  };

  for (const auto& j : doc["checks"]) {
    const std::string ctx0 = j.is_object() && j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>()
                                                                                        : std::string("check");
    if (!j.is_object()) {
      errors.push_back("a check must be an object");
      continue;
    }
    check_keys(j, {"id", "title", "category", "platform", "severity", "confidence", "description", "remediation", "cwe",
                   "masvs", "references", "builtin", "indicators"},
               ctx0, errors);
    CheckDef d;
    auto& i = d.info;
    i.id = string_of(j, "id", ctx0, errors);
    i.title = string_of(j, "title", ctx0, errors);
    i.category = string_of(j, "category", ctx0, errors);
    i.platform = string_of(j, "platform", ctx0, errors);
    i.severity = string_of(j, "severity", ctx0, errors);
    i.confidence = string_of(j, "confidence", ctx0, errors);
    i.description = string_of(j, "description", ctx0, errors);
    i.remediation = string_of(j, "remediation", ctx0, errors);
    i.cwe = strings_of(j, "cwe", ctx0, errors);
    i.masvs = strings_of(j, "masvs", ctx0, errors);
    i.references = strings_of(j, "references", ctx0, errors);
    d.builtin = j.value("builtin", false);
    if (!ids.insert(i.id).second) errors.push_back(fmt::format("{}: duplicate check id", ctx0));
    if (i.id.find('.') == std::string::npos || i.id.find_first_of(" /") != std::string::npos)
      errors.push_back(fmt::format("{}: ids are dotted lowercase names (platform.category.name)", ctx0));
    if (!kCheckCategories.count(i.category)) errors.push_back(fmt::format("{}: unknown category '{}'", ctx0, i.category));
    if (!kPlatforms.count(i.platform)) errors.push_back(fmt::format("{}: unknown platform '{}'", ctx0, i.platform));
    if (!kSeverities.count(i.severity)) errors.push_back(fmt::format("{}: unknown severity '{}'", ctx0, i.severity));
    if (!kConfidences.count(i.confidence))
      errors.push_back(fmt::format("{}: unknown confidence '{}'", ctx0, i.confidence));
    for (const auto& w : i.cwe)
      if (w.rfind("CWE-", 0) != 0) errors.push_back(fmt::format("{}: cwe '{}' is not CWE-<n>", ctx0, w));
    for (const auto& m : i.masvs)
      if (m.rfind("MASVS-", 0) != 0) errors.push_back(fmt::format("{}: masvs '{}' is not MASVS-<GROUP>-<n>", ctx0, m));
    if (i.cwe.empty() && i.masvs.empty()) errors.push_back(fmt::format("{}: give a CWE or MASVS reference", ctx0));
    if (j.contains("indicators")) {
      if (!j["indicators"].is_array()) {
        errors.push_back(fmt::format("{}: 'indicators' must be an array", ctx0));
      } else {
        std::size_t n = 0;
        for (const auto& ij : j["indicators"]) {
          const std::string ctx = fmt::format("{} indicator #{}", ctx0, ++n);
          auto what = add_primitive(ij, ctx, true);
          if (!what) continue;
          Indicator ind;
          ind.what = *what;
          for (const char* key : {"with", "without"}) {
            if (!ij.contains(key)) continue;
            if (!ij[key].is_array()) {
              errors.push_back(fmt::format("{}: '{}' must be an array", ctx, key));
              continue;
            }
            for (const auto& wj : ij[key]) {
              auto p = add_primitive(wj, ctx + " " + key, false);
              if (!p) continue;
              if (!is_code_kind(c.primitives_[*p].kind) || !is_code_kind(c.primitives_[ind.what].kind))
                errors.push_back(fmt::format("{}: '{}' relates code facts in one holder; both sides must be code kinds",
                                             ctx, key));
              (std::string_view(key) == "with" ? ind.with : ind.without).push_back(*p);
            }
          }
          if (ij.contains("detail") && ij["detail"].is_string()) ind.detail = ij["detail"].get<std::string>();
          ind.confidence = string_of(ij, "confidence", ctx, errors, false);
          ind.severity = string_of(ij, "severity", ctx, errors, false);
          if (!ind.confidence.empty() && !kConfidences.count(ind.confidence))
            errors.push_back(fmt::format("{}: unknown confidence '{}'", ctx, ind.confidence));
          if (!ind.severity.empty() && !kSeverities.count(ind.severity))
            errors.push_back(fmt::format("{}: unknown severity '{}'", ctx, ind.severity));
          d.indicators.push_back(std::move(ind));
        }
      }
    }
    if (!d.builtin && d.indicators.empty())
      errors.push_back(fmt::format("{}: a check that is not builtin needs indicators", ctx0));
    c.checks_.push_back(std::move(d));
  }
  std::sort(c.checks_.begin(), c.checks_.end(),
            [](const CheckDef& a, const CheckDef& b) { return a.info.id < b.info.id; });
  if (!c.compile(errors) || errors.size() != errors_before) return std::nullopt;
  return c;
}

bool Catalogue::compile(std::vector<std::string>& errors) {
  for (std::uint32_t id = 0; id < primitives_.size(); ++id) {
    const auto& p = primitives_[id];
    if (is_string_kind(p.kind)) {
      auto& rules = strings_[p.kind];
      switch (p.match) {
        case StringMatch::Exact:
          rules.exact.add(p.value, id);
          break;
        case StringMatch::Regex:
          rules.full_ids.push_back(id);
          break;
        case StringMatch::Search:
          rules.search_ids.push_back(id);
          break;
        case StringMatch::Keylike:
          rules.keylike.push_back(id);
          break;
      }
    } else {
      exact_[static_cast<int>(p.kind)].add(p.value, id);
    }
  }
  RE2::Options opts;
  opts.set_log_errors(false);
  for (auto& [kind, rules] : strings_) {
    auto build = [&](RE2::Anchor anchor, const std::vector<std::uint32_t>& ids, std::unique_ptr<RE2::Set>& out) {
      if (ids.empty()) return true;
      out = std::make_unique<RE2::Set>(opts, anchor);
      for (auto id : ids) {
        std::string err;
        if (out->Add(primitives_[id].value, &err) < 0) {
          errors.push_back(fmt::format("regex '{}': {}", primitives_[id].value, err));
          return false;
        }
      }
      if (!out->Compile()) {
        errors.push_back("regex set does not compile (too large)");
        return false;
      }
      return true;
    };
    if (!build(RE2::ANCHOR_BOTH, rules.full_ids, rules.set_full)) return false;
    if (!build(RE2::UNANCHORED, rules.search_ids, rules.set_search)) return false;
  }
  return true;
}

const CheckDef* Catalogue::find(std::string_view id) const {
  auto it = std::lower_bound(checks_.begin(), checks_.end(), id,
                             [](const CheckDef& d, std::string_view v) { return d.info.id < v; });
  return it != checks_.end() && it->info.id == id ? &*it : nullptr;
}

void Catalogue::ExactSet::add(const std::string& v, std::uint32_t id) {
  map_[v].push_back(id);
  lens_.set(std::min<std::size_t>(v.size(), kLongLen));
  if (!v.empty()) {
    first_.set(static_cast<unsigned char>(v.front()));
    last_.set(static_cast<unsigned char>(v.back()));
  }
}

std::vector<std::string> Catalogue::ExactSet::keys() const {
  std::vector<std::string> out;
  out.reserve(map_.size());
  for (const auto& [k, ids] : map_) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

const std::vector<std::uint32_t>* Catalogue::exact(Kind kind, std::string_view v) const {
  return exact_[static_cast<int>(kind)].find(v);
}

bool Catalogue::has_string_rules(Kind kind) const {
  return strings_.count(kind) > 0 || strings_.count(Kind::AnyString) > 0;
}

void Catalogue::match_string(Kind kind, std::string_view s, std::vector<std::uint32_t>& out) const {
  auto run = [&](const StringRules& rules) {
    if (const auto* ids = rules.exact.find(s)) out.insert(out.end(), ids->begin(), ids->end());
    std::vector<int> hits;
    if (rules.set_full && rules.set_full->Match(s, &hits))
      for (int h : hits) out.push_back(rules.full_ids[static_cast<std::size_t>(h)]);
    hits.clear();
    if (rules.set_search && rules.set_search->Match(s, &hits))
      for (int h : hits) out.push_back(rules.search_ids[static_cast<std::size_t>(h)]);
    if (!rules.keylike.empty() && looks_like_key(s)) out.insert(out.end(), rules.keylike.begin(), rules.keylike.end());
  };
  if (auto it = strings_.find(kind); it != strings_.end()) run(it->second);
  if (kind != Kind::AnyString)
    if (auto it = strings_.find(Kind::AnyString); it != strings_.end()) run(it->second);
}

std::vector<std::string> Catalogue::callees(Kind kind) const { return exact_[static_cast<int>(kind)].keys(); }

bool Catalogue::call_matches(std::uint32_t p, const std::array<std::optional<std::uint64_t>, 8>& args) const {
  const auto& prim = primitives_[p];
  for (auto [reg, v] : prim.args)
    if (!args[static_cast<std::size_t>(reg)] || *args[static_cast<std::size_t>(reg)] != v) return false;
  for (auto [reg, bits] : prim.arg_bits)
    if (!args[static_cast<std::size_t>(reg)] || (*args[static_cast<std::size_t>(reg)] & bits) != bits) return false;
  return true;
}

}  // namespace sdkscope::checks
