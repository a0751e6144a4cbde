#include "reports/report_views.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "reports/countries.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope::views {

std::size_t severity_rank(std::string_view severity) {
  for (std::size_t i = 0; i < std::size(kSeverities); ++i)
    if (kSeverities[i] == severity) return i;
  return std::size(kSeverities);
}

FindingCounts count_findings(const ScanResult& r) {
  FindingCounts c;
  for (const auto& f : r.findings) {
    if (f.waived) {
      ++c.waived;
      continue;
    }
    ++c.unwaived;
    ++c.by_severity[severity_rank(f.severity)];
  }
  return c;
}

std::string severity_summary(const FindingCounts& c) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < std::size(kSeverities); ++i)
    if (c.by_severity[i]) parts.push_back(fmt::format("{} {}", c.by_severity[i], kSeverities[i]));
  if (c.by_severity[std::size(kSeverities)])
    parts.push_back(fmt::format("{} unrated", c.by_severity[std::size(kSeverities)]));
  return join(parts, ", ");
}

std::string verdict_line(const ScanResult& r) {
  std::vector<std::string> parts;
  if (r.policy.evaluated) {
    std::string name = r.policy.name.empty() ? std::string("policy") : "policy \"" + display_text(r.policy.name) + "\"";
    if (r.policy.passed)
      parts.push_back(fmt::format("{}: PASSED", name));
    else
      parts.push_back(fmt::format("{}: FAILED ({} violation{})", name, r.policy.violations, r.policy.violations == 1 ? "" : "s"));
  }
  auto c = count_findings(r);
  if (c.unwaived)
    parts.push_back(fmt::format("{} finding{}: {}", c.unwaived, c.unwaived == 1 ? "" : "s", severity_summary(c)));
  else if (!r.checks.empty() || c.waived)
    parts.push_back("no findings");
  else
    parts.push_back("no checks were run");
  if (c.waived) parts.push_back(fmt::format("{} waived", c.waived));
  std::string line = join(parts, "; ");
  if (!line.empty()) line[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(line[0])));
  return line;
}

const CheckInfo* find_check(const ScanResult& r, std::string_view id) {
  auto it = std::lower_bound(r.checks.begin(), r.checks.end(), id,
                             [](const CheckInfo& c, std::string_view want) { return c.id < want; });
  if (it != r.checks.end() && it->id == id) return &*it;
  // The model promises sorted checks; a writer must not depend on it for correctness.
  for (const auto& c : r.checks)
    if (c.id == id) return &c;
  return nullptr;
}

std::string app_title(const ScanResult& r) {
  if (!r.app.name.empty()) return r.app.name;
  if (!r.app.id.empty()) return r.app.id;
  if (!r.input.path.empty()) return r.input.path;
  return "(unnamed input)";
}

std::string platform_label(std::string_view platform) {
  if (platform == "android") return "Android";
  if (platform == "ios") return "iOS";
  return std::string(platform);
}

std::string version_label(const AppInfo& app) {
  std::string v = app.version_name;
  if (app.version_code) v += (v.empty() ? "" : " ") + fmt::format("({})", *app.version_code);
  return v;
}

std::string human_size(std::uint64_t n) {
  if (n >= (1ull << 30)) return fmt::format("{:.1f} GB", static_cast<double>(n) / (1ull << 30));
  if (n >= (1ull << 20)) return fmt::format("{:.1f} MB", static_cast<double>(n) / (1ull << 20));
  if (n >= 1024) return fmt::format("{:.1f} KB", static_cast<double>(n) / 1024);
  return fmt::format("{} B", n);
}

std::vector<PermissionGroup> permissions_by_data(const ScanResult& r) {
  std::map<std::string, std::vector<const PermissionInfo*>> groups;
  std::vector<const PermissionInfo*> none;
  for (const auto& p : r.permissions) {
    if (p.data.empty()) {
      none.push_back(&p);
      continue;
    }
    std::set<std::string> seen;
    for (const auto& d : p.data)
      if (seen.insert(d).second) groups[d].push_back(&p);
  }
  std::vector<PermissionGroup> out;
  for (auto& [cat, perms] : groups) out.push_back({cat, std::move(perms)});
  if (!none.empty()) out.push_back({"", std::move(none)});
  return out;
}

namespace {

Series to_series(const std::map<std::string, std::size_t>& counts) {
  Series s(counts.begin(), counts.end());
  std::stable_sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return s;
}

}  // namespace

