// ScanDiff: set differences between two ScanResults keyed by stable identifiers (SDK id,
// permission name, host, country code, check id + first evidence item), and its three writers.
#include "reports/diff.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "reports/countries.hpp"
#include "reports/text_report.hpp"

namespace sdkscope {

namespace {

DiffSide side(const ScanResult& r) {
  return {r.input.path, r.input.sha256, r.app.id, r.app.version_name, r.app.version_code};
}

SdkChange sdk_change(const SdkFinding& s) { return {s.id, s.name, s.vendor.name, s.vendor.country, "", ""}; }

std::map<std::string, std::string> endpoint_hosts(const ScanResult& r) {
  std::map<std::string, std::string> hosts;  // host -> owner country
  for (const auto& e : r.endpoints) {
    auto& country = hosts[e.host];
    if (country.empty()) country = e.owner_country;
  }
  return hosts;
}

std::set<std::string> jurisdictions(const ScanResult& r) {
  std::set<std::string> out;
  for (const auto& f : r.data_flows) out.insert(f.destinations.begin(), f.destinations.end());
  for (const auto& e : r.endpoints)
    for (const std::string* c : {&e.owner_country, &e.tld_country, &e.geo_country})
      if (!c->empty()) out.insert(*c);
  return out;
}

std::set<std::string> vendor_countries(const ScanResult& r) {
  std::set<std::string> out;
  for (const auto& s : r.sdks)
    if (!s.vendor.country.empty()) out.insert(s.vendor.country);
  return out;
}

using FindingKey = std::tuple<std::string, std::string, std::string, std::string>;

std::map<FindingKey, const Finding*> finding_keys(const ScanResult& r) {
  std::map<FindingKey, const Finding*> out;
  for (const auto& f : r.findings) {
    FindingLocation first = f.evidence.empty() ? FindingLocation{} : f.evidence.front();
    out.emplace(FindingKey{f.check, first.artifact, first.logical, first.detail}, &f);
  }
  return out;
}

FindingChange finding_change(const Finding& f) {
  return {f.check, f.severity, f.title, f.message, f.evidence.empty() ? FindingLocation{} : f.evidence.front(), f.waived};
}

int severity_rank(std::string_view s) {
  static constexpr std::array<std::string_view, 5> kOrder{"critical", "high", "medium", "low", "info"};
  for (std::size_t i = 0; i < kOrder.size(); ++i)
    if (kOrder[i] == s) return static_cast<int>(i);
  return static_cast<int>(kOrder.size());
}

bool high_or_critical(const FindingChange& f) { return f.severity == "critical" || f.severity == "high"; }

// Elements of `a` not in `b`, in order.
std::vector<std::string> minus(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

template <typename Map, typename Make>
void added_removed(const Map& old_map, const Map& new_map, Make make, auto& added, auto& removed) {
  for (const auto& [k, v] : new_map)
    if (!old_map.count(k)) added.push_back(make(k, v));
  for (const auto& [k, v] : old_map)
    if (!new_map.count(k)) removed.push_back(make(k, v));
}

constexpr std::array<std::pair<DiffCondition, std::string_view>, 7> kConditions{{
    {DiffCondition::new_sdk, "new-sdk"},
    {DiffCondition::new_country, "new-country"},
    {DiffCondition::new_permission, "new-permission"},
    {DiffCondition::new_dangerous_permission, "new-dangerous-permission"},
    {DiffCondition::new_finding, "new-finding"},
    {DiffCondition::new_high_finding, "new-high-finding"},
    {DiffCondition::new_endpoint, "new-endpoint"},
}};

std::string version_or_unknown(const std::string& v) { return v.empty() ? "?" : v; }

std::string side_label(const DiffSide& s) {
  std::string out = s.path;
  if (!s.app_id.empty()) out += "  " + s.app_id;
  if (!s.version_name.empty()) out += " " + s.version_name;
  if (s.version_code) out += fmt::format(" ({})", *s.version_code);
  return out;
}

std::string evidence_label(const FindingLocation& e) {
  std::string out = e.artifact;
  if (!e.logical.empty()) out += (out.empty() ? "" : " ") + e.logical;
  if (!e.detail.empty()) out += (out.empty() ? "" : ": ") + e.detail;
  return out;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

std::string met_names(const std::vector<DiffCondition>& met) {
  std::vector<std::string> names;
  for (auto c : met) names.emplace_back(to_string(c));
  return join(names, ", ");
}

// Pads to a display width (terminal columns).
std::string pad(const std::string& s, std::size_t width) {
  std::size_t w = display_width(s);
  return w >= width ? s + " " : s + std::string(width - w, ' ');
}

// Markdown table cells: pipes and newlines would break the row.
std::string md(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

bool ScanDiff::empty() const {
  return sdks_added.empty() && sdks_removed.empty() && sdk_versions_changed.empty() && permissions_added.empty() &&
         permissions_removed.empty() && endpoints_added.empty() && endpoints_removed.empty() && jurisdictions_added.empty() &&
         jurisdictions_removed.empty() && vendor_countries_added.empty() && vendor_countries_removed.empty() &&
         findings_new.empty() && findings_resolved.empty();
}

ScanDiff diff_results(const ScanResult& o, const ScanResult& n) {
  ScanDiff d;
  d.old_side = side(o);
  d.new_side = side(n);

  std::map<std::string, const SdkFinding*> old_sdks, new_sdks;
  for (const auto& s : o.sdks) old_sdks.emplace(s.id, &s);
  for (const auto& s : n.sdks) new_sdks.emplace(s.id, &s);
  for (const auto& [id, s] : new_sdks) {
    auto it = old_sdks.find(id);
    if (it == old_sdks.end()) {
      auto c = sdk_change(*s);
      c.new_version = s->version;
      d.sdks_added.push_back(std::move(c));
    } else if (it->second->version != s->version) {
      auto c = sdk_change(*s);
      c.old_version = it->second->version;
      c.new_version = s->version;
      d.sdk_versions_changed.push_back(std::move(c));
    }
  }
  for (const auto& [id, s] : old_sdks)
    if (!new_sdks.count(id)) {
      auto c = sdk_change(*s);
      c.old_version = s->version;
      d.sdks_removed.push_back(std::move(c));
    }

  std::map<std::string, std::string> old_perms, new_perms;
  for (const auto& p : o.permissions) old_perms.emplace(p.name, p.protection);
  for (const auto& p : n.permissions) new_perms.emplace(p.name, p.protection);
  added_removed(
      old_perms, new_perms, [](const std::string& k, const std::string& v) { return PermissionChange{k, v}; },
      d.permissions_added, d.permissions_removed);

  added_removed(
      endpoint_hosts(o), endpoint_hosts(n), [](const std::string& k, const std::string& v) { return EndpointChange{k, v}; },
      d.endpoints_added, d.endpoints_removed);

  auto oj = jurisdictions(o), nj = jurisdictions(n);
  d.jurisdictions_added = minus(nj, oj);
  d.jurisdictions_removed = minus(oj, nj);
  auto ov = vendor_countries(o), nv = vendor_countries(n);
  d.vendor_countries_added = minus(nv, ov);
  d.vendor_countries_removed = minus(ov, nv);

  added_removed(
      finding_keys(o), finding_keys(n), [](const FindingKey&, const Finding* f) { return finding_change(*f); },
      d.findings_new, d.findings_resolved);
  auto by_severity = [](const FindingChange& a, const FindingChange& b) {
    return severity_rank(a.severity) < severity_rank(b.severity);
  };
  std::stable_sort(d.findings_new.begin(), d.findings_new.end(), by_severity);
  std::stable_sort(d.findings_resolved.begin(), d.findings_resolved.end(), by_severity);
  return d;
}

bool is_dangerous_permission(std::string_view protection) {
  return protection == "dangerous" || protection == "runtime_prompt";
}

std::string_view to_string(DiffCondition c) {
  for (const auto& [cond, name] : kConditions)
    if (cond == c) return name;
  return "?";
}

std::optional<DiffCondition> parse_diff_condition(std::string_view name) {
  for (const auto& [cond, n] : kConditions)
    if (n == name) return cond;
  return std::nullopt;
}

std::vector<std::string> diff_condition_names() {
  std::vector<std::string> out;
  for (const auto& [cond, name] : kConditions) out.emplace_back(name);
  return out;
}

bool diff_meets(const ScanDiff& d, DiffCondition c) {
  auto unwaived = [](const FindingChange& f) { return !f.waived; };
  switch (c) {
    case DiffCondition::new_sdk:
      return !d.sdks_added.empty();
    case DiffCondition::new_country:
      return !d.jurisdictions_added.empty() || !d.vendor_countries_added.empty();
    case DiffCondition::new_permission:
      return !d.permissions_added.empty();
    case DiffCondition::new_dangerous_permission:
      return std::any_of(d.permissions_added.begin(), d.permissions_added.end(),
                         [](const PermissionChange& p) { return is_dangerous_permission(p.protection); });
    case DiffCondition::new_finding:
      return std::any_of(d.findings_new.begin(), d.findings_new.end(), unwaived);
    case DiffCondition::new_high_finding:
      return std::any_of(d.findings_new.begin(), d.findings_new.end(),
                         [&](const FindingChange& f) { return unwaived(f) && high_or_critical(f); });
    case DiffCondition::new_endpoint:
      return !d.endpoints_added.empty();
  }
  return false;
}

nlohmann::ordered_json diff_to_json(const ScanDiff& d, const std::vector<DiffCondition>& met) {
  using nlohmann::ordered_json;
  auto str_or_null = [](const std::string& s) { return s.empty() ? ordered_json(nullptr) : ordered_json(s); };
  auto side_json = [&](const DiffSide& s) {
    return ordered_json{{"path", s.path},
                        {"sha256", str_or_null(s.sha256)},
                        {"app_id", str_or_null(s.app_id)},
                        {"version_name", str_or_null(s.version_name)},
                        {"version_code", s.version_code ? ordered_json(*s.version_code) : ordered_json(nullptr)}};
  };
  // Added SDKs carry their new version, removed ones their old; changed ones both.
  enum class Which { added, removed, changed };
  auto sdks = [&](const std::vector<SdkChange>& v, Which which) {
    ordered_json a = ordered_json::array();
    for (const auto& s : v) {
      ordered_json j = {{"id", s.id}, {"name", s.name}, {"vendor", s.vendor}, {"country", str_or_null(s.country)}};
      if (which == Which::added) j["version"] = str_or_null(s.new_version);
      if (which == Which::removed) j["version"] = str_or_null(s.old_version);
      if (which == Which::changed) {
        j["old_version"] = str_or_null(s.old_version);
        j["new_version"] = str_or_null(s.new_version);
      }
      a.push_back(std::move(j));
    }
    return a;
  };
  auto perms = [](const std::vector<PermissionChange>& v) {
    ordered_json a = ordered_json::array();
    for (const auto& p : v)
      a.push_back({{"name", p.name}, {"protection", p.protection}, {"dangerous", is_dangerous_permission(p.protection)}});
    return a;
  };
  auto hosts = [&](const std::vector<EndpointChange>& v) {
    ordered_json a = ordered_json::array();
    for (const auto& e : v) a.push_back({{"host", e.host}, {"owner_country", str_or_null(e.owner_country)}});
    return a;
  };
  auto findings = [&](const std::vector<FindingChange>& v) {
    ordered_json a = ordered_json::array();
    for (const auto& f : v) {
      const auto& e = f.first_evidence;
      a.push_back({{"check", f.check},
                   {"severity", f.severity},
                   {"title", f.title},
                   {"message", f.message},
                   {"evidence",
                    {{"artifact", e.artifact}, {"logical", e.logical}, {"detail", e.detail}, {"sdk", str_or_null(e.sdk)}}},
                   {"waived", f.waived}});
    }
    return a;
  };
  ordered_json j;
  j["diff_version"] = kDiffSchemaVersion;
  j["old"] = side_json(d.old_side);
  j["new"] = side_json(d.new_side);
  j["changed"] = !d.empty();
  j["sdks"] = {{"added", sdks(d.sdks_added, Which::added)},
               {"removed", sdks(d.sdks_removed, Which::removed)},
               {"version_changed", sdks(d.sdk_versions_changed, Which::changed)}};
  j["permissions"] = {{"added", perms(d.permissions_added)}, {"removed", perms(d.permissions_removed)}};
  j["endpoints"] = {{"added", hosts(d.endpoints_added)}, {"removed", hosts(d.endpoints_removed)}};
  j["jurisdictions"] = {{"added", d.jurisdictions_added}, {"removed", d.jurisdictions_removed}};
  j["vendor_countries"] = {{"added", d.vendor_countries_added}, {"removed", d.vendor_countries_removed}};
  j["findings"] = {{"new", findings(d.findings_new)}, {"resolved", findings(d.findings_resolved)}};
  ordered_json met_json = ordered_json::array();
  for (auto c : met) met_json.push_back(std::string(to_string(c)));
  j["fail_on_met"] = met_json;
  return j;
}

std::string write_diff_json(const ScanDiff& d, const std::vector<DiffCondition>& met) {
  return diff_to_json(d, met).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string write_diff_text(const ScanDiff& d, const std::vector<DiffCondition>& met, bool color) {
  auto wrap = [color](std::string_view code, const std::string& s) {
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
  };
  auto plus = [&](const std::string& s) { return wrap("32", s); };
  auto minus_ = [&](const std::string& s) { return wrap("31", s); };
  std::string out;
  auto line = [&](const std::string& s) {
    auto end = s.find_last_not_of(' ');
    out.append(s, 0, end == std::string::npos ? 0 : end + 1);
    out += '\n';
  };
  line(wrap("1", "sdkscope diff"));
  line("  old  " + side_label(d.old_side));
  line("  new  " + side_label(d.new_side));
  if (d.empty()) {
    line("no changes");
  }

  if (!d.sdks_added.empty() || !d.sdks_removed.empty() || !d.sdk_versions_changed.empty()) {
    line("");
    line(wrap("1", fmt::format("SDKs: {} added, {} removed, {} version changed", d.sdks_added.size(), d.sdks_removed.size(),
                               d.sdk_versions_changed.size())));
    std::size_t w_id = 0, w_name = 0, w_vendor = 0;
    for (const auto* v : {&d.sdks_added, &d.sdks_removed, &d.sdk_versions_changed})
      for (const auto& s : *v) {
        w_id = std::max(w_id, display_width(s.id));
        w_name = std::max(w_name, display_width(s.name));
        w_vendor = std::max(w_vendor, display_width(s.vendor));
      }
    auto row = [&](char mark, const SdkChange& s, const std::string& version) {
      return fmt::format("  {} {}{}{}{}{}", mark, pad(s.id, w_id + 2), pad(s.name, w_name + 2), pad(s.vendor, w_vendor + 2),
                         pad(s.country.empty() ? "-" : s.country, 4), version);
    };
    for (const auto& s : d.sdks_added) line(plus(row('+', s, s.new_version)));
    for (const auto& s : d.sdks_removed) line(minus_(row('-', s, s.old_version)));
    for (const auto& s : d.sdk_versions_changed)
      line(row('~', s, version_or_unknown(s.old_version) + " -> " + version_or_unknown(s.new_version)));
  }

  if (!d.permissions_added.empty() || !d.permissions_removed.empty()) {
    auto dangerous = std::count_if(d.permissions_added.begin(), d.permissions_added.end(),
                                   [](const PermissionChange& p) { return is_dangerous_permission(p.protection); });
    line("");
    line(wrap("1", fmt::format("Permissions: {} added ({} dangerous), {} removed", d.permissions_added.size(), dangerous,
                               d.permissions_removed.size())));
    std::size_t w = 0;
    for (const auto* v : {&d.permissions_added, &d.permissions_removed})
      for (const auto& p : *v) w = std::max(w, p.name.size());
    for (const auto& p : d.permissions_added) line(plus(fmt::format("  + {}{}", pad(p.name, w + 2), p.protection)));
    for (const auto& p : d.permissions_removed) line(minus_(fmt::format("  - {}{}", pad(p.name, w + 2), p.protection)));
  }

  if (!d.endpoints_added.empty() || !d.endpoints_removed.empty()) {
    line("");
    line(wrap("1", fmt::format("Endpoints: {} added, {} removed", d.endpoints_added.size(), d.endpoints_removed.size())));
    std::size_t w = 0;
    for (const auto* v : {&d.endpoints_added, &d.endpoints_removed})
      for (const auto& e : *v) w = std::max(w, e.host.size());
    for (const auto& e : d.endpoints_added) line(plus(fmt::format("  + {}{}", pad(e.host, w + 2), e.owner_country)));
    for (const auto& e : d.endpoints_removed) line(minus_(fmt::format("  - {}{}", pad(e.host, w + 2), e.owner_country)));
  }

  auto countries = [&](const char* title, const std::vector<std::string>& added, const std::vector<std::string>& removed) {
    if (added.empty() && removed.empty()) return;
    line("");
    line(wrap("1", title));
    for (const auto& c : added) line(plus("  + " + country_label(c)));
    for (const auto& c : removed) line(minus_("  - " + country_label(c)));
  };
  countries("Jurisdictions (data flow destinations, endpoint countries)", d.jurisdictions_added, d.jurisdictions_removed);
  countries("Vendor countries", d.vendor_countries_added, d.vendor_countries_removed);

  if (!d.findings_new.empty() || !d.findings_resolved.empty()) {
    line("");
    line(wrap("1", fmt::format("Findings: {} new, {} resolved", d.findings_new.size(), d.findings_resolved.size())));
    std::size_t w = 0;
    for (const auto* v : {&d.findings_new, &d.findings_resolved})
      for (const auto& f : *v) w = std::max(w, display_width(f.check));
    auto row = [&](char mark, const FindingChange& f) {
      std::string ev = evidence_label(f.first_evidence);
      return fmt::format("  {} {}{}{}{}{}", mark, pad(f.severity, 9), pad(f.check, w + 2), f.title,
                         ev.empty() ? "" : "  (" + ev + ")", f.waived ? "  [waived]" : "");
    };
    for (const auto& f : d.findings_new) line(high_or_critical(f) && !f.waived ? minus_(row('+', f)) : row('+', f));
    for (const auto& f : d.findings_resolved) line(row('-', f));
  }

  if (!met.empty()) {
    line("");
    line(wrap("31;1", "fail-on met: " + met_names(met)));
  }
  return out;
}

std::string write_diff_markdown(const ScanDiff& d, const std::vector<DiffCondition>& met) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  line("# sdkscope diff");
  line("");
  line("- old: `" + md(side_label(d.old_side)) + "`");
  line("- new: `" + md(side_label(d.new_side)) + "`");
  if (!met.empty()) line("- **fail-on met: " + met_names(met) + "**");
  if (d.empty()) {
    line("");
    line("No changes.");
    return out;
  }
  if (!d.sdks_added.empty() || !d.sdks_removed.empty() || !d.sdk_versions_changed.empty()) {
    line("");
    line("## SDKs");
    line("");
    line("| change | id | name | vendor | country | version |");
    line("| --- | --- | --- | --- | --- | --- |");
    auto row = [&](const char* what, const SdkChange& s, const std::string& v) {
      line(fmt::format("| {} | `{}` | {} | {} | {} | {} |", what, md(s.id), md(s.name), md(s.vendor), md(s.country), md(v)));
    };
    for (const auto& s : d.sdks_added) row("added", s, s.new_version);
    for (const auto& s : d.sdks_removed) row("removed", s, s.old_version);
    for (const auto& s : d.sdk_versions_changed)
      row("version", s, version_or_unknown(s.old_version) + " → " + version_or_unknown(s.new_version));
  }
  if (!d.permissions_added.empty() || !d.permissions_removed.empty()) {
    line("");
    line("## Permissions");
    line("");
    line("| change | permission | protection |");
    line("| --- | --- | --- |");
    for (const auto& p : d.permissions_added) line(fmt::format("| added | `{}` | {} |", md(p.name), md(p.protection)));
    for (const auto& p : d.permissions_removed) line(fmt::format("| removed | `{}` | {} |", md(p.name), md(p.protection)));
  }
  if (!d.endpoints_added.empty() || !d.endpoints_removed.empty()) {
    line("");
    line("## Endpoints");
    line("");
    line("| change | host | owner country |");
    line("| --- | --- | --- |");
    for (const auto& e : d.endpoints_added) line(fmt::format("| added | `{}` | {} |", md(e.host), md(e.owner_country)));
    for (const auto& e : d.endpoints_removed) line(fmt::format("| removed | `{}` | {} |", md(e.host), md(e.owner_country)));
  }
  auto countries = [&](const char* title, const std::vector<std::string>& added, const std::vector<std::string>& removed) {
    if (added.empty() && removed.empty()) return;
    line("");
    line(std::string("## ") + title);
    line("");
    for (const auto& c : added) line("- added: " + md(country_label(c)));
    for (const auto& c : removed) line("- removed: " + md(country_label(c)));
  };
  countries("Jurisdictions", d.jurisdictions_added, d.jurisdictions_removed);
  countries("Vendor countries", d.vendor_countries_added, d.vendor_countries_removed);
  if (!d.findings_new.empty() || !d.findings_resolved.empty()) {
    line("");
    line("## Findings");
    line("");
    line("| change | severity | check | title | first evidence |");
    line("| --- | --- | --- | --- | --- |");
    auto row = [&](const char* what, const FindingChange& f) {
      line(fmt::format("| {} | {} | `{}` | {} | {} |", f.waived ? std::string(what) + " (waived)" : std::string(what),
                       md(f.severity), md(f.check), md(f.title), md(evidence_label(f.first_evidence))));
    };
    for (const auto& f : d.findings_new) row("new", f);
    for (const auto& f : d.findings_resolved) row("resolved", f);
  }
  return out;
}

}  // namespace sdkscope
