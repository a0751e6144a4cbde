#include "server/web_pages.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "reports/countries.hpp"
#include "reports/report_views.hpp"

namespace sdkscope::server {

namespace {

constexpr std::string_view kStyle = R"CSS(
:root{--fg:#1d2330;--muted:#5b6475;--bg:#fff;--panel:#f5f7fa;--line:#d9dee7;--accent:#2f5fb3;--bad:#c62828;--ok:#2e7d32;--warn:#8d6e00}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:var(--bg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
header{background:var(--panel);border-bottom:1px solid var(--line);padding:14px 24px}
header a{color:var(--fg);text-decoration:none;font-weight:700}
main{max-width:1280px;margin:0 auto;padding:8px 24px 48px}
h1{font-size:24px;margin:18px 0 4px;overflow-wrap:anywhere}
h2{font-size:18px;margin:26px 0 8px}
.sub{color:var(--muted);margin:0 0 12px;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:14px;margin:8px 0 16px}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top;overflow-wrap:break-word;word-break:break-word}
th{background:var(--panel);font-weight:600;word-break:normal}
td.num,td.nowrap{white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
a{color:var(--accent)}
code{font:13px ui-monospace,Menlo,Consolas,monospace;background:var(--panel);padding:0 3px;border-radius:3px;overflow-wrap:anywhere}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;border:1px solid var(--line);white-space:nowrap}
.passed,.done{color:var(--ok);border-color:var(--ok)}
.failed,.error{color:var(--bad);border-color:var(--bad)}
.queued,.running{color:var(--warn);border-color:var(--warn)}
.none{color:var(--muted)}
ul.changes{margin:0;padding-left:18px}
ul.changes li{margin:1px 0}
.new{color:var(--bad);font-weight:600}
.muted{color:var(--muted)}
.err{color:var(--bad)}
)CSS";

std::string page(std::string_view title, const std::string& body) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "img-src data:; base-uri 'none'; form-action 'none'\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n", html_escape(title), kStyle);
  out += "<header><a href=\"/\">sdkscope review service</a></header>\n<main>\n";
  out += body;
  out += "</main>\n</body>\n</html>\n";
  return out;
}

std::string badge(std::string_view cls_and_text) {
  std::string t = html_escape(cls_and_text);
  return fmt::format("<span class=\"badge {}\">{}</span>", t, t);
}

std::string version_text(const ScanRecord& s) {
  std::string v = s.version_name;
  if (s.version_code) v += (v.empty() ? "(" : " (") + std::to_string(*s.version_code) + ")";
  return v;
}

/// "2026-01-31 12:34:56" from the stored timestamp.
std::string when(const std::string& ts) {
  if (ts.size() < 19) return ts;
  std::string out = ts.substr(0, 19);
  out[10] = ' ';
  return out + " UTC";
}

std::string app_label(const ScanRecord& s) {
  if (!s.app_name.empty()) return s.app_name;
  if (!s.app_id.empty()) return s.app_id;
  return "";
}

std::string country_text(const std::string& code) { return country_label(code); }

void list_items(std::string& out, std::string_view label, const std::vector<std::string>& items, bool is_new,
                std::size_t cap = 12) {
  if (items.empty()) return;
  out += fmt::format("<li><span class=\"{}\">{}</span> ({}): ", is_new ? "new" : "muted", html_escape(label), items.size());
  for (std::size_t i = 0; i < items.size() && i < cap; ++i) out += (i ? ", " : "") + html_escape(items[i]);
  if (items.size() > cap) out += fmt::format(", &hellip; {} more", items.size() - cap);
  out += "</li>";
}