Series sdks_by_vendor_country(const ScanResult& r) {
  std::map<std::string, std::size_t> counts;
  for (const auto& s : r.sdks) ++counts[s.vendor.country.empty() ? "unknown" : country_label(s.vendor.country)];
  return to_series(counts);
}

Series sdks_by_category(const ScanResult& r) {
  std::map<std::string, std::size_t> counts;
  for (const auto& s : r.sdks) {
    if (s.categories.empty()) ++counts["uncategorised"];
    std::set<std::string> seen(s.categories.begin(), s.categories.end());
    for (const auto& c : seen) ++counts[c];
  }
  return to_series(counts);
}

Series endpoints_by_owner_country(const ScanResult& r) {
  std::map<std::string, std::size_t> counts;
  for (const auto& e : r.endpoints) {
    if (!e.owner_country.empty()) ++counts[country_label(e.owner_country)];
    else if (e.first_party) ++counts["first party"];
    else ++counts["unknown owner"];
  }
  return to_series(counts);
}

std::vector<EvidenceGroup> sdk_evidence(const SdkFinding& s) {
  const auto& e = s.evidence;
  std::vector<EvidenceGroup> out;
  auto add = [&](std::string label, const std::vector<std::string>& items) {
    if (!items.empty()) out.push_back({std::move(label), items});
  };
  if (e.class_count) {
    std::string label = fmt::format("classes ({} matched", e.class_count);
    if (e.class_examples.size() < e.class_count) label += fmt::format(", {} shown", e.class_examples.size());
    add(label + ")", e.class_examples);
    if (e.class_examples.empty()) out.push_back({label + ")", {}});
  }
  add("package prefixes", e.packages);
  add("native libraries", e.native_libs);
  add("manifest components", e.manifest_components);
  add("manifest meta-data", e.manifest_meta_data);
  add("hosts", e.domains);
  add("other", e.other);
  add("locations", e.locations);
  return out;
}

std::string sdk_evidence_summary(const SdkFinding& s) {
  std::vector<std::string> parts;
  const auto& e = s.evidence;
  auto plural = [](std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
  };
  if (e.class_count) parts.push_back(plural(e.class_count, "class", "classes"));
  if (!e.native_libs.empty()) parts.push_back(plural(e.native_libs.size(), "native library", "native libraries"));
  if (!e.manifest_components.empty()) parts.push_back(plural(e.manifest_components.size(), "component", "components"));
  if (!e.manifest_meta_data.empty()) parts.push_back(plural(e.manifest_meta_data.size(), "meta-data key", "meta-data keys"));
  if (!e.domains.empty()) parts.push_back(plural(e.domains.size(), "host", "hosts"));
  if (!e.other.empty()) parts.push_back(plural(e.other.size(), "other item", "other items"));
  return parts.empty() ? std::string("no evidence recorded") : join(parts, ", ");
}

std::string vendor_label(const VendorInfo& v) {
  std::string out = v.name.empty() ? v.id : v.name;
  if (!v.chain.empty()) out += " (part of " + join(v.chain, " / ") + ")";
  return out;
}

std::string display_text(std::string_view s) {
  std::string clean = sanitize_utf8(s);
  std::string out;
  out.reserve(clean.size());
  for (std::size_t i = 0; i < clean.size(); ++i) {
    auto c = static_cast<unsigned char>(clean[i]);
    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
      out += "\xEF\xBF\xBD";
      continue;
    }
    if (c == 0x7f) {
      out += "\xEF\xBF\xBD";
      continue;
    }
    // U+202A..U+202E (E2 80 AA..AE) and U+2066..U+2069 (E2 81 A6..A9): bidi embedding,
    // override and isolate controls.
    if (c == 0xE2 && i + 2 < clean.size()) {
      auto b1 = static_cast<unsigned char>(clean[i + 1]), b2 = static_cast<unsigned char>(clean[i + 2]);
      unsigned cp = 0;
      if (b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) cp = 0x202Au + (b2 - 0xAAu);
      if (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) cp = 0x2066u + (b2 - 0xA6u);
      if (cp) {
        out += fmt::format("[U+{:04X}]", cp);
        i += 2;
        continue;
      }
    }
    out.push_back(clean[i]);
  }
  return out;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

bool coverage_reported(const AnalysisCoverage& c) {
  return !c.packers.empty() || c.classes > 0 || c.encrypted_code || c.sdk_list_incomplete || !c.notes.empty();
}

std::string html_text(std::string_view s) {
  std::string clean = display_text(s);
  std::string out;
  out.reserve(clean.size() + 16);
  for (char c : clean) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace sdkscope::views
