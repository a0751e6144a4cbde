// HTML report: goldens (fixture and demo app), every section present, hostile strings escaped,
// nothing the browser would fetch, icon embedding, determinism.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "reports/html_report.hpp"
#include "golden.hpp"
#include "sample_result.hpp"

using namespace sdkscope;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    i += n;
  }
  return true;
}

/// Every value of an attribute that makes a browser load something (src, href outside <a>,
/// srcset, poster, data, action, url(...) and @import in CSS), plus all <a href> targets.
struct Loads {
  std::vector<std::string> fetched;  ///< would be requested on load
  std::vector<std::string> links;    ///< <a href>, followed only on a click
};

Loads find_loads(const std::string& html) {
  Loads out;
  std::regex tag(R"(<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>)");
  std::regex attr(R"re(\b(src|href|srcset|poster|data|action|xlink:href|background)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+)))re",
                  std::regex::icase);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator(); ++it) {
    std::string name = lower((*it)[1].str()), attrs = (*it)[2].str();
    for (auto a = std::sregex_iterator(attrs.begin(), attrs.end(), attr); a != std::sregex_iterator(); ++a) {
      std::string key = lower((*a)[1].str());
      std::string value = (*a)[3].matched ? (*a)[3].str() : (*a)[4].matched ? (*a)[4].str() : (*a)[5].str();
      if (name == "a" && key == "href") out.links.push_back(value);
      else out.fetched.push_back(value);
    }
  }
  std::regex css(R"re((url\s*\(|@import))re", std::regex::icase);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), css); it != std::sregex_iterator(); ++it)
    out.fetched.push_back((*it)[0].str());
  return out;
}

std::string section(const std::string& html, const std::string& id) {
  auto start = html.find("<section id=\"" + id + "\"");
  if (start == std::string::npos) return {};
  auto end = html.find("</section>", start);
  return html.substr(start, end - start);
}

}  // namespace

TEST_CASE("HTML golden: the sample fixture") {
  test::check_golden("sample.html", write_html_report(test::sample_result()));
}

TEST_CASE("HTML golden: the demo app scanned with the shipped database") {
  test::check_golden("demo.html", write_html_report(test::demo_result()));
}

TEST_CASE("HTML has every section, the verdict and the country names") {
  auto html = write_html_report(test::sample_result());
  for (const char* id : {"sdks", "charts", "data-flows", "permissions", "findings", "coverage", "endpoints", "diagnostics"}) {
    INFO(id);
    CHECK(html.find(std::string("<section id=\"") + id + "\"") != std::string::npos);
  }
  CHECK(html.find("id=\"summary\"") != std::string::npos);
  CHECK(html.find("id=\"policy\"") != std::string::npos);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.back() == '\n');
  // Verdict: the failed policy and unwaived counts by severity; the waived finding counted apart.
  CHECK(html.find("Policy &quot;corp-baseline&quot;: FAILED (1 violation); 3 findings: 1 critical, 1 high, 1 medium; 1 waived") !=
        std::string::npos);
  CHECK(html.find("class=\"verdict fail\"") != std::string::npos);
  // Full country names from the ISO table.
  CHECK(section(html, "sdks").find("China <span class=\"cc\">CN</span>") != std::string::npos);
  CHECK(section(html, "sdks").find("United States <span class=\"cc\">US</span>") != std::string::npos);
  CHECK(section(html, "endpoints").find("GeoIP Singapore") != std::string::npos);
  // Three charts, each an inline SVG.
  auto charts = section(html, "charts");
  for (const char* id : {"chart-sdk-countries", "chart-sdk-categories", "chart-endpoint-countries"}) {
    INFO(id);
    auto at = charts.find(std::string("id=\"") + id + "\"");
    REQUIRE(at != std::string::npos);
    CHECK(charts.find("<svg", at) != std::string::npos);
  }
  CHECK(charts.find("<title>United States (US): 2</title>") != std::string::npos);
  // Evidence sits in <details>; findings carry explanation and remediation from the catalogue.
  CHECK(section(html, "sdks").find("<details><summary>12 classes, 1 native library, 2 meta-data keys</summary>") !=
        std::string::npos);
  auto findings = section(html, "findings");
  CHECK(findings.find("Why it matters:</strong> Traffic to the host can be read") != std::string::npos);
  CHECK(findings.find("Remediation:</strong> Use HTTPS") != std::string::npos);
  CHECK(findings.find("3 of 23") != std::string::npos);
  CHECK(findings.find("20 more not shown") != std::string::npos);
  CHECK(findings.find("<span class=\"tag waived\">waived</span>") != std::string::npos);
  CHECK(findings.find("finding low waived") != std::string::npos);
  // Severity order: critical before high before medium before low.
  CHECK(findings.find("findings-critical") < findings.find("findings-high"));
  CHECK(findings.find("findings-high") < findings.find("findings-medium"));
  CHECK(findings.find("findings-medium") < findings.find("findings-low"));
  // Permissions grouped by data category: READ_PHONE_STATE under phone and device_identity.
  auto perms = section(html, "permissions");
  CHECK(perms.find("<h3>device_identity</h3>") < perms.find("<h3>phone</h3>"));
  std::size_t phone_state = 0;
  for (auto p = perms.find("READ_PHONE_STATE"); p != std::string::npos; p = perms.find("READ_PHONE_STATE", p + 1)) ++phone_state;
  CHECK(phone_state == 2);
  CHECK(perms.find("<h3>No data category</h3>") != std::string::npos);
  // Coverage: the packer and the absence warning.
  auto cov = section(html, "coverage");
  CHECK(cov.find("jiagu") != std::string::npos);
  CHECK(cov.find("not evidence of absence") != std::string::npos);
  // Data flows: cross-border, legal hook, transfer notes, China tag.
  auto flows = section(html, "data-flows");
  CHECK(flows.find("GDPR Chapter V") != std::string::npos);
  CHECK(flows.find("China <span class=\"cc\">CN</span>") != std::string::npos);
  CHECK(flows.find("standard contractual clauses") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  // A vendor outside China whose parent company is there is flagged; a Chinese vendor's own
  // country already says so.
  CHECK(flows.find("parent in China") == std::string::npos);
  auto r = test::sample_result();
  r.data_flows[1].vendor.country = "SG";
  r.data_flows[1].vendor.chain = {"Tencent Holdings"};
  CHECK(section(write_html_report(r), "data-flows").find("<span class=\"tag cn\">parent in China</span>") != std::string::npos);
}

