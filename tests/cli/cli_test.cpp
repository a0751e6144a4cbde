// End-to-end: the sdkscope binary, its exit codes, its one-line errors and its outputs.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "scanner/bundle/archive.hpp"
#include "support/json_schema.hpp"
#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope::test;

namespace {

struct Run {
  int code = -1;
  std::string out, err;
};

Run cli(const std::string& args) {
  auto dir = temp_dir("cli_run");
  Run r;
  r.out = run("'" + (build_dir() / "sdkscope").string() + "' " + args + " 2>'" + (dir / "err").string() + "'", &r.code);
  std::ifstream in(dir / "err");
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

std::filesystem::path demo_apk() { return testdata("apps/demo.apk"); }
std::filesystem::path demo_dex() { return testdata("apps/demo/classes.dex"); }

// An APK assembled in the test from generated fixtures: the manifest of the aapt fixture, one
// good DEX and one truncated DEX.
std::filesystem::path apk_with_broken_dex() {
  auto dir = temp_dir("broken_dex");
  sdkscope::Diagnostics d;
  std::string err;
  auto src = sdkscope::Archive::open_file(testdata("android/apks/full.apk").string(), sdkscope::Limits{}, d, &err);
  REQUIRE(src);
  sdkscope::ReadBudget budget;
  auto idx = src->find("AndroidManifest.xml");
  REQUIRE(idx);
  auto manifest = src->read(src->entries()[*idx], sdkscope::Limits{}, budget, d, "m");
  REQUIRE(manifest);
  auto good = read_file(demo_dex());
  std::vector<std::uint8_t> bad(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 3));
  write_zip(dir / "app.apk", {{"AndroidManifest.xml", *manifest}, {"classes.dex", good}, {"classes2.dex", bad}});
  return dir / "app.apk";
}

}  // namespace

TEST_CASE("unusable inputs: one line on stderr, exit 2, nothing on stdout") {
  auto dir = temp_dir("cli_bad_inputs");
  write_bytes(dir / "notzip.apk", bytes_of("this is plain text, not an archive"));
  write_bytes(dir / "empty.apk", {});
  auto z = make_zip({{"AndroidManifest.xml", std::vector<std::uint8_t>(5000, 1)}});
  z.resize(z.size() / 2);
  write_bytes(dir / "truncated.apk", z);
  write_zip(dir / "random.zip", {{"readme.txt", bytes_of("hi")}});
  for (const auto& input : {dir / "missing.apk", dir / "notzip.apk", dir / "empty.apk", dir / "truncated.apk",
                            dir / "random.zip", dir}) {
    auto r = cli("scan " + q(input));
    INFO(input << " -> " << r.err);
    CHECK(r.code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.rfind("sdkscope: ", 0) == 0);
    CHECK(r.out.empty());
  }
}

TEST_CASE("usage errors exit 2") {
  CHECK(cli("").code == 2);
  CHECK(cli("scan").code == 2);
  CHECK(cli("scan x --format yaml").code == 2);
  CHECK(cli("frobnicate").code == 2);
  CHECK(cli("--version").code == 0);
}

TEST_CASE("scan of the demo app: valid JSON report, reproducible, text summary") {
  REQUIRE(std::filesystem::exists(demo_apk()));
  auto r = cli("scan " + q(demo_apk()) + " --format json --basename");
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  auto errs = schema_errors(source_dir() / "reports/schema/report-v1.schema.json", j);
  INFO((errs.empty() ? "" : errs.front()));
  CHECK(errs.empty());
  CHECK(j["input"]["format"] == "apk");
  CHECK(j["input"]["path"] == "demo.apk");
  CHECK(j["app"]["platform"] == "android");
  CHECK(j["app"]["id"] == "com.sdkscope.demo");
  CHECK(j["sdks"].size() >= 1);
  CHECK(j["permissions"].size() >= 3);
  CHECK(j["endpoints"].size() >= 1);
  auto again = cli("scan " + q(demo_apk()) + " --format json --basename");
  CHECK(again.out == r.out);

  auto text = cli("scan " + q(demo_apk()) + " --format text");
  CHECK(text.code == 0);
  CHECK(text.out.find("SDKs (") != std::string::npos);
  CHECK(text.out.find("\x1b[") == std::string::npos);  // not a terminal: no colour

  auto dir = temp_dir("cli_out");
  auto to_file = cli("scan " + q(demo_apk()) + " -o " + q(dir / "r.json"));
  CHECK(to_file.code == 0);
  CHECK(to_file.out.empty());
  auto written = read_file(dir / "r.json");
  CHECK(nlohmann::json::accept(std::string(written.begin(), written.end())));
  CHECK(cli("scan " + q(demo_apk()) + " -o /nonexistent-dir/r.json").code == 2);
}

