// Markdown report: goldens, table structure that hostile cells cannot break, escaping, evidence
// listed with every claim.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "reports/markdown_report.hpp"
#include "golden.hpp"
#include "sample_result.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope;

namespace {

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

/// GFM cell count of a table row: '|' separators not escaped by a backslash (GFM honours "\|"
/// even inside code spans in tables), minus the leading and trailing pipes.
std::size_t cells(const std::string& row) {
  std::size_t pipes = 0;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\') {
      ++i;
      continue;
    }
    if (row[i] == '|') ++pipes;
  }
  return pipes - 1;
}

/// The text outside code spans (CommonMark: a run of N backticks closes at the next run of exactly N).
std::string outside_code(const std::string& line) {
  std::string out;
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      out += line.substr(i, 2);
      i += 2;
      continue;
    }
    if (line[i] != '`') {
      out += line[i++];
      continue;
    }
    std::size_t n = 0;
    while (i + n < line.size() && line[i + n] == '`') ++n;
    std::size_t j = i + n, close = std::string::npos;
    while (j < line.size()) {
      if (line[j] != '`') {
        ++j;
        continue;
      }
      std::size_t m = 0;
      while (j + m < line.size() && line[j + m] == '`') ++m;
      if (m == n) {
        close = j;
        break;
      }
      j += m;
    }
    if (close == std::string::npos) {  // unmatched: literal backticks
      out += line.substr(i, n);
      i += n;
      continue;
    }
    i = close + n;
  }
  return out;
}

}  // namespace

TEST_CASE("Markdown golden: the sample fixture") {
  test::check_golden("sample.md", write_markdown_report(test::sample_result()));
}

TEST_CASE("Markdown golden: the demo app scanned with the shipped database") {
  test::check_golden("demo.md", write_markdown_report(test::demo_result()));
}

TEST_CASE("Markdown tables keep their shape whatever the cells hold") {
  for (const std::string& md : {write_markdown_report(test::sample_result()), write_markdown_report(test::demo_result())}) {
    auto ls = lines(md);
    std::size_t tables = 0;
    for (std::size_t i = 0; i + 1 < ls.size(); ++i) {
      if (ls[i].rfind("| ", 0) != 0 || ls[i + 1].rfind("| --- |", 0) != 0) continue;
      ++tables;
      std::size_t want = cells(ls[i]);
      for (std::size_t k = i + 1; k < ls.size() && ls[k].rfind("|", 0) == 0; ++k) {
        INFO(ls[k]);
        CHECK(cells(ls[k]) == want);
      }
    }
    CHECK(tables >= 8);
  }
}

TEST_CASE("Markdown escapes hostile strings: no raw HTML, no injected structure") {
  auto md = write_markdown_report(test::sample_result());
  for (const auto& l : lines(md)) {
    INFO(l);
    // A newline in the app name cannot start a heading of its own.
    CHECK(l.rfind("# Injected", 0) != 0);
    // Outside code spans every '<' is escaped, except autolinks to catalogue references.
    auto text = outside_code(l);
    for (std::size_t p = text.find('<'); p != std::string::npos; p = text.find('<', p + 1)) {
      bool escaped = p > 0 && text[p - 1] == '\\';
      bool autolink = text.compare(p, 9, "<https://") == 0;
      CHECK((escaped || autolink));
    }
  }
  // The app name: markup and the would-be heading escaped, the bidi override made visible.
  CHECK(md.find("# sdkscope report: Demo \\<script\\>alert('app')\\</script\\> \\# Injected \\| \\`tick\\` \\[U+202E\\]gnp.exe "
                "(`com.example.demo`)") != std::string::npos);
  // A class name with backticks and pipes: a longer fence in prose, "\|" in table cells.
  CHECK(md.find("`` com.evil.<script>alert(1)</script>|Pipe`Tick` ``") != std::string::npos);
  CHECK(md.find("`` com.evil.<script>alert(1)</script>\\|Pipe`Tick` ``") != std::string::npos);
  CHECK(md.find("`` KEY`with`ticks|and|pipes ``") == std::string::npos);
  CHECK(md.find("``KEY`with`ticks|and|pipes``") != std::string::npos);
  CHECK(md.find("<javascript:") == std::string::npos);
  CHECK(md.find("`javascript:alert('not a link')`") != std::string::npos);
}

