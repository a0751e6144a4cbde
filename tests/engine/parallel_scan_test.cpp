// Parallel scanning (issue 8): the report of every input is byte-identical whatever the number of
// threads, including where the input's byte budget runs out part-way; archives serve concurrent
// reads; batch workers can cap a scan to one thread. No timing is asserted here (bench/ measures).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "reports/json_report.hpp"
#include "scanner/bundle/archive.hpp"
#include "scanner/engine/scanner.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope;
using namespace sdkscope::test;

namespace {

namespace fs = std::filesystem;

// The JSON report, or the error line, of one scan.
std::string report(const Scanner& scanner, const fs::path& p) {
  auto out = scanner.scan(p.string());
  return out.result ? write_json_report(*out.result) : "error: " + out.error;
}

ScanOptions with_threads(unsigned n, ScanOptions o = ScanOptions::standard()) {
  o.threads = n;
  o.path_basename_only = true;
  o.show_filtered = true;  // the filtered list is merged from tasks too
  return o;
}

// Every regular file under `root`, plus the bundle directories (.app, .framework, .xcframework)
// a directory walk scans as one input. Sorted, for a stable order of CHECK output.
std::vector<fs::path> inputs_under(const fs::path& root) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; it != end; it.increment(ec)) {
    if (ec) break;
    const auto ext = it->path().extension().string();
    if (it->is_directory(ec) && (ext == ".app" || ext == ".framework" || ext == ".xcframework")) out.push_back(it->path());
    else if (it->is_regular_file(ec)) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void check_same_reports(const std::vector<fs::path>& inputs, const ScanOptions& base = ScanOptions::standard()) {
  Scanner one(shipped_db(), with_threads(1, base));
  Scanner four(shipped_db(), with_threads(4, base));
  REQUIRE(one.scan_threads() == 1);
  REQUIRE(four.scan_threads() == 4);
  for (const auto& p : inputs) {
    INFO(p.string());
    std::string a = report(one, p);
    std::string b = report(four, p);
    CHECK(a.size() == b.size());
    CHECK(a == b);
  }
}

// An APK with many heavy entries interleaved with light ones: DEX files, libraries of two ABIs,
// text assets, version files and a nested APK, in an order that mixes them.
fs::path mixed_apk() {
  auto dir = temp_dir("parallel_scan");
  auto apk = read_file(testdata("apps/demo.apk"));
  std::vector<ZipEntrySpec> entries;
  std::string manifest_name = "AndroidManifest.xml";
  {
    // The demo app's own manifest and resources first, as in a real APK.
    std::string err;
    Diagnostics diags;
    auto data = std::make_shared<const std::vector<std::uint8_t>>(apk);
    auto a = Archive::open(data, Limits{}, diags, "", &err);
    REQUIRE(a);
    ReadBudget budget;
    for (const auto& e : a->entries()) {
      if (e.name != "AndroidManifest.xml" && e.name != "resources.arsc") continue;
      auto bytes = a->read(e, Limits{}, budget, diags, e.name);
      REQUIRE(bytes);
      entries.push_back({e.name, *bytes});
    }
  }
  auto dex_a = read_file(testdata("dex/app.dex"));
  auto dex_b = read_file(testdata("dex/multidex_classes.dex"));
  auto dex_c = read_file(testdata("dex/multidex_classes2.dex"));
  auto so = read_file(testdata("native/arm64-v8a/libacmetrack.so"));
  auto so_calls = read_file(testdata("native/arm64-v8a/libcalls.so"));
  for (int i = 0; i < 12; ++i) {
    const auto& dex = i % 3 == 0 ? dex_a : i % 3 == 1 ? dex_b : dex_c;
    entries.push_back({i == 0 ? "classes.dex" : "classes" + std::to_string(i + 1) + ".dex", dex});
    entries.push_back({"lib/arm64-v8a/libpart" + std::to_string(i) + ".so", i % 2 ? so : so_calls});
    entries.push_back({"lib/armeabi-v7a/libpart" + std::to_string(i) + ".so", so});
    entries.push_back({"assets/www/page" + std::to_string(i) + ".js",
                       bytes_of("var api = 'https://api" + std::to_string(i) +
                                ".bigco.cn/v1'; // http://docs.example.org/\nvar k = 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW';")});
    entries.push_back({"META-INF/com.google.android.gms_play-services-ads.version", bytes_of("20.4." + std::to_string(i) + "\n")});
  }
  entries.push_back({"assets/inner.apk", apk});
  entries.push_back({"assets/plugin.dex", dex_a});
  auto path = dir / "mixed.apk";
  write_zip(path, entries);
  return path;
}

}  // namespace