std::string changes_html(const ScanDiff& d) {
  std::vector<std::string> new_sdks, removed_sdks, new_perms, removed_perms, new_hosts;
  for (const auto& s : d.sdks_added)
    new_sdks.push_back(s.name + (s.vendor.empty() ? "" : " (" + s.vendor + (s.country.empty() ? "" : ", " + s.country) + ")"));
  for (const auto& s : d.sdks_removed) removed_sdks.push_back(s.name);
  for (const auto& p : d.permissions_added)
    new_perms.push_back(p.name + (is_dangerous_permission(p.protection) ? " [" + p.protection + "]" : ""));
  for (const auto& p : d.permissions_removed) removed_perms.push_back(p.name);
  std::set<std::string> countries(d.jurisdictions_added.begin(), d.jurisdictions_added.end());
  countries.insert(d.vendor_countries_added.begin(), d.vendor_countries_added.end());
  std::vector<std::string> new_countries;
  for (const auto& c : countries) new_countries.push_back(country_text(c));
  for (const auto& e : d.endpoints_added) new_hosts.push_back(e.host);
  std::size_t new_findings = 0;
  for (const auto& f : d.findings_new) new_findings += !f.waived;

  std::string out = "<ul class=\"changes\">";
  list_items(out, "new SDKs", new_sdks, true);
  list_items(out, "new countries", new_countries, true);
  list_items(out, "new permissions", new_perms, true);
  list_items(out, "new endpoints", new_hosts, true, 6);
  if (new_findings) out += fmt::format("<li><span class=\"new\">new findings</span>: {}</li>", new_findings);
  list_items(out, "SDKs removed", removed_sdks, false);
  list_items(out, "permissions removed", removed_perms, false);
  if (!d.sdk_versions_changed.empty())
    out += fmt::format("<li class=\"muted\">SDK versions changed: {}</li>", d.sdk_versions_changed.size());
  if (out == "<ul class=\"changes\">") out += "<li class=\"muted\">no change in SDKs, countries, permissions, endpoints or findings</li>";
  out += "</ul>";
  return out;
}

}  // namespace

std::string html_escape(std::string_view raw) {
  // Line breaks and tabs read as spaces in a table cell; the escaping is the report's own.
  std::string flat(raw);
  for (auto& c : flat)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return views::html_text(flat);
}

std::string url_encode_segment(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string app_page_href(std::string_view platform, std::string_view app_id) {
  return "/apps/" + url_encode_segment(platform) + "/" + url_encode_segment(app_id);
}

std::string render_index_page(const std::vector<ScanRecord>& scans, const QueueView& q) {
  std::string b;
  b += "<h1>Recent scans</h1>\n";
  b += fmt::format("<p class=\"sub\">{} waiting, {} running on {} worker{} (queue holds {}). Upload with "
                   "<code>POST /api/v1/scans</code>; newest first.</p>\n",
                   q.waiting, q.running, q.workers, q.workers == 1 ? "" : "s", q.capacity);
  if (scans.empty()) {
    b += "<p class=\"muted\">No scans yet.</p>\n";
    return page("sdkscope: recent scans", b);
  }
  b += "<table class=\"scans\"><thead><tr><th>Uploaded</th><th>File</th><th>App</th><th>Version</th><th>Status</th>"
       "<th>Policy</th><th>SDKs</th><th>Permissions (dangerous)</th><th>Endpoints</th><th>Findings</th><th>Report</th>"
       "</tr></thead>\n<tbody>\n";
  for (const auto& s : scans) {
    std::string app;
    if (!s.app_id.empty()) {
      app = fmt::format("<a href=\"{}\">{}</a>", html_escape(app_page_href(s.platform, s.app_id)), html_escape(app_label(s)));
      if (!s.app_name.empty()) app += fmt::format("<br><code>{}</code>", html_escape(s.app_id));
    } else if (s.status == ScanStatus::done) {
      app = "<span class=\"muted\">no app identity</span>";
    }
    bool done = s.status == ScanStatus::done;
    std::string report = done ? fmt::format("<a href=\"/scans/{}\">report</a>", html_escape(s.id))
                              : fmt::format("<a href=\"/scans/{}\">status</a>", html_escape(s.id));
    std::string status = badge(to_string(s.status));
    if (s.status == ScanStatus::error && !s.error.empty())
      status += fmt::format("<br><span class=\"err\">{}</span>", html_escape(s.error));
    auto num = [&](std::int64_t v) { return done ? std::to_string(v) : std::string(); };
    b += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"nowrap\">{}</td></tr>\n",
        html_escape(when(s.created)), html_escape(s.file_name), app, html_escape(version_text(s)), status,
        done ? badge(s.verdict) : "", num(s.counts.sdks),
        done ? fmt::format("{} ({})", s.counts.permissions, s.counts.dangerous_permissions) : "", num(s.counts.endpoints),
        num(s.counts.findings), report);
  }
  b += "</tbody></table>\n";
  return page("sdkscope: recent scans", b);
}

