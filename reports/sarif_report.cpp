#include "reports/sarif_report.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

namespace sdkscope {

using nlohmann::ordered_json;

namespace {

// GitHub code scanning reads "security-severity" (0.0-10.0, CVSS-like bands) to rank alerts.
const char* security_severity(std::string_view s) {
  if (s == "critical") return "9.5";
  if (s == "high") return "8.0";
  if (s == "medium") return "5.5";
  if (s == "low") return "3.0";
  return "1.0";
}

// "android.crypto.weak_cipher" -> "AndroidCryptoWeakCipher" (SARIF rule names are identifiers).
std::string rule_name(const std::string& id) {
  std::string out;
  bool up = true;
  for (char c : id) {
    if (c == '.' || c == '_' || c == '-') {
      up = true;
      continue;
    }
    out += up && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    up = false;
  }
  return out;
}

// Percent-encodes what RFC 3986 does not allow in a path; keeps "/", "!" and the unreserved set,
// so "base.apk!/lib/arm64-v8a/libx.so" stays readable.
std::string uri_path(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                c == '_' || c == '~' || c == '/' || c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' ||
                c == ')' || c == '*' || c == '+' || c == ',' || c == ';' || c == '=' || c == ':' || c == '@';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string input_name(const ScanResult& r) {
  auto slash = r.input.path.find_last_of('/');
  std::string name = slash == std::string::npos ? r.input.path : r.input.path.substr(slash + 1);
  return name.empty() ? std::string("input") : name;
}

// What kind of thing the evidence's `logical` names, by where it was found.
const char* logical_kind(const FindingLocation& e) {
  const auto& a = e.artifact;
  auto ends = [&](std::string_view suf) { return a.size() >= suf.size() && a.compare(a.size() - suf.size(), suf.size(), suf) == 0; };
  if (ends(".dex") || ends(".jar") || ends(".class") || ends(".aar")) return "type";
  if (ends("AndroidManifest.xml") || ends(".xml")) return "element";
  if (ends(".plist")) return "property";
  if (ends(".so") || a.find(".framework") != std::string::npos || a.find(".app") != std::string::npos) return "module";
  return "object";
}

ordered_json location_json(const ScanResult& r, const FindingLocation& e) {
  const std::string root = input_name(r);
  ordered_json loc = ordered_json::object();
  std::string uri = e.artifact.empty() ? root : root + "!/" + e.artifact;
  loc["physicalLocation"] = {{"artifactLocation", {{"uri", uri_path(uri)}}}};
  if (!e.logical.empty()) {
    ordered_json ll = {{"fullyQualifiedName", e.logical}, {"kind", logical_kind(e)}};
    loc["logicalLocations"] = ordered_json::array({ll});
  }
  if (!e.detail.empty()) loc["message"] = {{"text", e.detail}};
  return loc;
}

}  // namespace

std::string sarif_level(std::string_view severity) {
  if (severity == "critical" || severity == "high") return "error";
  if (severity == "medium") return "warning";
  return "note";
}

std::string write_sarif_report(const ScanResult& r, const SarifOptions& opts) {
  ordered_json rules = ordered_json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const auto& c : r.checks) {
    rule_index[c.id] = rules.size();
    ordered_json tags = ordered_json::array({"security", c.category});
    // CWE tags in GitHub's form ("external/cwe/cwe-319").
    for (const auto& w : c.cwe) tags.push_back("external/cwe/cwe-" + w.substr(4));
    for (const auto& m : c.masvs) tags.push_back(m);
    std::string help = c.description + "\n\nRemediation: " + c.remediation;
    std::string md = "**" + c.title + "**\n\n" + c.description + "\n\n**Remediation:** " + c.remediation;
    if (!c.cwe.empty() || !c.masvs.empty()) {
      md += "\n\n**References:**";
      for (const auto& w : c.cwe) md += " " + w;
      for (const auto& m : c.masvs) md += " " + m;
    }
    for (const auto& ref : c.references) md += "\n- <" + ref + ">";
    ordered_json rule = {{"id", c.id},
                         {"name", rule_name(c.id)},
                         {"shortDescription", {{"text", c.title}}},
                         {"fullDescription", {{"text", c.description}}},
                         {"help", {{"text", help}, {"markdown", md}}}};
    if (!c.references.empty()) rule["helpUri"] = c.references.front();
    rule["defaultConfiguration"] = {{"level", sarif_level(c.severity)}};
    rule["properties"] = {{"tags", tags},
                          {"precision", c.confidence == "high" ? "high" : c.confidence == "medium" ? "medium" : "low"},
                          {"security-severity", security_severity(c.severity)},
                          {"problem.severity", sarif_level(c.severity) == "note" ? "recommendation" : sarif_level(c.severity)},
                          {"cwe", c.cwe},
                          {"masvs", c.masvs},
                          {"platform", c.platform}};
    rules.push_back(std::move(rule));
  }
  ordered_json results = ordered_json::array();
  for (const auto& f : r.findings) {
    ordered_json res;
    res["ruleId"] = f.check;
    if (auto it = rule_index.find(f.check); it != rule_index.end()) res["ruleIndex"] = it->second;
    res["level"] = sarif_level(f.severity);
    std::string text = f.message;
    if (f.evidence_total > f.evidence.size())
      text += " (" + std::to_string(f.evidence.size()) + " of " + std::to_string(f.evidence_total) + " places listed)";
    res["message"] = {{"text", text}};
    ordered_json locs = ordered_json::array();
    ordered_json related = ordered_json::array();
    for (std::size_t i = 0; i < f.evidence.size(); ++i) {
      auto l = location_json(r, f.evidence[i]);
      if (i == 0) {
        locs.push_back(std::move(l));
      } else {
        l["id"] = static_cast<int>(i);
        related.push_back(std::move(l));
      }
    }
    if (locs.empty()) locs.push_back(location_json(r, FindingLocation{}));
    res["locations"] = locs;
    if (!related.empty()) res["relatedLocations"] = related;
    // Stable across runs and versions of the same app: check + first evidence.
    const auto& first = f.evidence.empty() ? FindingLocation{} : f.evidence.front();
    res["partialFingerprints"] = {{"sdkscopeFinding/v1", f.check + "|" + first.artifact + "|" + first.logical}};
    if (f.waived)
      res["suppressions"] = ordered_json::array({{{"kind", "external"}, {"status", "accepted"}, {"justification", f.waiver}}});
    res["properties"] = {{"severity", f.severity},
                         {"confidence", f.confidence},
                         {"category", f.category},
                         {"sdks", f.sdks},
                         {"evidenceTotal", f.evidence_total}};
    results.push_back(std::move(res));
  }

  ordered_json artifact = {{"location", {{"uri", uri_path(input_name(r))}}}, {"length", r.input.size}};
  if (!r.input.sha256.empty()) artifact["hashes"] = {{"sha-256", r.input.sha256}};
  ordered_json run;
  run["tool"] = {{"driver",
                  {{"name", "sdkscope"},
                   {"version", r.scanner.version},
                   {"semanticVersion", r.scanner.version},
                   {"informationUri", opts.information_uri},
                   {"rules", rules}}}};
  run["artifacts"] = ordered_json::array({artifact});
  run["results"] = results;
  ordered_json props = {{"app", {{"platform", r.app.platform}, {"id", r.app.id}, {"version", r.app.version_name}}},
                        {"signaturesVersion", r.scanner.signatures_version}};
  if (r.policy.evaluated)
    props["policy"] = {{"name", r.policy.name}, {"passed", r.policy.passed}, {"violations", r.policy.violations}};
  if (r.coverage.sdk_list_incomplete) props["coverageNotes"] = r.coverage.notes;
  run["properties"] = props;
  run["columnKind"] = "unicodeCodePoints";

  ordered_json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                      {"version", "2.1.0"},
                      {"runs", ordered_json::array({run})}};
  return doc.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace sdkscope
