#include "reports/html_report.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "reports/countries.hpp"
#include "reports/report_views.hpp"

namespace sdkscope {

namespace {

using views::display_text;
using views::join;

// ---------------------------------------------------------------------------------------------
// Escaping. Everything from the app (and the database) goes through esc(): display_text() first
// (valid UTF-8, no control or bidi-override characters), then the five HTML specials.

std::string esc(std::string_view s) { return views::html_text(s); }

/// An <a href> only for http(s) references from the check catalogue; anything else is text.
/// App-derived URLs never come through here: they are shown, not linked.
std::string reference_link(const std::string& url) {
  bool web = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  bool clean = std::none_of(url.begin(), url.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '`';
  });
  if (!web || !clean) return "<code>" + esc(url) + "</code>";
  return fmt::format(R"(<a href="{0}" rel="noreferrer noopener">{0}</a>)", esc(url));
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string scanner_label(const ScanResult& r) {
  return r.scanner.version.empty() ? std::string("sdkscope") : "sdkscope " + r.scanner.version;
}

std::string code(std::string_view s) { return "<code>" + esc(s) + "</code>"; }

std::string code_list(const std::vector<std::string>& v, std::string_view empty = "") {
  if (v.empty()) return esc(empty);
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + code(s);
  return out;
}

std::string text_list(const std::vector<std::string>& v, std::string_view empty = "") {
  if (v.empty()) return esc(empty);
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + esc(s);
  return out;
}

std::string country_html(std::string_view code) {
  if (code.empty()) return "";
  auto name = country_name(code);
  if (name.empty()) return esc(code);
  return fmt::format(R"({} <span class="cc">{}</span>)", esc(name), esc(code));
}

std::string severity_badge(std::string_view sev) {
  std::string cls = views::severity_rank(sev) < std::size(views::kSeverities) ? std::string(sev) : "unrated";
  return fmt::format(R"(<span class="sev sev-{}">{}</span>)", cls, esc(sev.empty() ? "unrated" : sev));
}

std::string confidence_badge(std::string_view conf) {
  std::string cls = conf == "high" || conf == "medium" || conf == "low" ? std::string(conf) : "unknown";
  return fmt::format(R"(<span class="conf conf-{}">{}</span>)", cls, esc(conf.empty() ? "unknown" : conf));
}

std::string base64(const std::vector<std::uint8_t>& data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == data.size()) {
    std::uint32_t v = std::uint32_t{data[i]} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

bool is_png(const std::vector<std::uint8_t>& b) {
  static constexpr std::uint8_t kSig[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  return b.size() > sizeof kSig && std::equal(std::begin(kSig), std::end(kSig), b.begin());
}

/// Shortens to `max` code points (UTF-8 aware) with an ellipsis.
std::string shorten(const std::string& s, std::size_t max) {
  std::size_t cps = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) {
      if (cps == max) break;
      ++cps;
    }
  }
  if (i >= s.size()) return s;
  // back up one code point to make room for the ellipsis
  std::size_t cut = i;
  do {
    --cut;
  } while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80);
  return s.substr(0, cut) + "\xE2\x80\xA6";
}

// ---------------------------------------------------------------------------------------------
// Inline SVG horizontal bar chart. Integer geometry only, so output is byte-stable.

std::string bar_chart(std::string_view id, std::string_view title, const views::Series& series,
                      std::size_t max_rows = 12) {
  std::string out = fmt::format(R"(<figure class="chart" id="{}"><figcaption>{}</figcaption>)", esc(id), esc(title));
  if (series.empty()) return out + R"(<p class="muted">No data.</p></figure>)";
  views::Series rows(series.begin(), series.begin() + static_cast<std::ptrdiff_t>(std::min(series.size(), max_rows)));
  if (series.size() > max_rows) {
    std::size_t rest = 0;
    for (std::size_t i = max_rows; i < series.size(); ++i) rest += series[i].second;
    rows.emplace_back(fmt::format("{} more", series.size() - max_rows), rest);
  }
  std::size_t max = 1;
  for (const auto& [label, n] : rows) max = std::max(max, n);
  constexpr int kLabelW = 230, kBarW = 340, kCountW = 50, kRowH = 24, kTop = 4;
  const int width = kLabelW + kBarW + kCountW;
  const int height = kTop * 2 + kRowH * static_cast<int>(rows.size());
  out += fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img" aria-label="{2}">)",
      width, height, esc(title));
  int y = kTop;
  for (const auto& [label, n] : rows) {
    int w = static_cast<int>((n * static_cast<std::size_t>(kBarW - 10)) / max);
    if (w < 2) w = 2;
    out += fmt::format(R"(<g><title>{}: {}</title>)", esc(label), n);
    out += fmt::format(R"(<text x="{}" y="{}" text-anchor="end" class="bar-label">{}</text>)", kLabelW - 8,
                       y + kRowH / 2 + 4, esc(shorten(label, 34)));
    out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" rx="2" class="bar"/>)", kLabelW, y + 3, w, kRowH - 6);
    out += fmt::format(R"(<text x="{}" y="{}" class="bar-count">{}</text></g>)", kLabelW + w + 6, y + kRowH / 2 + 4, n);
    y += kRowH;
  }
  return out + "</svg></figure>";
}