TEST_CASE("Markdown lists the evidence behind every claim") {
  auto md = write_markdown_report(test::sample_result());
  // SDKs: classes, libraries, locations.
  CHECK(md.find("#### Tencent Bugly (`tencent.bugly`)") != std::string::npos);
  CHECK(md.find("- native libraries: `libBugly.so`") != std::string::npos);
  CHECK(md.find("- locations: `AndroidManifest.xml`, `classes.dex`, `lib/arm64-v8a/libBugly.so`") != std::string::npos);
  // Findings: numbered evidence with artifact, location, detail and SDK; the cap stated.
  CHECK(md.find("1. `classes.dex` → `com.tencent.bugly.crashreport.CrashReport`: class of the SDK (SDK `tencent.bugly`)") !=
        std::string::npos);
  CHECK(md.find("Evidence (3 of 23):") != std::string::npos);
  CHECK(md.find("#### [low] Hard-coded API key (waived)") != std::string::npos);
  CHECK(md.find("**Waived:** Restricted to our signing certificate \\<b\\>and\\</b\\> rotated quarterly") != std::string::npos);
  CHECK(md.find("**Remediation:** Use HTTPS") != std::string::npos);
  CHECK(md.find("**References:** CWE-319, MASVS-NETWORK-1, <https://developer.android.com/privacy-and-security/security-config>") !=
        std::string::npos);
  // Endpoints: where each address was found.
  CHECK(md.find("`classes2.dex` `com.google.firebase.analytics.FirebaseAnalytics`") != std::string::npos);
  // Data flows with hosts; coverage note; verdict.
  CHECK(md.find("- Tencent: `rqd.uu.qq.com`") != std::string::npos);
  CHECK(md.find("not evidence of absence") != std::string::npos);
  CHECK(md.find("- **Verdict:** Policy \"corp-baseline\": FAILED (1 violation); 3 findings: 1 critical, 1 high, 1 medium; 1 waived") !=
        std::string::npos);
  CHECK(md.find("China (CN)") != std::string::npos);
  CHECK(write_markdown_report(test::sample_result()) == md);
}

TEST_CASE("Markdown through a real GFM renderer (cmark-gfm): no app markup, no app links") {
  if (test::run("command -v cmark-gfm").find("cmark-gfm") == std::string::npos) {
    MESSAGE("cmark-gfm not on PATH: skipped (scripts/install-deps.sh installs it)");
    return;
  }
  auto dir = test::temp_dir("markdown_cmark");
  for (const auto& [name, md] : std::vector<std::pair<std::string, std::string>>{
           {"sample", write_markdown_report(test::sample_result())}, {"demo", write_markdown_report(test::demo_result())}}) {
    auto path = dir / (name + ".md");
    std::ofstream(path, std::ios::binary) << md;
    int rc = 0;
    auto html = test::run("cmark-gfm -e table -e autolink '" + path.string() + "'", &rc);
    INFO(name);
    REQUIRE(rc == 0);
    std::string lower = html;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CHECK(lower.find("<script") == std::string::npos);
    CHECK(lower.find("<img") == std::string::npos);
    CHECK(lower.find("<b>") == std::string::npos);
    CHECK(lower.find("<h1>") == lower.rfind("<h1>"));  // one title; the app name's newline made none
    // Every table renders as a table: as many <table> as the document has header separators.
    std::size_t seps = 0, tables = 0;
    for (auto p = md.find("\n| --- |"); p != std::string::npos; p = md.find("\n| --- |", p + 1)) ++seps;
    for (auto p = html.find("<table>"); p != std::string::npos; p = html.find("<table>", p + 1)) ++tables;
    CHECK(tables == seps);
    // Links only to the catalogue's references: no address from the app became a link.
    for (auto p = html.find("<a href=\""); p != std::string::npos; p = html.find("<a href=\"", p + 1)) {
      auto end = html.find('"', p + 9);
      std::string href = html.substr(p + 9, end - p - 9);
      INFO(href);
      bool reference = false;
      for (const auto& c : (name == "sample" ? test::sample_result() : test::demo_result()).checks)
        for (const auto& u : c.references) reference = reference || u == href;
      CHECK(reference);
    }
  }
}