TEST_CASE("HTML escapes hostile strings from the app") {
  auto r = test::sample_result();
  auto html = write_html_report(r);
  // Not one script element, event handler or javascript: URL survives, in any case.
  auto l = lower(html);
  CHECK(l.find("<script") == std::string::npos);
  CHECK(l.find("</script") == std::string::npos);
  CHECK(l.find("<img src=x") == std::string::npos);
  CHECK(l.find("<b>") == std::string::npos);
  CHECK(l.find("href=\"javascript:") == std::string::npos);
  // ... they are shown as text.
  CHECK(html.find("Demo &lt;script&gt;alert(&#39;app&#39;)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("com.evil.&lt;script&gt;alert(1)&lt;/script&gt;|Pipe`Tick`") != std::string::npos);
  CHECK(html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
  // The right-to-left override is made visible instead of reordering the text.
  CHECK(html.find("\xE2\x80\xAE") == std::string::npos);
  CHECK(html.find("[U+202E]gnp.exe") != std::string::npos);
  // Invalid UTF-8 from the app is replaced; the document stays valid UTF-8.
  CHECK(valid_utf8(html));
  // The non-http reference is text, not a link.
  CHECK(html.find("<code>javascript:alert(&#39;not a link&#39;)</code>") != std::string::npos);
}

TEST_CASE("HTML loads nothing: no scripts, no remote resources, CSP forbids both") {
  auto html = write_html_report(test::sample_result());
  CHECK(html.find("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:") !=
        std::string::npos);
  auto loads = find_loads(html);
  CHECK(loads.fetched.empty());
  for (const auto& f : loads.fetched) MESSAGE("would be fetched: " << f);
  // Links are in-page anchors or the catalogue's https references; app URLs are never links.
  for (const auto& href : loads.links) {
    INFO(href);
    CHECK((href.rfind("#", 0) == 0 || href.rfind("https://", 0) == 0));
    CHECK(href.find("qq.com") == std::string::npos);
    CHECK(href.find("203.0.113.7") == std::string::npos);
  }
  CHECK(std::find(loads.links.begin(), loads.links.end(), "https://developer.android.com/privacy-and-security/security-config") !=
        loads.links.end());
  // The demo app's report too.
  auto demo = find_loads(write_html_report(test::demo_result()));
  CHECK(demo.fetched.empty());
}

TEST_CASE("HTML embeds a PNG icon as a data: URI, and only a PNG") {
  HtmlOptions opts;
  opts.icon_png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  auto html = write_html_report(test::sample_result(), opts);
  CHECK(html.find("src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==\"") != std::string::npos);
  auto loads = find_loads(html);
  REQUIRE(loads.fetched.size() == 1);
  CHECK(loads.fetched[0].rfind("data:image/png;base64,", 0) == 0);
  opts.icon_png = {'<', 's', 'v', 'g', '>'};
  CHECK(write_html_report(test::sample_result(), opts).find("<img") == std::string::npos);
}

TEST_CASE("HTML is deterministic and renders an empty result") {
  CHECK(write_html_report(test::sample_result()) == write_html_report(test::sample_result()));
  ScanResult empty;
  auto html = write_html_report(empty);
  for (const char* id : {"sdks", "findings", "data-flows", "permissions", "endpoints", "diagnostics", "coverage"}) {
    INFO(id);
    CHECK(html.find(std::string("<section id=\"") + id + "\"") != std::string::npos);
  }
  CHECK(html.find("No SDK was detected.") != std::string::npos);
  CHECK(html.find("No checks were run") != std::string::npos);
  CHECK(html.find("(unnamed input)") != std::string::npos);
}
