// Hostile inputs through the whole engine: each input is written to a fresh temp directory and
// scanned by Scanner::scan in a forked child (tests/support/fork_sweep.hpp run_bounded) under
// alarm() and RLIMIT_AS, with its working directory and TMPDIR pointed at empty directories, so
// that a hang or a blow-up fails the test instead of CTest, and anything written to disk shows.
#pragma once

#include <doctest/doctest.h>

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/json_report.hpp"
#include "scanner/bundle/archive.hpp"
#include "scanner/engine/scanner.hpp"
#include "support/fork_sweep.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

namespace sdkscope::test::hostile {

/// Fixed bounds for one hostile scan. The inputs are small; a sound scan of any of them takes
/// well under a second (a few seconds for 100,000 entries), so these only catch hangs and
/// blow-ups. ASan runs 2-5x slower and cannot use RLIMIT_AS (see fork_sweep.hpp).
inline ChildLimits scan_limits() {
  ChildLimits l;
  l.seconds = kSanitized ? 120 : 30;
  l.address_space_bytes = 3ull << 30;
  return l;
}
/// Peak RSS a hostile scan may reach (plain builds; the forked child starts at the parent's
/// RSS, signature database included, about 100 MiB).
inline constexpr long kMaxRssKb = 400 * 1024;

struct DiagLine {
  std::string code, where, message;
};

struct HostileScan {
  ChildOutcome child;
  bool scanned = false;  ///< Scanner::scan returned a result
  std::string error;     ///< else its one-line error
  std::string format;
  std::vector<DiagLine> diags;
  std::string disk_changes;  ///< "" when the scan wrote nothing anywhere we watch

