// The HTML report in a real browser (headless Chromium, skipped when it is not installed):
// the sections are in the DOM, the app's "<script>" is text and not an element, a screenshot
// renders, and the page makes no network request (Chromium's net log, with a control page that
// proves the check sees requests, and a CSP check that an injected <img> is blocked).
// Every Chromium run is bounded by timeout(1).
//
// Hidden helper: SDKSCOPE_SCREENSHOT_APP=/path/to/app scans that app with the library and writes
// <name>.html, .md, .cdx.json and .png to $SDKSCOPE_SCREENSHOT_DIR (default /tmp/sdkscope-screenshot).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "reports/cyclonedx_report.hpp"
#include "reports/html_report.hpp"
#include "reports/markdown_report.hpp"
#include "golden.hpp"
#include "sample_result.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope;

namespace {

std::string chromium() {
  auto out = test::run("command -v chromium || command -v chromium-browser || command -v google-chrome 2>/dev/null");
  auto nl = out.find('\n');
  return nl == std::string::npos ? out : out.substr(0, nl);
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Runs headless Chromium on a file with a fresh profile, DNS mapped to nowhere, background
/// networking off; returns stdout. `extra` are more flags.
std::string run_chromium(const std::string& bin, const std::filesystem::path& dir, const std::string& extra,
                         const std::filesystem::path& page, int* rc = nullptr) {
  static int n = 0;
  auto profile = dir / ("profile" + std::to_string(++n));
  std::string cmd = "timeout -k 5 120 " + quote(bin) +
                    " --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check"
                    " --disable-extensions --disable-background-networking --disable-sync --disable-component-update"
                    " --disable-default-apps --hide-scrollbars --user-data-dir=" +
                    quote(profile.string()) + " --host-resolver-rules=" + quote("MAP * ~NOTFOUND") + " " + extra + " " +
                    quote("file://" + std::filesystem::absolute(page).string()) + " 2>/dev/null";
  return test::run(cmd, rc);
}

/// URLs of the requests a page started (Chromium marks its own background requests with the
/// initiator "not an origin"; a file:// page's requests carry the initiator "null").
std::vector<std::string> page_requests(const std::filesystem::path& netlog, bool* parsed) {
  std::vector<std::string> out;
  std::ifstream in(netlog);
  auto j = nlohmann::json::parse(in, nullptr, false);
  *parsed = !j.is_discarded() && j.contains("constants") && j.contains("events");
  if (!*parsed) return out;
  int start_job = j["constants"]["logEventTypes"].value("URL_REQUEST_START_JOB", -1);
  for (const auto& e : j["events"]) {
    if (e.value("type", -2) != start_job || !e.contains("params")) continue;
    const auto& p = e["params"];
    if (!p.contains("url")) continue;  // the end-of-job event of the same request
    std::string initiator = p.value("initiator", "");
    if (initiator == "not an origin") continue;
    out.push_back(p.value("url", ""));
  }
  return out;
}

bool is_png_file(const std::filesystem::path& p, std::uintmax_t min_size) {
  if (!std::filesystem::exists(p) || std::filesystem::file_size(p) < min_size) return false;
  auto bytes = test::read_file(p);
  return bytes.size() > 8 && bytes[0] == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
}

void write_text(const std::filesystem::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

}  // namespace

TEST_CASE("HTML in headless Chromium: sections in the DOM, script text inert, screenshot, no requests") {
  auto bin = chromium();
  if (bin.empty()) {
    MESSAGE("chromium not on PATH: skipped (scripts/install-deps.sh installs it)");
    return;
  }
  auto dir = test::temp_dir("html_browser");
  auto page = dir / "report.html";
  write_text(page, write_html_report(test::sample_result()));

  // The DOM after parsing.
  int rc = 0;
  auto dom = run_chromium(bin, dir, "--dump-dom", page, &rc);
  REQUIRE(rc == 0);
  REQUIRE_FALSE(dom.empty());
  for (const char* id : {"summary", "sdks", "charts", "findings", "data-flows", "permissions", "coverage", "endpoints",
                         "diagnostics", "policy", "verdict"}) {
    INFO(id);
    CHECK(dom.find(std::string("id=\"") + id + "\"") != std::string::npos);
  }
  std::string lower = dom;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(lower.find("<script") == std::string::npos);  // no script element, not even the injected one
  CHECK(dom.find("&lt;script&gt;alert('app')&lt;/script&gt;") != std::string::npos);  // shown as text
  CHECK(dom.find("com.evil.&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(lower.find("<img src=\"x\"") == std::string::npos);
  CHECK(dom.find("<svg") != std::string::npos);

  // A screenshot.
  auto png = dir / "report.png";
  run_chromium(bin, dir, "--screenshot=" + quote(png.string()) + " --window-size=1280,2000", page, &rc);
  CHECK(rc == 0);
  CHECK(is_png_file(png, 10000));

  // No request from the page: the net log records none.
  auto netlog = dir / "report.netlog.json";
  run_chromium(bin, dir, "--dump-dom --log-net-log=" + quote(netlog.string()), page, &rc);
  bool parsed = false;
  auto requests = page_requests(netlog, &parsed);
  REQUIRE(parsed);
  for (const auto& u : requests) {
    INFO(u);
    CHECK((u.rfind("file://", 0) == 0 || u.rfind("data:", 0) == 0));
  }

  // Control: the same check on a page that does load remote resources sees them.
  auto control = dir / "control.html";
  write_text(control,
             "<!DOCTYPE html><html><body><img src=\"http://control.sdkscope.invalid/pixel.png\">"
             "<link rel=\"stylesheet\" href=\"https://fonts.sdkscope.invalid/a.css\"></body></html>\n");
  auto control_log = dir / "control.netlog.json";
  run_chromium(bin, dir, "--dump-dom --log-net-log=" + quote(control_log.string()), control, &rc);
  auto seen = page_requests(control_log, &parsed);
  REQUIRE(parsed);
  CHECK(std::find(seen.begin(), seen.end(), "http://control.sdkscope.invalid/pixel.png") != seen.end());
  CHECK(std::find(seen.begin(), seen.end(), "https://fonts.sdkscope.invalid/a.css") != seen.end());

  // Defence in depth: markup that slipped past escaping still could not fetch (the report's CSP).
  auto injected = dir / "injected.html";
  auto html = write_html_report(test::sample_result());
  html.insert(html.find("<main>"), "<img src=\"http://csp.sdkscope.invalid/x.png\">");
  write_text(injected, html);
  auto injected_log = dir / "injected.netlog.json";
  run_chromium(bin, dir, "--dump-dom --log-net-log=" + quote(injected_log.string()), injected, &rc);
  auto blocked = page_requests(injected_log, &parsed);
  REQUIRE(parsed);
  CHECK(std::find(blocked.begin(), blocked.end(), "http://csp.sdkscope.invalid/x.png") == blocked.end());
}

TEST_CASE("HTML in headless Chromium: the demo app's report renders") {
  auto bin = chromium();
  if (bin.empty()) {
    MESSAGE("chromium not on PATH: skipped");
    return;
  }
  auto dir = test::temp_dir("html_browser_demo");
  auto page = dir / "demo.html";
  write_text(page, write_html_report(test::demo_result()));
  int rc = 0;
  auto dom = run_chromium(bin, dir, "--dump-dom", page, &rc);
  CHECK(rc == 0);
  CHECK(dom.find("id=\"sdks\"") != std::string::npos);
  CHECK(dom.find("tencent.bugly") != std::string::npos);
  auto png = dir / "demo.png";
  run_chromium(bin, dir, "--screenshot=" + quote(png.string()) + " --window-size=1280,2000", page, &rc);
  CHECK(is_png_file(png, 10000));
}

TEST_CASE("screenshot of a scanned app (only with SDKSCOPE_SCREENSHOT_APP)") {
  const char* app = std::getenv("SDKSCOPE_SCREENSHOT_APP");
  if (!app || !*app) return;
  const char* out_env = std::getenv("SDKSCOPE_SCREENSHOT_DIR");
  std::filesystem::path out = out_env && *out_env ? out_env : "/tmp/sdkscope-screenshot";
  std::filesystem::create_directories(out);
  ScanOptions opts = ScanOptions::standard();
  opts.path_basename_only = true;
  Scanner scanner(test::shipped_db(), opts);
  const std::string app_path = app;
  auto res = scanner.scan(app_path);
  INFO(app_path << ": " << res.error);
  REQUIRE(res.result);
  std::string stem = std::filesystem::path(app_path).filename().string();
  write_text(out / (stem + ".html"), write_html_report(*res.result));
  write_text(out / (stem + ".md"), write_markdown_report(*res.result));
  write_text(out / (stem + ".cdx.json"), write_cyclonedx_report(*res.result));
  auto bin = chromium();
  if (bin.empty()) {
    MESSAGE("chromium not on PATH: wrote the reports, no screenshot");
    return;
  }
  const char* h = std::getenv("SDKSCOPE_SCREENSHOT_HEIGHT");
  std::string height = h && *h ? h : "2000";
  auto png = out / (stem + ".png");
  int rc = 0;
  run_chromium(bin, test::temp_dir("html_screenshot"), "--screenshot=" + quote(png.string()) + " --window-size=1280," + height,
               out / (stem + ".html"), &rc);
  CHECK(is_png_file(png, 10000));
  MESSAGE("wrote " << (out / (stem + ".html")).string() << " and " << png.string());
}
