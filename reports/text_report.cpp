#include "reports/text_report.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <fmt/format.h>

#include "reports/countries.hpp"
#include "reports/diff.hpp"

namespace sdkscope {

namespace {

struct Style {
  bool on;
  std::string wrap(std::string_view code, std::string_view s) const {
    return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : std::string(s);
  }
  std::string bold(std::string_view s) const { return wrap("1", s); }
  std::string dim(std::string_view s) const { return wrap("2", s); }
  std::string red(std::string_view s) const { return wrap("31", s); }
  std::string green(std::string_view s) const { return wrap("32", s); }
  std::string yellow(std::string_view s) const { return wrap("33", s); }
};

std::string human_size(std::uint64_t n) {
  if (n >= (1ull << 30)) return fmt::format("{:.1f} GB", static_cast<double>(n) / (1ull << 30));
  if (n >= (1ull << 20)) return fmt::format("{:.1f} MB", static_cast<double>(n) / (1ull << 20));
  if (n >= 1024) return fmt::format("{:.1f} KB", static_cast<double>(n) / 1024);
  return fmt::format("{} B", n);
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::size_t width(const std::string& s) { return display_width(s); }

// Pads to a display width (terminal columns, not bytes).
std::string pad(const std::string& s, std::size_t w) {
  std::size_t cps = width(s);
  return cps >= w ? s + " " : s + std::string(w - cps, ' ');
}

// A control character in an app-supplied string would move the cursor or recolour the terminal.
std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  return out;
}

bool sensitive_country(const std::string& c) { return c == "CN" || c == "RU"; }

// A table whose columns are as wide as their widest cell (header included).
struct Table {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> widths;
  void add(std::vector<std::string> row) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
    rows.push_back(std::move(row));
  }
  // Cell text padded to its column; the last column is not padded.
  std::string cell(const std::vector<std::string>& row, std::size_t i) const {
    return i + 1 == row.size() ? row[i] : pad(row[i], widths[i] + 2);
  }
};

const std::array<std::string_view, 5> kSeverities{"critical", "high", "medium", "low", "info"};

}  // namespace