// ---------------------------------------------------------------------------------------------

constexpr std::string_view kStyle = R"CSS(
:root{--fg:#1d2330;--muted:#5b6475;--bg:#ffffff;--panel:#f5f7fa;--line:#d9dee7;--accent:#2f5fb3;
--crit:#6a1b9a;--high:#c62828;--med:#e65100;--low:#8d6e00;--info:#546e7a;--ok:#2e7d32;}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--fg);background:var(--bg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:0 24px 48px}
header.top{background:var(--panel);border-bottom:1px solid var(--line);padding:20px 0 14px}
header.top .inner{max-width:1240px;margin:0 auto;padding:0 24px;display:flex;gap:18px;align-items:flex-start}
header.top img.icon{width:64px;height:64px;border-radius:14px;flex:none;border:1px solid var(--line);background:#fff}
h1{font-size:26px;margin:0 0 2px;overflow-wrap:anywhere}
h2{font-size:20px;margin:34px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:16px;margin:22px 0 8px}
h4{font-size:14px;margin:14px 0 4px}
.sub{color:var(--muted);margin:0 0 10px;overflow-wrap:anywhere}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0;font-size:14px}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.verdict{margin:14px 0 0;padding:10px 14px;border-radius:6px;border-left:6px solid var(--info);background:#fff;font-weight:600}
.verdict.fail{border-color:var(--high)}
.verdict.pass{border-color:var(--ok)}
nav.toc{margin:16px 0 0;font-size:14px}
nav.toc a{margin-right:14px;color:var(--accent);text-decoration:none}
code{font:13px/1.35 ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;background:var(--panel);padding:0 3px;border-radius:3px;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:8px 0 14px;font-size:14px}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:var(--panel);font-weight:600;overflow-wrap:normal;hyphens:none}
table.perms,table.evidence,table.endpoints{table-layout:fixed}
table.evidence th:nth-child(1){width:19%}table.evidence th:nth-child(2){width:30%}table.evidence th:nth-child(4){width:14%}
table.endpoints th:nth-child(1){width:27%}table.endpoints th:nth-child(2){width:13%}table.endpoints th:nth-child(3){width:14%}
table.endpoints th:nth-child(4){width:11%}table.endpoints th:nth-child(5){width:13%}
table.perms th:nth-child(1){width:32%}table.perms th:nth-child(2){width:11%}
table.perms th:nth-child(3){width:27%}table.perms th:nth-child(4){width:12%}
tbody tr:nth-child(even){background:#fafbfc}
td.num{text-align:right;white-space:nowrap}
.muted{color:var(--muted)}
.cc{color:var(--muted);font-size:12px}
.sev,.conf,.tag{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.sev-critical{background:var(--crit)}.sev-high{background:var(--high)}.sev-medium{background:var(--med)}
.sev-low{background:var(--low)}.sev-info,.sev-unrated{background:var(--info)}
.conf{color:var(--fg);border:1px solid var(--line);background:#fff;font-weight:500}
.tag{background:var(--info)}
.tag.warn{background:var(--high)}.tag.cn{background:#b71c1c}.tag.waived{background:#78909c}
.tag.ok{background:var(--ok)}
details>summary{cursor:pointer;color:var(--accent)}
details ul{margin:4px 0;padding-left:18px}
.finding{border:1px solid var(--line);border-left:6px solid var(--info);border-radius:6px;padding:10px 14px;margin:10px 0;break-inside:avoid}
.finding.critical{border-left-color:var(--crit)}.finding.high{border-left-color:var(--high)}
.finding.medium{border-left-color:var(--med)}.finding.low{border-left-color:var(--low)}
.finding.waived{opacity:.75;background:var(--panel)}
.finding h4{margin:0 0 4px;font-size:15px}
.finding p{margin:4px 0}
.note{padding:10px 14px;border-radius:6px;background:#fff8e1;border:1px solid #ffe082}
.charts{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
figure.chart{margin:0;padding:10px;border:1px solid var(--line);border-radius:6px;flex:1 1 560px;max-width:660px}
figure.chart figcaption{font-weight:600;margin-bottom:6px}
figure.chart svg{max-width:100%;height:auto}
svg .bar{fill:var(--accent)}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--fg)}
footer{margin-top:40px;color:var(--muted);font-size:13px;border-top:1px solid var(--line);padding-top:10px}
@media print{
  body{font-size:11pt}
  header.top{background:none;border-bottom:2px solid #000}
  nav.toc{display:none}
  main{max-width:none;padding:0}
  h2{break-after:avoid}
  tr,.finding,figure.chart{break-inside:avoid}
  a{color:inherit;text-decoration:none}
  details>summary{color:inherit}
  details::details-content{content-visibility:visible;display:block}
  .sev,.tag,svg .bar{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  tbody tr:nth-child(even){background:none}
}
)CSS";

class HtmlWriter {
 public:
  HtmlWriter(const ScanResult& r, const HtmlOptions& o) : r_(r), o_(o) {}

  std::string write() {
    head();
    header();
    out_ += "<main>\n";
    sdks();
    charts();
    data_flows();
    permissions();
    findings();
    coverage();
    endpoints();
    ios();
    diagnostics();
    footer();
    out_ += "</main>\n</body>\n</html>\n";
    return std::move(out_);
  }

 private:
  const ScanResult& r_;
  const HtmlOptions& o_;
  std::string out_;

  void add(std::string_view s) { out_ += s; }
  template <typename... Args>
  void addf(fmt::format_string<Args...> f, Args&&... args) {
    out_ += fmt::format(f, std::forward<Args>(args)...);
  }

  void head() {
    add("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    // Nothing loads from anywhere: no scripts, no fetches; inline style and data: images only.
    add("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'\">\n");
    add("<meta name=\"referrer\" content=\"no-referrer\">\n");
    add("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    add("<meta name=\"generator\" content=\"sdkscope\">\n");
    std::string title = views::app_title(r_);
    if (!r_.app.id.empty() && r_.app.id != title) title += " (" + r_.app.id + ")";
    addf("<title>sdkscope report: {}</title>\n", esc(title));
    add("<style>");
    add(kStyle);
    add("</style>\n</head>\n<body>\n");
  }

  void header() {
    add("<header class=\"top\" id=\"summary\"><div class=\"inner\">\n");
    if (is_png(o_.icon_png)) addf("<img class=\"icon\" alt=\"app icon\" src=\"data:image/png;base64,{}\">\n", base64(o_.icon_png));
    add("<div class=\"head\">\n");
    addf("<h1>{}</h1>\n", esc(views::app_title(r_)));
    std::vector<std::string> sub;
    if (!r_.app.id.empty()) sub.push_back(code(r_.app.id));
    if (auto v = views::version_label(r_.app); !v.empty()) sub.push_back("version " + esc(v));
    if (!r_.app.platform.empty()) sub.push_back(esc(views::platform_label(r_.app.platform)));
    else sub.push_back("SDK artifact (no app identity)");
    if (r_.app.min_sdk) sub.push_back(fmt::format("min SDK {}", *r_.app.min_sdk));
    if (r_.app.target_sdk) sub.push_back(fmt::format("target SDK {}", *r_.app.target_sdk));
    if (!r_.app.min_os.empty()) sub.push_back("min iOS " + esc(r_.app.min_os));
    addf("<p class=\"sub\">{}</p>\n", join(sub, " &middot; "));
    add("<dl class=\"facts\">\n");
    addf("<dt>Input</dt><dd>{} ({}, {})</dd>\n", code(r_.input.path), esc(r_.input.format),
         esc(views::human_size(r_.input.size)));
    addf("<dt>SHA-256</dt><dd>{}</dd>\n", code(r_.input.sha256));
    if (!r_.app.frameworks.empty()) addf("<dt>App framework</dt><dd>{}</dd>\n", code_list(r_.app.frameworks));
    if (r_.app.parts.size() > 1)
      addf("<dt>Parts</dt><dd>{} (splits, modules or nested packages)</dd>\n", r_.app.parts.size());
    addf("<dt>Scanner</dt><dd>{}, signatures {} ({} SDKs)</dd>\n", esc(scanner_label(r_)), esc(r_.scanner.signatures_version),
         r_.scanner.signatures_count);
    if (!r_.home_jurisdiction.empty()) addf("<dt>Home jurisdiction</dt><dd>{}</dd>\n", country_html(r_.home_jurisdiction));
    add("</dl>\n");
    std::string cls = r_.policy.evaluated ? (r_.policy.passed ? "pass" : "fail") : "none";
    addf("<p class=\"verdict {}\" id=\"verdict\">{}</p>\n", cls, esc(views::verdict_line(r_)));
    add("<nav class=\"toc\"><a href=\"#sdks\">SDKs</a><a href=\"#charts\">Charts</a><a href=\"#data-flows\">Data flows</a>"
        "<a href=\"#permissions\">Permissions</a><a href=\"#findings\">Findings</a><a href=\"#coverage\">Coverage</a>"
        "<a href=\"#endpoints\">Endpoints</a>");
    if (r_.ios.present) add("<a href=\"#ios\">iOS</a>");
    add("<a href=\"#diagnostics\">Diagnostics</a></nav>\n");
    add("</div></div></header>\n");
  }

  void sdks() {
    std::size_t high = 0;
    std::set<std::string> vendors, countries;
    for (const auto& s : r_.sdks) {
      if (s.confidence == "high") ++high;
      vendors.insert(s.vendor.id);
      if (!s.vendor.country.empty()) countries.insert(s.vendor.country);
    }
    addf("<section id=\"sdks\">\n<h2>Third-party SDKs ({})</h2>\n", r_.sdks.size());
    if (r_.sdks.empty()) {
      add("<p>No SDK was detected.</p>\n");
      if (r_.coverage.sdk_list_incomplete) addf("<p class=\"note\">{}</p>\n", esc(views::kAbsenceNote));
      add("</section>\n");
      return;
    }
    addf("<p class=\"muted\">{} from {} in {}; {} detected with high confidence.</p>\n", plural(r_.sdks.size(), "SDK", "SDKs"),
         plural(vendors.size(), "vendor", "vendors"), plural(countries.size(), "country", "countries"), high);
    if (r_.coverage.sdk_list_incomplete) addf("<p class=\"note\">{}</p>\n", esc(views::kAbsenceNote));
    add("<table class=\"sdks\"><thead><tr><th>SDK</th><th>Vendor</th><th>Vendor country</th><th>Categories</th>"
        "<th>Version</th><th>Confidence</th><th>Evidence</th></tr></thead>\n<tbody>\n");
    for (const auto& s : r_.sdks) {
      add("<tr>");
      std::string name = "<strong>" + esc(s.name.empty() ? s.id : s.name) + "</strong><br>" + code(s.id);
      if (!s.part_of.empty()) name += "<br><span class=\"muted\">part of " + code(s.part_of) + "</span>";
      if (!s.maven.empty()) name += "<br><span class=\"muted\">Maven " + code(s.maven) + "</span>";
      if (!s.cocoapod.empty()) name += "<br><span class=\"muted\">CocoaPod " + code(s.cocoapod) + "</span>";
      addf("<td>{}</td>", name);
      std::string vendor = esc(s.vendor.name.empty() ? s.vendor.id : s.vendor.name);
      if (!s.vendor.chain.empty()) vendor += "<br><span class=\"muted\">part of " + text_list(s.vendor.chain) + "</span>";
      addf("<td>{}</td>", vendor);
      std::string country = country_html(s.vendor.country);
      if (!s.vendor.data_jurisdiction.empty() && s.vendor.data_jurisdiction != s.vendor.country)
        country += "<br><span class=\"muted\">data: " + country_html(s.vendor.data_jurisdiction) + "</span>";
      addf("<td>{}</td>", country.empty() ? "<span class=\"muted\">unknown</span>" : country);
      addf("<td>{}</td>", text_list(s.categories));
      addf("<td>{}</td>", s.version.empty() ? "<span class=\"muted\">not revealed</span>" : esc(s.version));
      addf("<td>{}</td>", confidence_badge(s.confidence));
      addf("<td><details><summary>{}</summary>", esc(views::sdk_evidence_summary(s)));
      for (const auto& g : views::sdk_evidence(s)) {
        addf("<h4>{}</h4>", esc(g.label));
        if (g.items.empty()) continue;
        add("<ul>");
        for (const auto& item : g.items) addf("<li>{}</li>", code(item));
        add("</ul>");
      }
      add("</details></td></tr>\n");
    }
    add("</tbody></table>\n</section>\n");
  }

  void charts() {
    add("<section id=\"charts\">\n<h2>At a glance</h2>\n<div class=\"charts\">\n");
    add(bar_chart("chart-sdk-countries", "SDKs by vendor country", views::sdks_by_vendor_country(r_)));
    add("\n");
    add(bar_chart("chart-sdk-categories", "SDKs by category", views::sdks_by_category(r_)));
    add("\n");
    add(bar_chart("chart-endpoint-countries", "Endpoints by owner country", views::endpoints_by_owner_country(r_)));
    add("\n</div>\n</section>\n");
  }

  void data_flows() {
    add("<section id=\"data-flows\">\n<h2>Data flows to third parties</h2>\n");
    std::string home = r_.home_jurisdiction.empty() ? std::string("unknown") : r_.home_jurisdiction;
    std::size_t cross = static_cast<std::size_t>(
        std::count_if(r_.data_flows.begin(), r_.data_flows.end(), [](const DataFlow& f) { return f.cross_border; }));
    if (r_.data_flows.empty()) {
      add("<p>No third-party data flow was inferred.</p>\n</section>\n");
      return;
    }
    addf("<p class=\"muted\">{} vendors receive data; {} of them across the border of the home jurisdiction ({}). "
         "Data categories are what the SDKs document collecting plus what the app's permissions let them read.</p>\n",
         r_.data_flows.size(), cross, country_html(home));
    add("<table class=\"flows\"><thead><tr><th>Vendor</th><th>SDKs</th><th>Data categories</th><th>Destinations</th>"
        "<th>Cross-border</th><th>Legal hook</th><th>Transfer notes</th></tr></thead>\n<tbody>\n");
    for (const auto& f : r_.data_flows) {
      std::string vendor = "<strong>" + esc(f.vendor.name.empty() ? f.vendor.id : f.vendor.name) + "</strong>";
      if (!f.vendor.country.empty()) vendor += "<br>" + country_html(f.vendor.country);
      if (!f.vendor.chain.empty()) vendor += "<br><span class=\"muted\">part of " + text_list(f.vendor.chain) + "</span>";
      // The vendor's own country is shown already; flag a parent company in China.
      if (f.china && f.vendor.country != "CN") vendor += " <span class=\"tag cn\">parent in China</span>";
      std::string sdks = code_list(f.sdks);
      if (!f.endpoints.empty()) {
        sdks += fmt::format("<details><summary>{} host{}</summary><ul>", f.endpoints.size(), f.endpoints.size() == 1 ? "" : "s");
        for (const auto& h : f.endpoints) sdks += "<li>" + code(h) + "</li>";
        sdks += "</ul></details>";
      }
      std::string dest;
      for (const auto& d : f.destinations) dest += (dest.empty() ? "" : "<br>") + country_html(d);
      std::string notes;
      for (const auto& n : f.transfer_notes) notes += "<li>" + esc(n) + "</li>";
      if (!notes.empty()) notes = "<ul>" + notes + "</ul>";
      addf("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", vendor, sdks,
           text_list(f.data, "none documented"), dest,
           f.cross_border ? "<span class=\"tag warn\">yes</span>" : "<span class=\"tag ok\">no</span>", esc(f.legal_hook),
           notes);
    }
    add("</tbody></table>\n</section>\n");
  }

  void permissions() {
    std::size_t dangerous = static_cast<std::size_t>(std::count_if(
        r_.permissions.begin(), r_.permissions.end(), [](const PermissionInfo& p) { return p.protection == "dangerous"; }));
    addf("<section id=\"permissions\">\n<h2>Permissions ({}; {} dangerous)</h2>\n", r_.permissions.size(), dangerous);
    if (r_.permissions.empty()) {
      add("<p>The app requests no permission.</p>\n</section>\n");
      return;
    }
    add("<p class=\"muted\">Grouped by the category of data each permission opens; a permission that opens two categories "
        "is listed under both. \"Needed by\" names detected SDKs whose documentation requires the permission.</p>\n");
    for (const auto& g : views::permissions_by_data(r_)) {
      addf("<h3>{}</h3>\n", g.category.empty() ? std::string("No data category") : esc(g.category));
      add("<table class=\"perms\"><thead><tr><th>Permission</th><th>Protection</th><th>Description</th>"
          "<th>Requested by</th><th>Needed by SDKs</th></tr></thead>\n<tbody>\n");
      for (const auto* p : g.permissions) {
        std::string name = code(p->name);
        if (p->max_sdk) name += fmt::format(" <span class=\"muted\">(up to API {})</span>", *p->max_sdk);
        std::string prot = p->protection == "dangerous" ? "<span class=\"tag warn\">dangerous</span>" : esc(p->protection);
        addf("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", name, prot, esc(p->description),
             code_list(p->sources), code_list(p->sdks));
      }
      add("</tbody></table>\n");
    }
    add("</section>\n");
  }

  void finding_html(const Finding& f) {
    std::size_t rank = views::severity_rank(f.severity);
    std::string cls = rank < std::size(views::kSeverities) ? f.severity : "unrated";
    addf("<article class=\"finding {}{}\">\n", cls, f.waived ? " waived" : "");
    addf("<h4>{} {}{}</h4>\n", severity_badge(f.severity), esc(f.title.empty() ? f.check : f.title),
         f.waived ? " <span class=\"tag waived\">waived</span>" : "");
    std::vector<std::string> meta{code(f.check)};
    if (!f.category.empty()) meta.push_back("category " + esc(f.category));
    if (!f.confidence.empty()) meta.push_back("confidence " + confidence_badge(f.confidence));
    if (!f.sdks.empty()) meta.push_back("SDKs " + code_list(f.sdks));
    addf("<p class=\"muted\">{}</p>\n", join(meta, " &middot; "));
    if (!f.message.empty()) addf("<p>{}</p>\n", esc(f.message));
    if (f.waived)
      addf("<p><strong>Waived:</strong> {}</p>\n", f.waiver.empty() ? "no justification given" : esc(f.waiver));
    if (!f.evidence.empty()) {
      std::size_t total = std::max(f.evidence_total, f.evidence.size());
      addf("<details open><summary>Evidence ({}{})</summary>\n", f.evidence.size(),
           total > f.evidence.size() ? fmt::format(" of {}", total) : "");
      add("<table class=\"evidence\"><thead><tr><th>Artifact</th><th>Where</th><th>What</th><th>SDK</th></tr></thead><tbody>\n");
      for (const auto& e : f.evidence)
        addf("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
             e.artifact.empty() ? "<span class=\"muted\">(input)</span>" : code(e.artifact), code(e.logical), esc(e.detail),
             e.sdk.empty() ? "" : code(e.sdk));
      add("</tbody></table>\n");
      if (total > f.evidence.size())
        addf("<p class=\"muted\">{} more not shown (the JSON report caps evidence at {} items per finding).</p>\n",
             total - f.evidence.size(), kMaxFindingEvidence);
      add("</details>\n");
    }
    if (const CheckInfo* c = views::find_check(r_, f.check)) {
      if (!c->description.empty()) addf("<p><strong>Why it matters:</strong> {}</p>\n", esc(c->description));
      if (!c->remediation.empty()) addf("<p><strong>Remediation:</strong> {}</p>\n", esc(c->remediation));
      std::vector<std::string> refs;
      if (!c->cwe.empty()) refs.push_back(text_list(c->cwe));
      if (!c->masvs.empty()) refs.push_back(text_list(c->masvs));
      if (!refs.empty()) addf("<p class=\"muted\">{}</p>\n", join(refs, " &middot; "));
      if (!c->references.empty()) {
        add("<ul class=\"refs\">");
        for (const auto& u : c->references) addf("<li>{}</li>", reference_link(u));
        add("</ul>\n");
      }
    }
    add("</article>\n");
  }

  void findings() {
    auto counts = views::count_findings(r_);
    addf("<section id=\"findings\">\n<h2>Findings ({}{})</h2>\n", counts.unwaived,
         counts.waived ? fmt::format(" + {} waived", counts.waived) : "");
    if (r_.policy.evaluated) policy();
    if (r_.findings.empty()) {
      add(r_.checks.empty() ? "<p>No checks were run on this input.</p>\n"
                            : fmt::format("<p>None of the {} checks fired.</p>\n", r_.checks.size()));
      add("</section>\n");
      return;
    }
    if (!r_.checks.empty())
      addf("<p class=\"muted\">{} checks evaluated; {}.</p>\n", r_.checks.size(),
           counts.unwaived ? esc(views::severity_summary(counts)) : "none fired unwaived");
    for (std::size_t rank = 0; rank <= std::size(views::kSeverities); ++rank) {
      std::vector<const Finding*> group;
      for (const auto& f : r_.findings)
        if (views::severity_rank(f.severity) == rank) group.push_back(&f);
      if (group.empty()) continue;
      std::string label = rank < std::size(views::kSeverities) ? std::string(views::kSeverities[rank]) : "unrated";
      label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
      addf("<h3 id=\"findings-{}\">{} ({})</h3>\n", rank < std::size(views::kSeverities) ? views::kSeverities[rank] : "unrated",
           label, group.size());
      for (const auto* f : group) finding_html(*f);
    }
    add("</section>\n");
  }

  void policy() {
    const auto& p = r_.policy;
    add("<div id=\"policy\">\n");
    addf("<h3>Policy {}: {}</h3>\n", p.name.empty() ? std::string("(unnamed)") : esc(p.name),
         p.passed ? "<span class=\"tag ok\">passed</span>" : "<span class=\"tag warn\">failed</span>");
    addf("<p class=\"muted\">{} unwaived violation{}{}.</p>\n", p.violations, p.violations == 1 ? "" : "s",
         p.path.empty() ? "" : "; policy file " + code(p.path));
    if (!p.waivers.empty()) {
      add("<table class=\"waivers\"><thead><tr><th>Allowlist entry</th><th>Justification</th><th>Expires</th>"
          "<th>Findings waived</th></tr></thead><tbody>\n");
      for (const auto& w : p.waivers)
        addf("<tr><td>{}</td><td>{}</td><td>{}{}</td><td class=\"num\">{}</td></tr>\n", code(w.rule), esc(w.justification),
             w.expires.empty() ? "never" : esc(w.expires), w.expired ? " <span class=\"tag warn\">expired</span>" : "", w.used);
      add("</tbody></table>\n");
    }
    add("</div>\n");
  }

  void coverage() {
    const auto& c = r_.coverage;
    add("<section id=\"coverage\">\n<h2>Analysis coverage</h2>\n");
    if (c.sdk_list_incomplete || !c.packers.empty() || c.encrypted_code)
      addf("<p class=\"note\"><strong>The SDK list may be incomplete.</strong> {}</p>\n", esc(views::kAbsenceNote));
    if (!views::coverage_reported(c)) {
      addf("<p>No packer, encryption or heavy renaming was recorded. {}</p>\n",
           esc("Static matching still sees only what the bundle ships: code loaded at run time is out of reach."));
      add("</section>\n");
      return;
    }
    add("<dl class=\"facts\">\n");
    if (!c.packers.empty()) addf("<dt>Packers / protectors</dt><dd>{}</dd>\n", code_list(c.packers));
    if (c.classes)
      addf("<dt>Classes</dt><dd>{} ({} with one- or two-letter names, {:.1f}%)</dd>\n", c.classes, c.short_name_classes,
           c.short_name_ratio * 100.0);
    addf("<dt>Encrypted code</dt><dd>{}</dd>\n", c.encrypted_code ? "yes" : "no");
    addf("<dt>SDK list complete</dt><dd>{}</dd>\n", c.sdk_list_incomplete ? "possibly not" : "no sign otherwise");
    add("</dl>\n");
    if (!c.notes.empty()) {
      add("<ul>");
      for (const auto& n : c.notes) addf("<li>{}</li>", esc(n));
      add("</ul>\n");
    }
    add("</section>\n");
  }

  void endpoints() {
    std::size_t cleartext = 0, allowed = 0;
    for (const auto& e : r_.endpoints) {
      if (e.cleartext) ++cleartext;
      if (e.cleartext && e.cleartext_allowed == true) ++allowed;
    }
    addf("<section id=\"endpoints\">\n<h2>Endpoints ({}; {} cleartext, {} of them allowed by the app)</h2>\n",
         r_.endpoints.size(), cleartext, allowed);
    const auto& cp = r_.cleartext_policy;
    if (cp.known) {
      addf("<p class=\"muted\">Cleartext policy: {} by default ({}).", cp.default_allowed ? "allowed" : "blocked",
           esc(cp.source));
      for (const auto& rule : cp.rules)
        addf(" {} {}{}.", rule.allowed ? "Allowed for" : "Blocked for", code(rule.domain),
             rule.include_subdomains ? " and subdomains" : "");
      add("</p>\n");
    }
    if (r_.endpoints.empty()) {
      add("<p>No network address was found in the code or resources.</p>\n</section>\n");
      return;
    }
    add("<p class=\"muted\">Addresses are shown as text, not links: opening them would contact the servers.</p>\n");
    add("<table class=\"endpoints\"><thead><tr><th>Host</th><th>Owner</th><th>Country</th><th>Cleartext</th>"
        "<th>SDK</th><th>Found in</th></tr></thead>\n<tbody>\n");
    for (const auto& e : r_.endpoints) {
      std::string host = code(e.host.empty() ? e.url : e.host);
      if (e.port) host += fmt::format(" <span class=\"muted\">port {}</span>", *e.port);
      if (!e.url.empty() && e.url != e.host) host += "<br><span class=\"muted\">" + code(e.url) + "</span>";
      if (e.ip_literal) host += " <span class=\"tag\">IP</span>";
      std::string owner = e.owner_name.empty() ? "" : esc(e.owner_name);
      if (e.first_party) owner += std::string(owner.empty() ? "" : " ") + "<span class=\"tag ok\">first party</span>";
      if (owner.empty()) owner = "<span class=\"muted\">unknown</span>";
      std::vector<std::string> countries;
      if (!e.owner_country.empty()) countries.push_back(country_html(e.owner_country));
      if (!e.tld_country.empty() && e.tld_country != e.owner_country)
        countries.push_back("TLD " + country_html(e.tld_country));
      if (!e.geo_country.empty()) countries.push_back("GeoIP " + country_html(e.geo_country));
      std::string clear = !e.cleartext ? "no"
                          : e.cleartext_allowed == true   ? "<span class=\"tag warn\">yes, allowed</span>"
                          : e.cleartext_allowed == false  ? "<span class=\"tag\">yes, blocked</span>"
                                                          : "<span class=\"tag warn\">yes</span>";
      std::string found;
      if (!e.sources.empty()) {
        found = fmt::format("<details><summary>{} place{}</summary><ul>", e.sources.size(), e.sources.size() == 1 ? "" : "s");
        for (const auto& s : e.sources)
          found += "<li>" + code(s.location) + (s.holder.empty() ? "" : " " + code(s.holder)) + "</li>";
        found += "</ul></details>";
      }
      addf("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", host, owner,
           join(countries, "<br>"), clear, e.sdk.empty() ? "" : code(e.sdk), found);
    }
    add("</tbody></table>\n</section>\n");
  }

  void ios() {
    if (!r_.ios.present) return;
    const auto& ios = r_.ios;
    add("<section id=\"ios\">\n<h2>iOS</h2>\n<dl class=\"facts\">\n");
    auto flag = [](const std::optional<bool>& b) { return b ? (*b ? "yes" : "no") : "not set"; };
    if (ios.ats.present)
      addf("<dt>App Transport Security</dt><dd>arbitrary loads {}, media {}, web content {}, local networking {}</dd>\n",
           flag(ios.ats.allows_arbitrary_loads), flag(ios.ats.allows_arbitrary_loads_for_media),
           flag(ios.ats.allows_arbitrary_loads_in_web_content), flag(ios.ats.allows_local_networking));
    else
      add("<dt>App Transport Security</dt><dd>not configured (platform default: HTTPS required)</dd>\n");
    for (const auto& e : ios.ats.exception_domains)
      addf("<dt>ATS exception</dt><dd>{}{}{}</dd>\n", code(e.domain),
           e.allows_insecure_http_loads.value_or(false) ? " insecure HTTP allowed" : "",
           e.minimum_tls_version.empty() ? "" : ", minimum TLS " + esc(e.minimum_tls_version));
    if (!ios.encrypted_binaries.empty()) addf("<dt>FairPlay-encrypted</dt><dd>{}</dd>\n", code_list(ios.encrypted_binaries));
    addf("<dt>Privacy manifests</dt><dd>{}</dd>\n", ios.privacy_manifests.size());
    for (const auto& m : ios.privacy_audit.undeclared_required_reason_apis)
      addf("<dt>Undeclared required-reason API</dt><dd>{} ({})</dd>\n", code(m.category), code_list(m.evidence));
    if (!ios.privacy_audit.undeclared_tracking_domains.empty())
      addf("<dt>Undeclared tracking domains</dt><dd>{}</dd>\n", code_list(ios.privacy_audit.undeclared_tracking_domains));
    if (!ios.privacy_audit.sdks_without_manifest.empty())
      addf("<dt>Listed SDKs without a privacy manifest</dt><dd>{}</dd>\n", code_list(ios.privacy_audit.sdks_without_manifest));
    add("</dl>\n</section>\n");
  }

  void diagnostics() {
    addf("<section id=\"diagnostics\">\n<h2>Diagnostics ({})</h2>\n", r_.diagnostics.size());
    if (r_.diagnostics.empty()) {
      add("<p>Every part of the input was read.</p>\n</section>\n");
      return;
    }
    add("<p class=\"muted\">What the scan could not read, and why; results near these places may be incomplete.</p>\n");
    add("<table class=\"diagnostics\"><thead><tr><th>Severity</th><th>Code</th><th>Where</th><th>Message</th></tr></thead>\n<tbody>\n");
    for (const auto& d : r_.diagnostics)
      addf("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", esc(to_string(d.severity)), code(d.code),
           d.where.empty() ? "<span class=\"muted\">(input)</span>" : code(d.where), esc(d.message));
    add("</tbody></table>\n</section>\n");
  }

  void footer() {
    addf("<footer>Generated by {} with signatures {}. Static analysis of the bundle only: nothing was run, "
         "nothing was fetched. Detections list their evidence; absence of a detection is not proof of absence.</footer>\n",
         esc(scanner_label(r_)), esc(r_.scanner.signatures_version));
  }
};

}  // namespace

std::string write_html_report(const ScanResult& r, const HtmlOptions& opts) { return HtmlWriter(r, opts).write(); }

}  // namespace sdkscope
