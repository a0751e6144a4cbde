// Golden files for the report writers: testdata/reports/<name>. SDKSCOPE_UPDATE_GOLDENS=1
// rewrites them from the current output (review the diff, then commit); otherwise a mismatch
// fails with the first differing line and leaves the actual output next to the build tree.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "scanner/engine/scanner.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"

namespace sdkscope::test {

inline bool update_goldens() {
  const char* v = std::getenv("SDKSCOPE_UPDATE_GOLDENS");
  return v && std::string(v) == "1";
}

inline void check_golden(const std::string& name, const std::string& actual) {
  auto path = testdata("reports/" + name);
  if (update_goldens()) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    MESSAGE("updated golden " << path.string());
    return;
  }
  INFO("golden " << path.string() << " (regenerate with SDKSCOPE_UPDATE_GOLDENS=1)");
  REQUIRE(std::filesystem::exists(path));
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string expected = ss.str();
  if (expected == actual) return;
  auto out_dir = build_dir() / "golden-actual";
  std::filesystem::create_directories(out_dir);
  std::ofstream(out_dir / name, std::ios::binary) << actual;
  std::istringstream e(expected), a(actual);
  std::string le, la;
  std::size_t line = 0;
  while (true) {
    ++line;
    bool ge = static_cast<bool>(std::getline(e, le)), ga = static_cast<bool>(std::getline(a, la));
    if (!ge && !ga) break;
    if (ge != ga || le != la) {
      FAIL_CHECK("first difference at line " << line << "\n  expected: " << (ge ? le : "<end>") << "\n  actual:   "
                                             << (ga ? la : "<end>") << "\n  actual output: " << (out_dir / name).string());
      return;
    }
  }
  FAIL_CHECK("outputs differ (line endings or trailing bytes); actual output: " << (out_dir / name).string());
}

/// testdata/apps/demo.apk scanned with the shipped database, basename-only paths, and the
/// scanner and database version fields pinned, so goldens change only when what the scan finds
/// does (a database release that finds the same things leaves them alone).
inline const ScanResult& demo_result() {
  static ScanResult r = [] {
    ScanOptions opts = ScanOptions::standard();
    opts.path_basename_only = true;
    Scanner scanner(shipped_db(), opts);
    auto out = scanner.scan(testdata("apps/demo.apk").string());
    if (!out.result) throw std::runtime_error("demo.apk scan failed: " + out.error);
    ScanResult res = std::move(*out.result);
    res.scanner.version = "0.0.0-golden";
    res.scanner.signatures_version = "golden";
    res.scanner.signatures_count = 0;
    return res;
  }();
  return r;
}

}  // namespace sdkscope::test