std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size()) {  // a stray byte: the terminal shows one replacement glyph
      ++w;
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? c : c & (0x7f >> len);
    bool valid = true;
    for (std::size_t k = 1; k < len; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xc0) != 0x80) valid = false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (!valid) {
      ++w;
      ++i;
      continue;
    }
    i += len;
    if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) continue;
    bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp != 0x303f) ||
                (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
                (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
                (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

std::optional<ColorMode> parse_color_mode(std::string_view s) {
  if (s == "auto") return ColorMode::automatic;
  if (s == "always") return ColorMode::always;
  if (s == "never") return ColorMode::never;
  return std::nullopt;
}

bool use_color(ColorMode mode, bool is_terminal, const char* no_color_env) {
  switch (mode) {
    case ColorMode::always:
      return true;
    case ColorMode::never:
      return false;
    case ColorMode::automatic:
      return is_terminal && !(no_color_env && *no_color_env);
  }
  return false;
}

std::string write_text_report(const ScanResult& r, const TextOptions& opts) {
  Style st{opts.color};
  std::string out;
  auto line = [&](const std::string& s) {
    auto end = s.find_last_not_of(' ');
    out.append(s, 0, end == std::string::npos ? 0 : end + 1);
    out += '\n';
  };

  // Identity.
  line(st.bold(fmt::format("sdkscope {}", r.scanner.version)) +
       st.dim(fmt::format("  signatures {} ({} SDKs)", r.scanner.signatures_version, r.scanner.signatures_count)));
  line(fmt::format("Input     {}  {}, {}, sha256 {}", printable(r.input.path), r.input.format, human_size(r.input.size),
                   r.input.sha256.substr(0, 16)));
  if (!r.app.platform.empty() || !r.app.id.empty()) {
    std::string ver = printable(r.app.version_name);
    if (r.app.version_code) ver += fmt::format(" ({})", *r.app.version_code);
    std::string os;
    if (r.app.min_sdk) os += fmt::format(" min {}", *r.app.min_sdk);
    if (r.app.target_sdk) os += fmt::format(" target {}", *r.app.target_sdk);
    if (!r.app.min_os.empty()) os += " min iOS " + printable(r.app.min_os);
    line(fmt::format("App       {}{}  {}  {}{}", r.app.id.empty() ? "?" : printable(r.app.id),
                     r.app.name.empty() ? "" : " \"" + printable(r.app.name) + "\"", ver, r.app.platform, os));
  }
  if (r.app.parts.size() > 1) line(fmt::format("Parts     {} (splits, modules or nested APKs)", r.app.parts.size()));
  if (!r.app.frameworks.empty()) line("Framework " + join(r.app.frameworks, ", "));
  if (r.policy.evaluated) {
    std::string name = r.policy.name.empty() ? printable(r.policy.path) : printable(r.policy.name);
    line(r.policy.passed ? st.green(fmt::format("Policy    PASS  {}", name))
                         : st.red(fmt::format("Policy    FAIL  {}: {} violation{}", name, r.policy.violations,
                                              r.policy.violations == 1 ? "" : "s")));
  }
  // The coverage warning qualifies the SDK list, so it comes before it.
  if (r.coverage.sdk_list_incomplete) {
    std::string why = r.coverage.notes.empty() ? "" : ": " + printable(join(r.coverage.notes, " "));
    line(st.yellow("Warning   the SDK list may be incomplete" + why));
  }

  // SDKs.
  line("");
  line(st.bold(fmt::format("SDKs ({})", r.sdks.size())));
  if (r.sdks.empty()) {
    line("  none detected");
  } else {
    Table t;
    t.add({"name", "vendor", "country", "version", "confidence"});
    for (const auto& s : r.sdks)
      t.add({(s.part_of.empty() ? "" : "  ") + printable(s.name), printable(s.vendor.name), s.vendor.country.empty() ? "-" : s.vendor.country,
             s.version.empty() ? "-" : printable(s.version), s.confidence});
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      const auto& row = t.rows[i];
      std::string text;
      for (std::size_t c = 0; c < row.size(); ++c) text += t.cell(row, c);
      if (i == 0) text = st.dim(text);
      else if (sensitive_country(r.sdks[i - 1].vendor.country)) text = st.yellow(text);
      line("  " + text);
    }
    // Distinct vendors with their HQ country: who the app's third parties are, in one line.
    std::set<std::string> vendors;
    for (const auto& s : r.sdks)
      vendors.insert(printable(s.vendor.name) + (s.vendor.country.empty() ? "" : " (" + s.vendor.country + ")"));
    line(st.dim("  vendors: ") + join(std::vector<std::string>(vendors.begin(), vendors.end()), ", "));
  }

  // Permissions: counts, the dangerous ones listed.
  std::vector<const PermissionInfo*> dangerous;
  for (const auto& p : r.permissions)
    if (is_dangerous_permission(p.protection)) dangerous.push_back(&p);
  line("");
  line(st.bold(fmt::format("Permissions ({}; {} dangerous)", r.permissions.size(), dangerous.size())));
  {
    Table t;
    for (std::size_t i = 0; i < dangerous.size() && i < opts.max_permissions; ++i) {
      const auto& p = *dangerous[i];
      std::string data = p.data.empty() ? "" : join(p.data, ",");
      t.add({printable(p.name), data, p.sdks.empty() ? "" : "needed by " + join(p.sdks, ",")});
    }
    for (const auto& row : t.rows) line("  " + st.red(t.cell(row, 0)) + t.cell(row, 1) + st.dim(t.cell(row, 2)));
    if (dangerous.size() > opts.max_permissions)
      line(st.dim(fmt::format("  ... {} more in the JSON report", dangerous.size() - opts.max_permissions)));
  }

  // Endpoints: counts, the cleartext ones listed.
  std::vector<const EndpointInfo*> cleartext;
  for (const auto& e : r.endpoints)
    if (e.cleartext) cleartext.push_back(&e);
  std::size_t allowed = static_cast<std::size_t>(
      std::count_if(cleartext.begin(), cleartext.end(), [](const EndpointInfo* e) { return e->cleartext_allowed == true; }));
  std::set<std::string> hosts;
  for (const auto& e : r.endpoints) hosts.insert(e.host);
  line("");
  line(st.bold(fmt::format("Endpoints ({} on {} hosts; {} cleartext, {} of them allowed by the app's policy)", r.endpoints.size(),
                           hosts.size(), cleartext.size(), allowed)));
  {
    Table t;
    for (std::size_t i = 0; i < cleartext.size() && i < opts.max_endpoints; ++i) {
      const auto& e = *cleartext[i];
      std::string addr = e.url.empty() ? e.host + (e.port ? fmt::format(":{}", *e.port) : "") : e.url;
      if (addr.size() > 70) {
        std::size_t cut = 67;
        while (cut > 0 && (static_cast<unsigned char>(addr[cut]) & 0xc0) == 0x80) --cut;  // not inside a UTF-8 sequence
        addr = addr.substr(0, cut) + "...";
      }
      std::string owner = e.owner_name.empty() ? (e.first_party ? "(first party)" : "")
                                               : e.owner_name + (e.owner_country.empty() ? "" : " (" + e.owner_country + ")");
      t.add({printable(addr), printable(owner), e.sdk, e.cleartext_allowed == true ? "allowed" : ""});
    }
    for (const auto& row : t.rows) {
      std::string text = t.cell(row, 0) + t.cell(row, 1) + t.cell(row, 2) + t.cell(row, 3);
      line("  " + (row[3].empty() ? text : st.red(text)));
    }
    if (cleartext.size() > opts.max_endpoints)
      line(st.dim(fmt::format("  ... {} more cleartext endpoints in the JSON report", cleartext.size() - opts.max_endpoints)));
  }

  // Data flows: one line per third party.
  if (!r.data_flows.empty()) {
    line("");
    line(st.bold(fmt::format("Data flows ({}; home jurisdiction {})", r.data_flows.size(), r.home_jurisdiction)));
    Table t;
    for (const auto& f : r.data_flows) {
      std::string vendor = printable(f.vendor.name) + (f.vendor.country.empty() ? "" : " (" + f.vendor.country + ")");
      if (!f.vendor.chain.empty()) vendor += " <- " + printable(join(f.vendor.chain, " <- "));
      std::string flags = std::string(f.cross_border ? "cross-border" : "") + (f.china ? (f.cross_border ? ", China" : "China") : "");
      t.add({vendor, "-> " + (f.destinations.empty() ? std::string("?") : join(f.destinations, ",")), flags,
             fmt::format("{} SDK{}; data: {}", f.sdks.size(), f.sdks.size() == 1 ? "" : "s", f.data.empty() ? "-" : join(f.data, ", "))});
    }
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      const auto& row = t.rows[i];
      std::string head = t.cell(row, 0) + t.cell(row, 1) + t.cell(row, 2);
      line("  " + (r.data_flows[i].cross_border ? st.yellow(head) : head) + st.dim(t.cell(row, 3)));
    }
  }

  // Findings, most severe first, one line each.
  if (!r.findings.empty()) {
    std::map<std::string, std::size_t> by_severity;
    std::size_t waived = 0;
    for (const auto& f : r.findings) {
      if (f.waived) ++waived;
      else ++by_severity[f.severity];
    }
    std::vector<std::string> counts;
    for (auto s : kSeverities)
      if (auto it = by_severity.find(std::string(s)); it != by_severity.end()) counts.push_back(fmt::format("{} {}", it->second, s));
    if (waived) counts.push_back(fmt::format("{} waived", waived));
    line("");
    line(st.bold(fmt::format("Findings ({}: {})", r.findings.size(), join(counts, ", "))));
    std::vector<const Finding*> sorted;
    for (const auto& f : r.findings) sorted.push_back(&f);
    auto rank = [](const std::string& s) {
      auto it = std::find(kSeverities.begin(), kSeverities.end(), s);
      return static_cast<std::size_t>(it - kSeverities.begin());
    };
    std::stable_sort(sorted.begin(), sorted.end(), [&](const Finding* a, const Finding* b) {
      return std::pair(a->waived, rank(a->severity)) < std::pair(b->waived, rank(b->severity));
    });
    Table t;
    for (std::size_t i = 0; i < sorted.size() && i < opts.max_findings; ++i) {
      const auto& f = *sorted[i];
      std::string text = printable(f.message.empty() ? f.title : f.message);
      if (!f.sdks.empty()) text += " [" + join(f.sdks, ",") + "]";
      if (f.waived) text += " (waived" + (f.waiver.empty() ? std::string() : ": " + printable(f.waiver)) + ")";
      t.add({f.waived ? "waived" : f.severity, f.check, text});
    }
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      const auto& row = t.rows[i];
      const auto& f = *sorted[i];
      std::string sev = t.cell(row, 0);
      if (f.waived) sev = st.dim(sev);
      else if (f.severity == "critical" || f.severity == "high") sev = st.red(sev);
      else if (f.severity == "medium") sev = st.yellow(sev);
      line("  " + sev + t.cell(row, 1) + t.cell(row, 2));
    }
    if (sorted.size() > opts.max_findings)
      line(st.dim(fmt::format("  ... {} more in the JSON report", sorted.size() - opts.max_findings)));
  }

  // iOS: transport security and the privacy-manifest audit, one line each.
  if (r.ios.present) {
    const auto& ios = r.ios;
    line("");
    line(st.bold("iOS"));
    auto flag = [](const std::optional<bool>& b) { return b ? (*b ? "yes" : "no") : "-"; };
    if (ios.ats.present) {
      std::string ats = fmt::format("  ATS  arbitrary loads {}, media {}, web content {}, local networking {}; {} exception domains",
                                    flag(ios.ats.allows_arbitrary_loads), flag(ios.ats.allows_arbitrary_loads_for_media),
                                    flag(ios.ats.allows_arbitrary_loads_in_web_content), flag(ios.ats.allows_local_networking),
                                    ios.ats.exception_domains.size());
      line(ios.ats.allows_arbitrary_loads.value_or(false) ? st.red(ats) : ats);
    } else {
      line("  ATS  not configured (platform defaults: HTTPS required)");
    }
    if (!ios.encrypted_binaries.empty())
      line(st.yellow(fmt::format("  encrypted (App Store FairPlay): {}", printable(join(ios.encrypted_binaries, ", ")))));
    const auto& audit = ios.privacy_audit;
    line(fmt::format("  privacy manifests {}; undeclared required-reason APIs {}, undeclared tracking domains {}, "
                     "Apple-listed SDKs without a manifest {}",
                     ios.privacy_manifests.size(), audit.undeclared_required_reason_apis.size(),
                     audit.undeclared_tracking_domains.size(), audit.sdks_without_manifest.size()));
  }

  // Diagnostics: counts, errors and warnings listed.
  if (!r.diagnostics.empty()) {
    std::size_t counts[3] = {0, 0, 0};
    for (const auto& d : r.diagnostics) ++counts[static_cast<int>(d.severity)];
    std::vector<std::string> parts;
    for (auto sev : {Severity::error, Severity::warning, Severity::info})
      if (auto c = counts[static_cast<int>(sev)])
        parts.push_back(fmt::format("{} {}{}", c, to_string(sev), c == 1 || sev == Severity::info ? "" : "s"));
    line("");
    line(st.bold(fmt::format("Diagnostics ({}: {})", r.diagnostics.size(), join(parts, ", "))));
    std::size_t shown = 0;
    for (const auto& d : r.diagnostics) {
      if (d.severity == Severity::info) continue;
      if (shown++ == opts.max_diagnostics) {
        line(st.dim("  ... more in the JSON report"));
        break;
      }
      line(fmt::format("  {}{}{}: {}", pad(std::string(to_string(d.severity)), 8), pad(d.code, 28),
                       d.where.empty() ? "(input)" : printable(d.where), printable(d.message)));
    }
  }
  return out;
}

}  // namespace sdkscope
