#include "reports/markdown_report.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "reports/countries.hpp"
#include "reports/report_views.hpp"

namespace sdkscope {

namespace {

using views::join;

// ---------------------------------------------------------------------------------------------
// Escaping. Text: every Markdown-significant ASCII punctuation is backslash-escaped (CommonMark
// allows it for any ASCII punctuation); '_' only where it could open or close emphasis, so
// identifiers such as crash_reporting stay readable. Newlines become spaces everywhere, so app
// text can never start a heading, list, rule or table row.

std::string one_line(std::string_view s) {
  std::string clean = views::display_text(s);
  for (auto& c : clean)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return clean;
}

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

std::string md(std::string_view s) {
  std::string clean = one_line(s);
  std::string out;
  out.reserve(clean.size() + 8);
  for (std::size_t i = 0; i < clean.size(); ++i) {
    char c = clean[i];
    switch (c) {
      case '\\': case '`': case '*': case '[': case ']': case '<': case '>': case '|': case '~': case '&':
      case '#': case '!':
        out += '\\';
        out += c;
        break;
      case '_': {
        bool inner = i > 0 && i + 1 < clean.size() && alnum(clean[i - 1]) && alnum(clean[i + 1]);
        if (!inner) out += '\\';
        out += c;
        break;
      }
      // GFM's extended autolinks would turn app URLs, www. hosts and e-mail addresses in text
      // into live links; an escaped ':', '.' or '@' keeps them text.
      case ':':
        if (clean.compare(i + 1, 2, "//") == 0) out += '\\';
        out += c;
        break;
      case '.': {
        bool www = i >= 3 && (clean.compare(i - 3, 3, "www") == 0 || clean.compare(i - 3, 3, "WWW") == 0) &&
                   (i == 3 || !alnum(clean[i - 4]));
        if (www) out += '\\';
        out += c;
        break;
      }
      case '@':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

/// A code span that shows `s` verbatim, whatever backticks it holds. In a table cell '|' is
/// escaped (GFM splits cells on it even inside code spans and removes the backslash).
std::string code_span(std::string_view s, bool table) {
  std::string clean = one_line(s);
  if (clean.empty()) return "";
  std::size_t longest = 0, run = 0;
  for (char c : clean) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  if (table) {
    std::string t;
    for (char c : clean) {
      if (c == '|') t += '\\';
      t += c;
    }
    clean = std::move(t);
  }
  std::string fence(longest + 1, '`');
  bool pad = clean.front() == '`' || clean.back() == '`' || clean.front() == ' ' || clean.back() == ' ';
  return pad ? fence + " " + clean + " " + fence : fence + clean + fence;
}

std::string c(std::string_view s) { return code_span(s, false); }   // prose
std::string tc(std::string_view s) { return code_span(s, true); }   // table cell

std::string code_list(const std::vector<std::string>& v, bool table, std::string_view empty = "") {
  if (v.empty()) return md(empty);
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + code_span(s, table);
  return out;
}

std::string text_list(const std::vector<std::string>& v, std::string_view empty = "") {
  if (v.empty()) return md(empty);
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + md(s);
  return out;
}

std::string country(std::string_view code) {
  if (code.empty()) return "";
  return md(country_label(code));
}

std::string row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& cell : cells) out += " " + (cell.empty() ? std::string(" ") : cell) + " |";
  return out + "\n";
}

std::string table_head(const std::vector<std::string>& headers) {
  std::string out = row(headers) + "|";
  for (std::size_t i = 0; i < headers.size(); ++i) out += " --- |";
  return out + "\n";
}

/// An autolink for clean http(s) references from the check catalogue, else a code span.
std::string reference(const std::string& url) {
  bool web = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  bool clean = std::none_of(url.begin(), url.end(), [](char ch) {
    auto u = static_cast<unsigned char>(ch);
    return u <= 0x20 || u == 0x7f || ch == '<' || ch == '>' || ch == '`' || ch == '\\';
  });
  return web && clean ? "<" + url + ">" : c(url);
}

std::string capitalised(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

class MarkdownWriter {
 public:
  explicit MarkdownWriter(const ScanResult& r) : r_(r) {}

  std::string write() {
    header();
    sdks();
    charts();
    data_flows();
    permissions();
    findings();
    coverage();
    endpoints();
    ios();
    diagnostics();
    out_ += fmt::format("---\n\n*Generated by {} with signatures {}. Static analysis of the bundle only: nothing was "
                        "run, nothing was fetched.*\n",
                        md(scanner_label()), md(r_.scanner.signatures_version));
    return std::move(out_);
  }

 private:
  const ScanResult& r_;
  std::string out_;

  void add(std::string_view s) { out_ += s; }
  std::string scanner_label() const {
    return r_.scanner.version.empty() ? std::string("sdkscope") : "sdkscope " + r_.scanner.version;
  }
  template <typename... Args>
  void addf(fmt::format_string<Args...> f, Args&&... args) {
    out_ += fmt::format(f, std::forward<Args>(args)...);
  }

  void header() {
    std::string title = md(views::app_title(r_));
    if (!r_.app.id.empty() && r_.app.id != views::app_title(r_)) title += " (" + c(r_.app.id) + ")";
    addf("# sdkscope report: {}\n\n", title);
    std::vector<std::string> app;
    if (!r_.app.id.empty()) app.push_back(c(r_.app.id));
    if (auto v = views::version_label(r_.app); !v.empty()) app.push_back("version " + md(v));
    app.push_back(r_.app.platform.empty() ? std::string("SDK artifact (no app identity)")
                                          : md(views::platform_label(r_.app.platform)));
    if (r_.app.min_sdk) app.push_back(fmt::format("min SDK {}", *r_.app.min_sdk));
    if (r_.app.target_sdk) app.push_back(fmt::format("target SDK {}", *r_.app.target_sdk));
    if (!r_.app.min_os.empty()) app.push_back("min iOS " + md(r_.app.min_os));
    addf("- **App:** {}\n", join(app, ", "));
    addf("- **Input:** {} ({}, {})\n", c(r_.input.path), md(r_.input.format), md(views::human_size(r_.input.size)));
    addf("- **SHA-256:** {}\n", c(r_.input.sha256));
    if (!r_.app.frameworks.empty()) addf("- **App framework:** {}\n", code_list(r_.app.frameworks, false));
    addf("- **Scanner:** {}, signatures {} ({} SDKs)\n", md(scanner_label()), md(r_.scanner.signatures_version),
         r_.scanner.signatures_count);
    if (!r_.home_jurisdiction.empty()) addf("- **Home jurisdiction:** {}\n", country(r_.home_jurisdiction));
    addf("- **Verdict:** {}\n\n", md(views::verdict_line(r_)));
  }

  void sdks() {
    addf("## Third-party SDKs ({})\n\n", r_.sdks.size());
    if (r_.coverage.sdk_list_incomplete) addf("> **Note:** {}\n\n", md(views::kAbsenceNote));
    if (r_.sdks.empty()) {
      add("No SDK was detected.\n\n");
      return;
    }
    add(table_head({"SDK", "Vendor", "Vendor country", "Categories", "Version", "Confidence", "Evidence"}));
    for (const auto& s : r_.sdks) {
      std::string name = md(s.name.empty() ? s.id : s.name) + " (" + tc(s.id) + ")";
      if (!s.part_of.empty()) name += ", part of " + tc(s.part_of);
      std::string vendor = md(views::vendor_label(s.vendor));
      std::string ctry = s.vendor.country.empty() ? std::string("unknown") : country(s.vendor.country);
      if (!s.vendor.data_jurisdiction.empty() && s.vendor.data_jurisdiction != s.vendor.country)
        ctry += "; data: " + country(s.vendor.data_jurisdiction);
      add(row({name, vendor, ctry, text_list(s.categories), s.version.empty() ? "not revealed" : md(s.version),
               md(s.confidence), md(views::sdk_evidence_summary(s))}));
    }
    add("\n### Evidence per SDK\n\n");
    for (const auto& s : r_.sdks) {
      addf("#### {} ({})\n\n", md(s.name.empty() ? s.id : s.name), c(s.id));
      if (!s.maven.empty()) addf("- Maven: {}\n", c(s.maven));
      if (!s.cocoapod.empty()) addf("- CocoaPod: {}\n", c(s.cocoapod));
      for (const auto& g : views::sdk_evidence(s))
        addf("- {}: {}\n", md(g.label), g.items.empty() ? std::string("(no examples kept)") : code_list(g.items, false));
      add("\n");
    }
  }

  void series_table(std::string_view title, std::string_view what, const views::Series& s) {
    addf("### {}\n\n", title);
    if (s.empty()) {
      add("No data.\n\n");
      return;
    }
    add(table_head({std::string(what), "Count"}));
    for (const auto& [label, n] : s) add(row({md(label), std::to_string(n)}));
    add("\n");
  }

  void charts() {
    add("## At a glance\n\n");
    series_table("SDKs by vendor country", "Vendor country", views::sdks_by_vendor_country(r_));
    series_table("SDKs by category", "Category", views::sdks_by_category(r_));
    series_table("Endpoints by owner country", "Owner country", views::endpoints_by_owner_country(r_));
  }

  void data_flows() {
    addf("## Data flows to third parties\n\n");
    if (r_.data_flows.empty()) {
      add("No third-party data flow was inferred.\n\n");
      return;
    }
    std::size_t cross = static_cast<std::size_t>(
        std::count_if(r_.data_flows.begin(), r_.data_flows.end(), [](const DataFlow& f) { return f.cross_border; }));
    addf("{} vendors receive data; {} across the border of the home jurisdiction ({}). Data categories are what the "
         "SDKs document collecting plus what the app's permissions let them read; the SDKs' evidence is listed above, "
         "the hosts below.\n\n",
         r_.data_flows.size(), cross, country(r_.home_jurisdiction.empty() ? "unknown" : r_.home_jurisdiction));
    add(table_head({"Vendor", "SDKs", "Data categories", "Destinations", "Cross-border", "Legal hook", "Transfer notes"}));
    for (const auto& f : r_.data_flows) {
      std::string vendor = md(views::vendor_label(f.vendor));
      if (!f.vendor.country.empty()) vendor += ", " + country(f.vendor.country);
      if (f.china && f.vendor.country != "CN") vendor += " (parent company in China)";
      std::vector<std::string> dest;
      for (const auto& d : f.destinations) dest.push_back(country(d));
      std::vector<std::string> notes;
      for (const auto& n : f.transfer_notes) notes.push_back(md(n));
      add(row({vendor, code_list(f.sdks, true), text_list(f.data, "none documented"), join(dest, "; "),
               f.cross_border ? "**yes**" : "no", md(f.legal_hook), join(notes, "; ")}));
    }
    add("\nHosts per vendor (where the SDKs' code holds them or their domain lists name them):\n\n");
    for (const auto& f : r_.data_flows)
      addf("- {}: {}\n", md(f.vendor.name.empty() ? f.vendor.id : f.vendor.name), code_list(f.endpoints, false, "none found"));
    add("\n");
  }

  void permissions() {
    std::size_t dangerous = static_cast<std::size_t>(std::count_if(
        r_.permissions.begin(), r_.permissions.end(), [](const PermissionInfo& p) { return p.protection == "dangerous"; }));
    addf("## Permissions ({}; {} dangerous)\n\n", r_.permissions.size(), dangerous);
    if (r_.permissions.empty()) {
      add("The app requests no permission.\n\n");
      return;
    }
    add("Grouped by the category of data each permission opens. *Requested by* is the bundle part whose manifest or "
        "Info.plist asks for it; *needed by* names detected SDKs documented to require it.\n\n");
    for (const auto& g : views::permissions_by_data(r_)) {
      addf("### {}\n\n", g.category.empty() ? std::string("No data category") : md(g.category));
      add(table_head({"Permission", "Protection", "Description", "Requested by", "Needed by SDKs"}));
      for (const auto* p : g.permissions) {
        std::string name = tc(p->name);
        if (p->max_sdk) name += fmt::format(" (up to API {})", *p->max_sdk);
        add(row({name, p->protection == "dangerous" ? "**dangerous**" : md(p->protection), md(p->description),
                 code_list(p->sources, true), code_list(p->sdks, true)}));
      }
      add("\n");
    }
  }

  void finding(const Finding& f) {
    addf("#### [{}] {}{}\n\n", md(f.severity.empty() ? "unrated" : f.severity), md(f.title.empty() ? f.check : f.title),
         f.waived ? " (waived)" : "");
    std::vector<std::string> meta{"check " + c(f.check)};
    if (!f.category.empty()) meta.push_back("category " + md(f.category));
    if (!f.confidence.empty()) meta.push_back("confidence " + md(f.confidence));
    if (!f.sdks.empty()) meta.push_back("SDKs " + code_list(f.sdks, false));
    addf("{}\n\n", join(meta, " · "));
    if (!f.message.empty()) addf("{}\n\n", md(f.message));
    if (f.waived) addf("**Waived:** {}\n\n", f.waiver.empty() ? std::string("no justification given") : md(f.waiver));
    if (!f.evidence.empty()) {
      std::size_t total = std::max(f.evidence_total, f.evidence.size());
      addf("Evidence ({}{}):\n\n", f.evidence.size(), total > f.evidence.size() ? fmt::format(" of {}", total) : "");
      std::size_t i = 0;
      for (const auto& e : f.evidence) {
        std::vector<std::string> where;
        where.push_back(e.artifact.empty() ? std::string("(input)") : c(e.artifact));
        if (!e.logical.empty()) where.push_back(c(e.logical));
        std::string line = join(where, " → ");
        if (!e.detail.empty()) line += ": " + md(e.detail);
        if (!e.sdk.empty()) line += " (SDK " + c(e.sdk) + ")";
        addf("{}. {}\n", ++i, line);
      }
      if (total > f.evidence.size())
        addf("\n{} more not shown (evidence is capped at {} items per finding).\n", total - f.evidence.size(),
             kMaxFindingEvidence);
      add("\n");
    }
    if (const CheckInfo* ci = views::find_check(r_, f.check)) {
      if (!ci->description.empty()) addf("**Why it matters:** {}\n\n", md(ci->description));
      if (!ci->remediation.empty()) addf("**Remediation:** {}\n\n", md(ci->remediation));
      std::vector<std::string> refs;
      for (const auto& w : ci->cwe) refs.push_back(md(w));
      for (const auto& m : ci->masvs) refs.push_back(md(m));
      for (const auto& u : ci->references) refs.push_back(reference(u));
      if (!refs.empty()) addf("**References:** {}\n\n", join(refs, ", "));
    }
  }

  void findings() {
    auto counts = views::count_findings(r_);
    addf("## Findings ({}{})\n\n", counts.unwaived, counts.waived ? fmt::format(" + {} waived", counts.waived) : "");
    if (r_.policy.evaluated) policy();
    if (r_.findings.empty()) {
      add(r_.checks.empty() ? "No checks were run on this input.\n\n"
                            : fmt::format("None of the {} checks fired.\n\n", r_.checks.size()));
      return;
    }
    if (!r_.checks.empty())
      addf("{} checks evaluated; {}.\n\n", r_.checks.size(),
           counts.unwaived ? md(views::severity_summary(counts)) : "none fired unwaived");
    for (std::size_t rank = 0; rank <= std::size(views::kSeverities); ++rank) {
      std::vector<const Finding*> group;
      for (const auto& f : r_.findings)
        if (views::severity_rank(f.severity) == rank) group.push_back(&f);
      if (group.empty()) continue;
      addf("### {} ({})\n\n",
           capitalised(rank < std::size(views::kSeverities) ? std::string(views::kSeverities[rank]) : "unrated"), group.size());
      for (const auto* f : group) finding(*f);
    }
  }

  void policy() {
    const auto& p = r_.policy;
    addf("### Policy {}: {}\n\n", p.name.empty() ? std::string("(unnamed)") : md(p.name), p.passed ? "passed" : "**failed**");
    addf("{} unwaived violation{}{}.\n\n", p.violations, p.violations == 1 ? "" : "s",
         p.path.empty() ? "" : "; policy file " + c(p.path));
    if (p.waivers.empty()) return;
    add(table_head({"Allowlist entry", "Justification", "Expires", "Findings waived"}));
    for (const auto& w : p.waivers)
      add(row({tc(w.rule), md(w.justification), (w.expires.empty() ? std::string("never") : md(w.expires)) + (w.expired ? " (**expired**)" : ""),
               std::to_string(w.used)}));
    add("\n");
  }

  void coverage() {
    const auto& cov = r_.coverage;
    add("## Analysis coverage\n\n");
    if (cov.sdk_list_incomplete || !cov.packers.empty() || cov.encrypted_code)
      addf("> **The SDK list may be incomplete.** {}\n\n", md(views::kAbsenceNote));
    if (!views::coverage_reported(cov)) {
      add("No packer, encryption or heavy renaming was recorded. Static matching still sees only what the bundle ships: "
          "code loaded at run time is out of reach.\n\n");
      return;
    }
    if (!cov.packers.empty()) addf("- Packers / protectors: {}\n", code_list(cov.packers, false));
    if (cov.classes)
      addf("- Classes: {} ({} with one- or two-letter names, {:.1f}%)\n", cov.classes, cov.short_name_classes,
           cov.short_name_ratio * 100.0);
    addf("- Encrypted code: {}\n", cov.encrypted_code ? "yes" : "no");
    addf("- SDK list complete: {}\n", cov.sdk_list_incomplete ? "possibly not" : "no sign otherwise");
    for (const auto& n : cov.notes) addf("- {}\n", md(n));
    add("\n");
  }

  void endpoints() {
    std::size_t cleartext = 0, allowed = 0;
    for (const auto& e : r_.endpoints) {
      if (e.cleartext) ++cleartext;
      if (e.cleartext && e.cleartext_allowed == true) ++allowed;
    }
    addf("## Endpoints ({}; {} cleartext, {} of them allowed by the app)\n\n", r_.endpoints.size(), cleartext, allowed);
    const auto& cp = r_.cleartext_policy;
    if (cp.known) {
      addf("Cleartext policy: {} by default ({}).", cp.default_allowed ? "allowed" : "blocked", md(cp.source));
      for (const auto& rule : cp.rules)
        addf(" {} {}{}.", rule.allowed ? "Allowed for" : "Blocked for", c(rule.domain), rule.include_subdomains ? " and subdomains" : "");
      add("\n\n");
    }
    if (r_.endpoints.empty()) {
      add("No network address was found in the code or resources.\n\n");
      return;
    }
    add(table_head({"Host", "URL", "Owner", "Country", "Cleartext", "SDK", "Found in"}));
    for (const auto& e : r_.endpoints) {
      std::string host = tc(e.host);
      if (e.port) host += fmt::format(" port {}", *e.port);
      if (e.ip_literal) host += " (IP)";
      std::string owner = md(e.owner_name);
      if (e.first_party) owner += owner.empty() ? "first party" : " (first party)";
      std::vector<std::string> countries;
      if (!e.owner_country.empty()) countries.push_back(country(e.owner_country));
      if (!e.tld_country.empty() && e.tld_country != e.owner_country) countries.push_back("TLD " + country(e.tld_country));
      if (!e.geo_country.empty()) countries.push_back("GeoIP " + country(e.geo_country));
      std::string clear = !e.cleartext ? "no"
                          : e.cleartext_allowed == true  ? "**yes, allowed**"
                          : e.cleartext_allowed == false ? "yes, blocked"
                                                         : "**yes**";
      std::vector<std::string> found;
      for (const auto& s : e.sources) found.push_back(tc(s.location) + (s.holder.empty() ? "" : " " + tc(s.holder)));
      add(row({host, tc(e.url), owner, join(countries, "; "), clear, tc(e.sdk), join(found, "; ")}));
    }
    add("\n");
  }

  void ios() {
    if (!r_.ios.present) return;
    const auto& ios = r_.ios;
    add("## iOS\n\n");
    auto flag = [](const std::optional<bool>& b) { return b ? (*b ? "yes" : "no") : "not set"; };
    if (ios.ats.present)
      addf("- App Transport Security: arbitrary loads {}, media {}, web content {}, local networking {}\n",
           flag(ios.ats.allows_arbitrary_loads), flag(ios.ats.allows_arbitrary_loads_for_media),
           flag(ios.ats.allows_arbitrary_loads_in_web_content), flag(ios.ats.allows_local_networking));
    else
      add("- App Transport Security: not configured (platform default: HTTPS required)\n");
    for (const auto& e : ios.ats.exception_domains)
      addf("- ATS exception {}{}{}\n", c(e.domain), e.allows_insecure_http_loads.value_or(false) ? ": insecure HTTP allowed" : "",
           e.minimum_tls_version.empty() ? "" : ", minimum TLS " + md(e.minimum_tls_version));
    if (!ios.encrypted_binaries.empty()) addf("- FairPlay-encrypted: {}\n", code_list(ios.encrypted_binaries, false));
    addf("- Privacy manifests: {}\n", ios.privacy_manifests.size());
    for (const auto& m : ios.privacy_audit.undeclared_required_reason_apis)
      addf("- Undeclared required-reason API {}: {}\n", c(m.category), code_list(m.evidence, false));
    if (!ios.privacy_audit.undeclared_tracking_domains.empty())
      addf("- Undeclared tracking domains: {}\n", code_list(ios.privacy_audit.undeclared_tracking_domains, false));
    if (!ios.privacy_audit.sdks_without_manifest.empty())
      addf("- Listed SDKs without a privacy manifest: {}\n", code_list(ios.privacy_audit.sdks_without_manifest, false));
    add("\n");
  }

  void diagnostics() {
    addf("## Diagnostics ({})\n\n", r_.diagnostics.size());
    if (r_.diagnostics.empty()) {
      add("Every part of the input was read.\n\n");
      return;
    }
    add(table_head({"Severity", "Code", "Where", "Message"}));
    for (const auto& d : r_.diagnostics)
      add(row({md(to_string(d.severity)), tc(d.code), d.where.empty() ? std::string("(input)") : tc(d.where), md(d.message)}));
    add("\n");
  }
};

}  // namespace

std::string write_markdown_report(const ScanResult& r) { return MarkdownWriter(r).write(); }

}  // namespace sdkscope