std::string render_app_page(const std::string& platform, const std::string& app_id, const std::vector<VersionView>& versions,
                            bool truncated) {
  std::string title = versions.empty() ? app_id : app_label(versions.front().scan);
  std::string b;
  b += fmt::format("<h1>{}</h1>\n", html_escape(title));
  b += fmt::format("<p class=\"sub\"><code>{}</code> &middot; {} &middot; {} version{} scanned, newest first{}</p>\n",
                   html_escape(app_id), html_escape(views::platform_label(platform).empty() ? platform : views::platform_label(platform)),
                   versions.size(), versions.size() == 1 ? "" : "s", truncated ? " (older ones not shown)" : "");
  if (versions.empty()) {
    b += "<p class=\"muted\">No completed scan of this app.</p>\n";
    return page("sdkscope: " + title, b);
  }
  b += "<table class=\"versions\"><thead><tr><th>Version</th><th>Uploaded</th><th>File / SHA-256</th><th>Policy</th>"
       "<th>SDKs</th><th>Permissions (dangerous)</th><th>Endpoints</th><th>Findings</th><th>What changed since the "
       "previous version</th></tr></thead>\n<tbody>\n";
  std::string api = "/api/v1" + app_page_href(platform, app_id);
  for (const auto& v : versions) {
    const auto& s = v.scan;
    std::string changes;
    if (v.since_previous) {
      changes = changes_html(*v.since_previous);
      changes += fmt::format("<a href=\"{}\">diff</a>",
                             html_escape(api + "/diff?from=" + v.previous_id + "&to=" + s.id + "&format=md"));
    } else if (!v.previous_id.empty()) {
      changes = "<span class=\"muted\">(the reports could not be compared)</span>";
    } else {
      changes = "<span class=\"muted\">oldest version listed</span>";
    }
    b += fmt::format(
        "<tr><td><a href=\"/scans/{}\">{}</a></td><td>{}</td><td>{}<br><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{} ({})</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
        html_escape(s.id), html_escape(version_text(s).empty() ? "(no version)" : version_text(s)), html_escape(when(s.created)),
        html_escape(s.file_name), html_escape(s.input_sha256.substr(0, 16)), badge(s.verdict), s.counts.sdks,
        s.counts.permissions, s.counts.dangerous_permissions, s.counts.endpoints, s.counts.findings, changes);
  }
  b += "</tbody></table>\n";
  b += fmt::format("<p class=\"sub\">JSON: <a href=\"{}\">{}</a></p>\n", html_escape(api), html_escape(api));
  return page("sdkscope: " + title, b);
}

std::string render_scan_status_page(const ScanRecord& s) {
  std::string b;
  b += fmt::format("<h1>{}</h1>\n", html_escape(s.file_name));
  b += fmt::format("<p class=\"sub\">scan <code>{}</code> &middot; uploaded {} &middot; {}</p>\n", html_escape(s.id),
                   html_escape(when(s.created)), badge(to_string(s.status)));
  if (s.status == ScanStatus::error) b += fmt::format("<p class=\"err\">{}</p>\n", html_escape(s.error));
  else b += "<p>The report appears here when the scan is done; reload this page.</p>\n";
  b += fmt::format("<p class=\"sub\">SHA-256 <code>{}</code>, {} bytes</p>\n", html_escape(s.input_sha256), s.size);
  return page("sdkscope: " + s.file_name, b);
}

std::string render_error_page(int status, std::string_view message) {
  return page(fmt::format("sdkscope: {}", status),
              fmt::format("<h1>{}</h1>\n<p>{}</p>\n", status, html_escape(message)));
}

}  // namespace sdkscope::server