TEST_CASE("a broken DEX inside a good APK is a diagnostic; everything else is still reported") {
  auto apk = apk_with_broken_dex();
  auto r = cli("scan " + q(apk) + " --format json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  bool dex_diag = false;
  for (const auto& d : j["diagnostics"])
    if (d["where"] == "classes2.dex" && d["code"].get<std::string>().rfind("dex.", 0) == 0) dex_diag = true;
  CHECK(dex_diag);
  CHECK(j["app"]["id"].is_string());
  CHECK(j["permissions"].size() > 0);
  CHECK(j["stats"]["dex.classes"].get<int>() > 0);
}

TEST_CASE("signatures subcommands") {
  auto v = cli("signatures validate");
  CHECK(v.code == 0);
  CHECK(v.out.rfind("ok: ", 0) == 0);
  auto stats = cli("signatures stats");
  CHECK(stats.code == 0);
  CHECK(stats.out.find("SDK records") != std::string::npos);
  auto list = cli("signatures list");
  CHECK(list.code == 0);
  CHECK(list.out.find("tencent.bugly") != std::string::npos);
  auto show = cli("signatures show tencent.bugly");
  CHECK(show.code == 0);
  CHECK(show.out.find("com.tencent.bugly") != std::string::npos);
  CHECK(cli("signatures show no.such.sdk").code == 2);

  auto dir = temp_dir("cli_badsig");
  std::filesystem::create_directories(dir / "sdks");
  std::ofstream(dir / "db.json") << R"({"schema": 1, "version": "x"})";
  std::ofstream(dir / "vendors.json") << R"({"vendors": []})";
  std::ofstream(dir / "sdks/a.json") << R"({"sdks": [{"id": "a.b", "name": "A", "vendor": "ghost", "categories": ["analytics"],
    "android": {"packages": ["com.a"]}, "tests": {"match": [{"kind": "dex.class", "value": "com.a.B"}]}, "sources": ["s"]}]})";
  auto bad = cli("signatures validate " + q(dir));
  CHECK(bad.code == 2);
  CHECK(bad.err.find("unknown vendor 'ghost'") != std::string::npos);
  CHECK(cli("scan " + q(demo_apk()) + " --signatures " + q(dir)).code == 2);
}

TEST_CASE("--show-filtered lists dropped candidates with reasons; --home-jurisdiction is checked") {
  auto r = cli("scan " + q(demo_apk()) + " --format json --show-filtered");
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  bool ns = false;
  for (const auto& f : j["filtered_endpoints"])
    ns |= f["raw"] == "http://schemas.android.com/apk/res/android" && f["reason"] == "xml_namespace" && f["location"] == "classes.dex";
  CHECK(ns);
  auto plain = nlohmann::json::parse(cli("scan " + q(demo_apk()) + " --format json").out);
  CHECK_FALSE(plain.contains("filtered_endpoints"));
  CHECK(plain["home_jurisdiction"] == "EU");
  auto us = nlohmann::json::parse(cli("scan " + q(demo_apk()) + " --format json --home-jurisdiction us").out);
  CHECK(us["home_jurisdiction"] == "US");
  auto bad = cli("scan " + q(demo_apk()) + " --home-jurisdiction Narnia");
  CHECK(bad.code == 2);
  CHECK(lines(bad.err) == 1);
}

TEST_CASE("--geoip places IP literals from a local database; a bad file is exit 2") {
  auto r = cli("scan " + q(demo_apk()) + " --format json --geoip " + q(testdata("geoip/test-country.mmdb")));
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  bool placed = false;
  for (const auto& e : j["endpoints"])
    if (e["host"] == "203.0.113.7") placed = e["geo_country"] == "JP";
  CHECK(placed);
  auto bad = cli("scan " + q(demo_apk()) + " --geoip /nonexistent.mmdb");
  CHECK(bad.code == 2);
  CHECK(lines(bad.err) == 1);
}