  bool has(const std::string& code) const {
    return std::any_of(diags.begin(), diags.end(), [&](const DiagLine& d) { return d.code == code; });
  }
  /// A diagnostic with this code whose message mentions `text`.
  bool has(const std::string& code, const std::string& text) const {
    return std::any_of(diags.begin(), diags.end(),
                       [&](const DiagLine& d) { return d.code == code && d.message.find(text) != std::string::npos; });
  }
  std::string codes() const {
    std::string s;
    for (const auto& d : diags) s += d.code + " @" + d.where + ": " + d.message.substr(0, 160) + "\n";
    return s;
  }
};

namespace detail {

/// Every path under `dir` with its type and size (mtime would flap on an untouched file's atime
/// neighbours; size and kind show any write, new file or deletion).
inline std::map<std::string, std::string> listing(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    const auto st = it->symlink_status(ec);
    std::string what = std::to_string(static_cast<int>(st.type()));
    if (st.type() == std::filesystem::file_type::regular) what += ":" + std::to_string(it->file_size(ec));
    out[it->path().lexically_relative(dir).generic_string()] = what;
  }
  return out;
}

inline std::string diff(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b) {
  std::string s;
  for (const auto& [k, v] : a)
    if (!b.count(k)) s += "removed " + k + "\n";
    else if (b.at(k) != v) s += "changed " + k + "\n";
  for (const auto& [k, v] : b)
    if (!a.count(k)) s += "created " + k + "\n";
  return s;
}

inline std::string escape(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

}  // namespace detail

/// Writes `bytes` as <temp>/in/<file_name> (or, when `tree` is set, lays out a directory bundle
/// through it instead) and scans it in a bounded child. The child also renders the JSON report
/// and parses it back, so a report writer that chokes on hostile names fails here too.
inline HostileScan scan_hostile(const std::string& test_name, const std::string& file_name,
                                const std::vector<std::uint8_t>& bytes, ScanOptions options = ScanOptions::standard(),
                                ChildLimits limits = scan_limits()) {
  namespace fs = std::filesystem;
  const SignatureDb& db = shipped_db();  // loaded here, inherited by the child
  const fs::path dir = temp_dir("hostile/" + test_name);
  fs::create_directories(dir / "in");
  fs::create_directories(dir / "cwd");
  fs::create_directories(dir / "tmp");
  const fs::path input = dir / "in" / file_name;
  write_bytes(input, bytes);
  const auto before = detail::listing(dir);

  HostileScan h;
  h.child = run_bounded(
      [&](std::string& out) {
        if (::chdir((dir / "cwd").c_str()) != 0) return 4;
        ::setenv("TMPDIR", (dir / "tmp").c_str(), 1);
        Scanner scanner(db, options);
        ScanOutcome o = scanner.scan(input.string());
        if (!o.result) {
          out = "E\t" + o.error;
          return 0;
        }
        const std::string report = write_json_report(*o.result);
        // Throws (exit 3) when the report is not valid JSON.
        if (nlohmann::json::parse(report).is_discarded()) return 5;
        out = "F\t" + o.result->input.format + "\n";
        for (const auto& d : o.result->diagnostics)
          out += "D\t" + detail::escape(d.code) + "\t" + detail::escape(d.where) + "\t" + detail::escape(d.message) + "\n";
        return 0;
      },
      limits);
  h.disk_changes = detail::diff(before, detail::listing(dir));

  const std::string& o = h.child.output;
  if (o.rfind("E\t", 0) == 0) {
    h.error = o.substr(2);
  } else if (o.rfind("F\t", 0) == 0) {
    h.scanned = true;
    std::size_t pos = 0;
    while (pos < o.size()) {
      std::size_t nl = o.find('\n', pos);
      if (nl == std::string::npos) nl = o.size();
      const std::string line = o.substr(pos, nl - pos);
      pos = nl + 1;
      if (line.rfind("F\t", 0) == 0) h.format = line.substr(2);
      if (line.rfind("D\t", 0) != 0) continue;
      DiagLine d;
      const std::size_t a = line.find('\t', 2), b = line.find('\t', a + 1);
      d.code = line.substr(2, a - 2);
      d.where = line.substr(a + 1, b - a - 1);
      d.message = line.substr(b + 1);
      h.diags.push_back(std::move(d));
    }
  }
  return h;
}

/// The checks every hostile scan must pass: the child finished by itself within the bounds,
/// produced a result or a clean one-line error, and left the disk as it was.
inline void check_bounded(const HostileScan& h) {
  INFO("child: " << h.child.describe());
  INFO("output head: " << h.child.output.substr(0, 400));
  REQUIRE(h.child.exited(0));
  CHECK(h.child.seconds < scan_limits().seconds);
  if (!kSanitized) CHECK(h.child.max_rss_kb < kMaxRssKb);
  CHECK(h.disk_changes == "");
  CHECK((h.scanned || !h.error.empty()));
  if (!h.scanned) {
    CHECK(h.error.find('\n') == std::string::npos);
    CHECK(h.error.size() < 400);
  }
}

/// The compiled AndroidManifest.xml of testdata/android/apks/minimal.apk (read from the fixture
/// in memory), so hostile APKs are recognised as APKs and reach the passes under test.
inline const std::vector<std::uint8_t>& minimal_manifest() {
  static const std::vector<std::uint8_t> axml = [] {
    auto data = std::make_shared<const std::vector<std::uint8_t>>(read_file(testdata("android/apks/minimal.apk")));
    Diagnostics diags;
    std::string err;
    auto a = Archive::open(data, Limits{}, diags, "", &err);
    if (!a) throw std::runtime_error("minimal.apk: " + err);
    ReadBudget budget;
    auto idx = a->find("AndroidManifest.xml");
    if (!idx) throw std::runtime_error("minimal.apk has no manifest");
    for (const auto& e : a->entries())
      if (e.index == *idx) return *a->read(e, Limits{}, budget, diags, "");
    throw std::runtime_error("minimal.apk: manifest not listed");
  }();
  return axml;
}

}  // namespace sdkscope::test::hostile