TEST_CASE("every fixture under testdata/ gives the same report with 1 and 4 threads") {
  check_same_reports(inputs_under(source_dir() / "testdata"));
}

TEST_CASE("every corpus bundle gives the same report with 1 and 4 threads") {
  auto corpus = corpus_dir();
  if (!corpus) {
    MESSAGE("../shared/corpus absent: skipped");
    return;
  }
  check_same_reports(inputs_under(*corpus));
}

TEST_CASE("an APK mixing DEX, libraries, text assets, version files and nested code: same report") {
  auto apk = mixed_apk();
  check_same_reports({apk});
  // The report really has the parts that came from tasks.
  Scanner four(shipped_db(), with_threads(4));
  auto out = four.scan(apk.string());
  REQUIRE(out.result);
  CHECK(out.result->stats.at("dex.files") >= 13);
  CHECK(out.result->stats.at("native.libraries_parsed") >= 12);
  CHECK(out.result->stats.at("assets.text_files") >= 12);
}

TEST_CASE("a byte budget that runs out part-way cuts the same entries with 1 and 4 threads") {
  auto apk = mixed_apk();
  Scanner probe(shipped_db(), with_threads(1));
  auto full = probe.scan(apk.string());
  REQUIRE(full.result);
  const std::uint64_t total = full.result->stats.at("bundle.bytes_inflated");
  for (std::uint64_t cut : {total / 5, total / 3, total / 2, total - total / 7, total - 1}) {
    INFO("max_total_bytes " << cut);
    ScanOptions o = ScanOptions::standard();
    o.limits.max_total_bytes = cut;
    check_same_reports({apk}, o);
    Scanner one(shipped_db(), with_threads(1, o));
    auto r = one.scan(apk.string());
    REQUIRE(r.result);
    CHECK(std::any_of(r.result->diagnostics.begin(), r.result->diagnostics.end(),
                      [](const Diagnostic& d) { return d.code == "limit.max_total_bytes"; }));
  }
}

TEST_CASE("one Scanner serves several threads scanning at once, each with its own task pool") {
  auto apk = mixed_apk();
  Scanner scanner(shipped_db(), with_threads(2));
  const std::string expected = report(scanner, apk);
  std::atomic<int> same{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 3; ++i)
    ts.emplace_back([&] {
      if (report(scanner, apk) == expected) ++same;
    });
  for (auto& t : ts) t.join();
  CHECK(same == 3);
}

TEST_CASE("ScopedScanThreads caps the scans of the calling thread only") {
  Scanner scanner(shipped_db(), with_threads(0));
  const unsigned all = scanner.scan_threads();
  CHECK(all >= 1);
  {
    ScopedScanThreads cap(1);
    CHECK(scanner.scan_threads() == 1);
    unsigned other = 0;
    std::thread([&] { other = scanner.scan_threads(); }).join();
    CHECK(other == all);
  }
  CHECK(scanner.scan_threads() == all);
  Scanner three(shipped_db(), with_threads(3));
  ScopedScanThreads cap(8);
  CHECK(three.scan_threads() == 3);  // a cap above the option changes nothing
}

TEST_CASE("Archive::read from several threads at once returns every entry intact") {
  auto apk = mixed_apk();
  Diagnostics diags;
  std::string err;
  auto a = Archive::open_file(apk.string(), Limits{}, diags, &err);
  REQUIRE(a);
  // Reference bytes, read one at a time.
  std::vector<std::vector<std::uint8_t>> want;
  {
    ReadBudget budget;
    for (const auto& e : a->entries()) want.push_back(a->read(e, Limits{}, budget, diags, e.name).value_or(std::vector<std::uint8_t>{}));
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      Diagnostics d;
      ReadBudget budget;
      for (int round = 0; round < 3; ++round)
        for (std::size_t i = 0; i < a->entries().size(); ++i) {
          std::size_t k = (i * 7 + static_cast<std::size_t>(t) * 13 + static_cast<std::size_t>(round)) % a->entries().size();
          auto got = a->read(a->entries()[k], Limits{}, budget, d, a->entries()[k].name);
          if (!got || *got != want[k]) ++mismatches;
        }
    });
  for (auto& th : ts) th.join();
  CHECK(mismatches == 0);
  CHECK(diags.empty());
}
