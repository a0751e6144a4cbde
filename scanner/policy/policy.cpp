#include "scanner/policy/policy.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace sdkscope::policy {

using nlohmann::json;

namespace {

const std::vector<std::string> kSeverities = {"critical", "high", "medium", "low", "info"};

int severity_rank(std::string_view s) {
  for (std::size_t i = 0; i < kSeverities.size(); ++i)
    if (kSeverities[i] == s) return static_cast<int>(kSeverities.size() - 1 - i);
  return -1;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

bool valid_date(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  int month = std::stoi(d.substr(5, 2)), day = std::stoi(d.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

struct RuleDoc {
  const char* id;
  const char* title;
  const char* description;
};
// What each rule reports; `policy_rule_catalogue` turns these into CheckInfo for SARIF rules.
constexpr RuleDoc kRules[] = {
    {"policy.deny_vendor_country", "SDK vendor in a denied country",
     "The policy denies SDKs whose vendor is headquartered, or keeps data, in one of the listed countries."},
    {"policy.deny_vendor", "SDK of a denied vendor", "The policy denies SDKs of the listed vendors (or their subsidiaries)."},
    {"policy.deny_sdk", "Denied SDK", "The policy denies the listed SDKs."},
    {"policy.deny_category", "SDK of a denied category",
     "The policy denies SDKs of the listed categories (for example advertising or fingerprinting)."},
    {"policy.max_severity", "Finding above the allowed severity",
     "A check found a problem more severe than the policy's max_severity allows."},
    {"policy.deny_check", "Denied check fired", "The policy denies any finding of the listed checks."},
    {"policy.deny_cleartext", "Cleartext traffic", "The policy denies cleartext (http://, ws://) traffic the app allows."},
    {"policy.require_privacy_manifest", "No privacy manifest",
     "The policy requires the app to ship its own PrivacyInfo.xcprivacy."},
    {"policy.max_dangerous_permissions", "Too many dangerous permissions",
     "The app requests more runtime (dangerous) permissions than the policy allows."},
    {"policy.deny_permission", "Denied permission", "The app requests a permission the policy denies."},
    {"policy.data_residency", "Data leaves the allowed countries",
     "A third party's data flow has a destination outside the countries the policy allows (data residency)."},
    {"policy.deny_destination_country", "Data goes to a denied country",
     "A third party's data flow has a destination in a country the policy denies."},
    {"policy.deny_cross_border", "Cross-border data flow",
     "A third party's data flow leaves the scan's home jurisdiction; the policy denies cross-border transfers."},
    {"policy.expired_waiver", "Expired allowlist entry",
     "An allowlist entry of the policy has expired and no longer waives anything; renew or remove it."},
};

const RuleDoc& rule(std::string_view id) {
  for (const auto& r : kRules)
    if (id == r.id) return r;
  return kRules[0];
}

// What a violation is about, for allowlist matching.
struct Subject {
  std::string sdk, vendor, permission, domain, country;
  std::vector<std::string> checks;  // the policy rule id, and the check id for finding-based rules
};

class Gate {
 public:
  Gate(const Policy& p, const EvalContext& ctx, ScanResult& r) : p_(p), ctx_(ctx), r_(r) {
    used_.resize(p.allow.size());
    for (std::size_t i = 0; i < p.allow.size(); ++i)
      expired_.push_back(!p.allow[i].expires.empty() && !ctx.today.empty() && p.allow[i].expires < ctx.today);
  }

  void violate(const std::string& rule_id, Subject s, std::string message, FindingLocation ev,
               std::vector<std::string> sdks = {}) {
    s.checks.insert(s.checks.begin(), rule_id);
    Finding f;
    f.check = rule_id;
    f.title = rule(rule_id).title;
    f.category = "policy";
    f.severity = p_.severity;
    f.confidence = "high";
    f.message = std::move(message);
    if (sdks.empty() && !s.sdk.empty()) sdks.push_back(s.sdk);
    std::sort(sdks.begin(), sdks.end());
    sdks.erase(std::unique(sdks.begin(), sdks.end()), sdks.end());
    f.sdks = std::move(sdks);
    f.evidence.push_back(std::move(ev));
    f.evidence_total = 1;
    if (auto w = waiver(s)) {
      f.waived = true;
      f.waiver = p_.allow[*w].justification;
      ++used_[*w];
    } else {
      ++violations_;
    }
    out_.push_back(std::move(f));
    fired_.insert(rule_id);
  }

  void finish() {
    for (std::size_t i = 0; i < p_.allow.size(); ++i) {
      const auto& a = p_.allow[i];
      PolicyVerdict::Waiver w;
      w.rule = describe(a);
      w.justification = a.justification;
      w.expires = a.expires;
      w.expired = expired_[i];
      w.used = used_[i];
      r_.policy.waivers.push_back(std::move(w));
      if (expired_[i]) {
        Finding f;
        f.check = "policy.expired_waiver";
        f.title = rule(f.check).title;
        f.category = "policy";
        f.severity = "info";
        f.confidence = "high";
        f.message = fmt::format("Allowlist entry {} expired on {}: \"{}\".", describe(a), a.expires, a.justification);
        f.evidence.push_back({p_.path, describe(a), "expires " + a.expires, a.sdk});
        f.evidence_total = 1;
        fired_.insert(f.check);
        out_.push_back(std::move(f));
      }
    }
    // Mark the check findings an allowlist entry names, so readers see they were accepted.
    for (auto& f : r_.findings)
      for (std::size_t i = 0; i < p_.allow.size(); ++i) {
        const auto& a = p_.allow[i];
        if (expired_[i] || a.check != f.check || !a.sdk.empty() || !a.vendor.empty()) continue;
        f.waived = true;
        f.waiver = a.justification;
      }
    for (auto& f : out_) r_.findings.push_back(std::move(f));
    std::stable_sort(r_.findings.begin(), r_.findings.end(), [](const Finding& a, const Finding& b) {
      int sa = severity_rank(a.severity), sb = severity_rank(b.severity);
      return sa != sb ? sa > sb : a.check < b.check;
    });
    for (const auto& c : policy_rule_catalogue())
      if (fired_.count(c.id) || c.id != "policy.expired_waiver") r_.checks.push_back(c);
    std::sort(r_.checks.begin(), r_.checks.end(), [](const CheckInfo& a, const CheckInfo& b) { return a.id < b.id; });
    r_.policy.evaluated = true;
    r_.policy.name = p_.name;
    r_.policy.path = p_.path;
    r_.policy.violations = violations_;
    r_.policy.passed = violations_ == 0;
  }

 private:
  std::optional<std::size_t> waiver(const Subject& s) const {
    for (std::size_t i = 0; i < p_.allow.size(); ++i) {
      const auto& a = p_.allow[i];
      if (expired_[i]) continue;
      bool any = false, ok = true;
      auto field = [&](const std::string& want, const std::string& have) {
        if (want.empty()) return;
        any = true;
        ok = ok && lower(want) == lower(have);
      };
      field(a.sdk, s.sdk);
      field(a.vendor, s.vendor);
      field(a.permission, s.permission);
      field(a.domain, s.domain);
      field(a.country, s.country);
      if (!a.check.empty()) {
        any = true;
        ok = ok && std::find(s.checks.begin(), s.checks.end(), a.check) != s.checks.end();
      }
      if (any && ok) return i;
    }
    return std::nullopt;
  }

  static std::string describe(const Allow& a) {
    std::vector<std::string> parts;
    for (auto [k, v] : {std::pair<const char*, const std::string*>{"sdk", &a.sdk}, {"vendor", &a.vendor},
                        {"check", &a.check}, {"permission", &a.permission}, {"domain", &a.domain},
                        {"country", &a.country}})
      if (!v->empty()) parts.push_back(fmt::format("{}:{}", k, *v));
    return fmt::format("{}", fmt::join(parts, " "));
  }

  const Policy& p_;
  const EvalContext& ctx_;
  ScanResult& r_;
  std::vector<Finding> out_;
  std::vector<std::size_t> used_;
  std::vector<bool> expired_;
  std::size_t violations_ = 0;
  std::set<std::string> fired_;
};

std::set<std::string> expand_all(const EvalContext& ctx, const std::vector<std::string>& codes) {
  std::set<std::string> out;
  for (const auto& c : codes) {
    if (ctx.expand)
      for (auto& m : ctx.expand(c)) out.insert(m);
    out.insert(c);
  }
  return out;
}

std::string sdk_location(const SdkFinding& s) {
  return s.evidence.locations.empty() ? std::string() : s.evidence.locations.front();
}

}  // namespace

std::vector<CheckInfo> policy_rule_catalogue() {
  std::vector<CheckInfo> out;
  for (const auto& r : kRules) {
    CheckInfo c;
    c.id = r.id;
    c.title = r.title;
    c.category = "policy";
    c.platform = "any";
    c.severity = std::string_view(r.id) == "policy.expired_waiver" ? "info" : "high";
    c.confidence = "high";
    c.description = r.description;
    c.remediation = "Remove the cause, or add an allowlist entry with a written justification (and an expiry date) to the policy.";
    out.push_back(std::move(c));
  }
  return out;
}

std::string today_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[11];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::optional<Policy> load_policy(const std::filesystem::path& file, std::vector<std::string>& errors) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors.push_back(fmt::format("{}: cannot read", file.string()));
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_policy(ss.str(), file.string(), errors);
}

std::optional<Policy> parse_policy(std::string_view text, const std::string& path, std::vector<std::string>& errors) {
  const std::size_t before = errors.size();
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    errors.push_back(fmt::format("{}: not a JSON object", path));
    return std::nullopt;
  }
  Policy p;
  p.path = path;
  auto err = [&](const std::string& m) { errors.push_back(fmt::format("{}: {}", path, m)); };
  auto str = [&](const json& o, const char* key, std::string& out) {
    if (!o.contains(key)) return;
    if (o[key].is_string()) out = o[key].get<std::string>();
    else err(fmt::format("'{}' must be a string", key));
  };
  auto strs = [&](const json& o, const char* key, std::vector<std::string>& out) {
    if (!o.contains(key)) return;
    if (!o[key].is_array()) return err(fmt::format("'{}' must be an array of strings", key));
    for (const auto& v : o[key]) {
      if (v.is_string()) out.push_back(v.get<std::string>());
      else err(fmt::format("'{}' must hold strings", key));
    }
  };
  auto boolean = [&](const json& o, const char* key, bool& out) {
    if (!o.contains(key)) return;
    if (o[key].is_boolean()) out = o[key].get<bool>();
    else err(fmt::format("'{}' must be true or false", key));
  };
  for (const auto& [k, v] : j.items())
    if (k != "schema" && k != "name" && k != "description" && k != "severity" && k != "rules" && k != "allow")
      err(fmt::format("unknown key '{}'", k));
  std::string schema;
  str(j, "schema", schema);
  if (schema != kPolicySchema) err(fmt::format("'schema' must be \"{}\"", kPolicySchema));
  str(j, "name", p.name);
  if (p.name.empty()) err("'name' is required");
  str(j, "description", p.description);
  str(j, "severity", p.severity);
  if (severity_rank(p.severity) < 0) err(fmt::format("unknown severity '{}'", p.severity));
  if (j.contains("rules")) {
    const auto& r = j["rules"];
    if (!r.is_object()) {
      err("'rules' must be an object");
    } else {
      static const std::set<std::string> kKeys = {
          "deny_vendor_countries", "deny_vendors",   "deny_sdks",       "deny_categories",
          "max_severity",          "deny_checks",    "deny_cleartext",  "require_privacy_manifest",
          "max_dangerous_permissions", "deny_permissions", "allowed_destination_countries",
          "deny_destination_countries", "deny_cross_border"};
      for (const auto& [k, v] : r.items())
        if (!kKeys.count(k)) err(fmt::format("unknown rule '{}'", k));
      strs(r, "deny_vendor_countries", p.deny_vendor_countries);
      strs(r, "deny_vendors", p.deny_vendors);
      strs(r, "deny_sdks", p.deny_sdks);
      strs(r, "deny_categories", p.deny_categories);
      str(r, "max_severity", p.max_severity);
      if (!p.max_severity.empty() && severity_rank(p.max_severity) < 0)
        err(fmt::format("unknown max_severity '{}'", p.max_severity));
      strs(r, "deny_checks", p.deny_checks);
      boolean(r, "deny_cleartext", p.deny_cleartext);
      boolean(r, "require_privacy_manifest", p.require_privacy_manifest);
      if (r.contains("max_dangerous_permissions")) {
        if (r["max_dangerous_permissions"].is_number_unsigned())
          p.max_dangerous_permissions = r["max_dangerous_permissions"].get<int>();
        else err("'max_dangerous_permissions' must be a non-negative integer");
      }
      strs(r, "deny_permissions", p.deny_permissions);
      strs(r, "allowed_destination_countries", p.allowed_destination_countries);
      strs(r, "deny_destination_countries", p.deny_destination_countries);
      boolean(r, "deny_cross_border", p.deny_cross_border);
      for (auto* list : {&p.deny_vendor_countries, &p.allowed_destination_countries, &p.deny_destination_countries})
        for (auto& c : *list) {
          for (auto& ch : c) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
          if (c.size() < 2 || c.size() > 3) err(fmt::format("'{}' is not an ISO country code or EU / EEA", c));
        }
    }
  }
  if (j.contains("allow")) {
    if (!j["allow"].is_array()) {
      err("'allow' must be an array");
    } else {
      std::size_t n = 0;
      for (const auto& a : j["allow"]) {
        ++n;
        if (!a.is_object()) {
          err(fmt::format("allow #{} must be an object", n));
          continue;
        }
        Allow e;
        for (const auto& [k, v] : a.items())
          if (k != "sdk" && k != "vendor" && k != "check" && k != "permission" && k != "domain" && k != "country" &&
              k != "justification" && k != "expires")
            err(fmt::format("allow #{}: unknown key '{}'", n, k));
        str(a, "sdk", e.sdk);
        str(a, "vendor", e.vendor);
        str(a, "check", e.check);
        str(a, "permission", e.permission);
        str(a, "domain", e.domain);
        str(a, "country", e.country);
        str(a, "justification", e.justification);
        str(a, "expires", e.expires);
        if (e.sdk.empty() && e.vendor.empty() && e.check.empty() && e.permission.empty() && e.domain.empty() &&
            e.country.empty())
          err(fmt::format("allow #{} names nothing to allow (sdk, vendor, check, permission, domain or country)", n));
        if (e.justification.find_first_not_of(" \t\n") == std::string::npos)
          err(fmt::format("allow #{} needs a written justification", n));
        if (!e.expires.empty() && !valid_date(e.expires))
          err(fmt::format("allow #{}: expires '{}' is not YYYY-MM-DD", n, e.expires));
        p.allow.push_back(std::move(e));
      }
    }
  }
  if (errors.size() != before) return std::nullopt;
  return p;
}

void apply_policy(const Policy& p, const EvalContext& ctx, ScanResult& r) {
  Gate g(p, ctx, r);
  const auto vendor_countries = expand_all(ctx, p.deny_vendor_countries);
  std::set<std::string> deny_vendors;
  for (const auto& v : p.deny_vendors) deny_vendors.insert(lower(v));

  for (const auto& s : r.sdks) {
    Subject subj{s.id, s.vendor.id, "", "", s.vendor.country, {}};
    const std::string who = fmt::format("{} ({})", s.name, s.id);
    for (const auto& c : {s.vendor.country, s.vendor.data_jurisdiction}) {
      if (c.empty() || !vendor_countries.count(c)) continue;
      subj.country = c;
      g.violate("policy.deny_vendor_country", subj,
                fmt::format("{} is made by {}, {} {}; the policy denies vendors in {}.", who, s.vendor.name,
                            c == s.vendor.country ? "headquartered in" : "keeping data in", c, c),
                {sdk_location(s), s.id, fmt::format("vendor {} ({})", s.vendor.name, c), s.id});
      break;
    }
    bool vendor_denied = deny_vendors.count(lower(s.vendor.id)) > 0;
    std::string via;
    for (const auto& parent : s.vendor.chain)
      if (!vendor_denied && deny_vendors.count(lower(parent))) {
        vendor_denied = true;
        via = parent;
      }
    if (vendor_denied)
      g.violate("policy.deny_vendor", {s.id, s.vendor.id, "", "", "", {}},
                fmt::format("{} is made by {}{}; the policy denies this vendor.", who, s.vendor.name,
                            via.empty() ? "" : " (part of " + via + ")"),
                {sdk_location(s), s.id, "vendor " + s.vendor.name, s.id});
    if (std::find(p.deny_sdks.begin(), p.deny_sdks.end(), s.id) != p.deny_sdks.end())
      g.violate("policy.deny_sdk", {s.id, s.vendor.id, "", "", "", {}}, fmt::format("{} is denied by the policy.", who),
                {sdk_location(s), s.id, "SDK " + s.name, s.id});
    for (const auto& c : s.categories)
      if (std::find(p.deny_categories.begin(), p.deny_categories.end(), c) != p.deny_categories.end())
        g.violate("policy.deny_category", {s.id, s.vendor.id, "", "", "", {}},
                  fmt::format("{} is a {} SDK; the policy denies that category.", who, c),
                  {sdk_location(s), s.id, "category " + c, s.id});
  }

  // Findings of the checks (taken before the policy adds its own).
  const std::vector<Finding> findings = r.findings;
  for (const auto& f : findings) {
    Subject subj{f.sdks.size() == 1 ? f.sdks.front() : "", "", "", "", "", {f.check}};
    FindingLocation ev = f.evidence.empty() ? FindingLocation{} : f.evidence.front();
    ev.detail = fmt::format("{} ({}): {}", f.check, f.severity, ev.detail);
    if (!p.max_severity.empty() && severity_rank(f.severity) > severity_rank(p.max_severity))
      g.violate("policy.max_severity", subj,
                fmt::format("{} is {}; the policy allows findings up to {}.", f.title, f.severity, p.max_severity), ev,
                f.sdks);
    if (std::find(p.deny_checks.begin(), p.deny_checks.end(), f.check) != p.deny_checks.end())
      g.violate("policy.deny_check", subj, fmt::format("{}: the policy denies this check.", f.title), ev, f.sdks);
  }

  if (p.deny_cleartext) {
    if (r.cleartext_policy.known && r.cleartext_policy.default_allowed)
      g.violate("policy.deny_cleartext", {"", "", "", "*", "", {}},
                fmt::format("The app allows cleartext traffic to every host ({}).", r.cleartext_policy.source),
                {"", "cleartext_policy", r.cleartext_policy.source, ""});
    for (const auto& e : r.endpoints)
      if (e.cleartext && e.cleartext_allowed.value_or(true))
        g.violate("policy.deny_cleartext", {e.sdk, e.owner_id, "", e.host, "", {}},
                  fmt::format("{} is reached over cleartext ({}).", e.host, e.url.empty() ? e.scheme : e.url),
                  {e.sources.empty() ? std::string() : e.sources.front().location, e.host,
                   e.sources.empty() ? e.url : "held by " + e.sources.front().holder, e.sdk});
  }

  if (p.require_privacy_manifest && r.app.platform == "ios") {
    bool own = std::any_of(r.ios.privacy_manifests.begin(), r.ios.privacy_manifests.end(),
                           [](const PrivacyManifestInfo& m) { return m.owner == "app"; });
    if (!own)
      g.violate("policy.require_privacy_manifest", {}, "The app ships no PrivacyInfo.xcprivacy of its own.",
                {"", r.app.id, "no PrivacyInfo.xcprivacy in the app bundle", ""});
  }

  std::vector<const PermissionInfo*> dangerous;
  for (const auto& perm : r.permissions) {
    if (perm.protection == "dangerous") dangerous.push_back(&perm);
    if (std::find(p.deny_permissions.begin(), p.deny_permissions.end(), perm.name) != p.deny_permissions.end())
      g.violate("policy.deny_permission", {"", "", perm.name, "", "", {}},
                fmt::format("The app requests {}, which the policy denies.", perm.name),
                {perm.sources.empty() ? std::string() : perm.sources.front(), perm.name, "requested", ""}, perm.sdks);
  }
  if (p.max_dangerous_permissions && dangerous.size() > static_cast<std::size_t>(*p.max_dangerous_permissions)) {
    std::vector<std::string> names;
    for (const auto* d : dangerous) names.push_back(d->name);
    g.violate("policy.max_dangerous_permissions", {"", "", "", "", "", {}},
              fmt::format("The app requests {} dangerous permissions; the policy allows {}.", dangerous.size(),
                          *p.max_dangerous_permissions),
              {"", "permissions", fmt::format("{}", fmt::join(names, ", ")), ""});
  }

  const auto allowed = expand_all(ctx, p.allowed_destination_countries);
  const auto denied = expand_all(ctx, p.deny_destination_countries);
  for (const auto& fl : r.data_flows) {
    for (const auto& dest : fl.destinations) {
      Subject subj{fl.sdks.size() == 1 ? fl.sdks.front() : "", fl.vendor.id, "", "", dest, {}};
      FindingLocation ev{"", fl.vendor.id, fmt::format("{} -> {} ({})", fl.vendor.name, dest, fmt::join(fl.data, ", ")),
                         fl.sdks.size() == 1 ? fl.sdks.front() : ""};
      if (!p.allowed_destination_countries.empty() && !allowed.count(dest))
        g.violate("policy.data_residency", subj,
                  fmt::format("{} SDKs ({}) can send data to {}, outside the allowed countries.", fl.vendor.name,
                              fmt::join(fl.sdks, ", "), dest),
                  ev, fl.sdks);
      if (denied.count(dest))
        g.violate("policy.deny_destination_country", subj,
                  fmt::format("{} SDKs ({}) can send data to {}, which the policy denies.", fl.vendor.name,
                              fmt::join(fl.sdks, ", "), dest),
                  ev, fl.sdks);
    }
    if (p.deny_cross_border && fl.cross_border)
      g.violate("policy.deny_cross_border", {fl.sdks.size() == 1 ? fl.sdks.front() : "", fl.vendor.id, "", "", "", {}},
                fmt::format("{} SDKs ({}) transfer data out of {} (to {}).", fl.vendor.name, fmt::join(fl.sdks, ", "),
                            r.home_jurisdiction, fmt::join(fl.destinations, ", ")),
                {"", fl.vendor.id, fl.legal_hook, ""}, fl.sdks);
  }
  g.finish();
}

}  // namespace sdkscope::policy
