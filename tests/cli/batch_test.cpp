// End-to-end batch mode, diff and colour: the built binary on several inputs at once.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope::test;
namespace fs = std::filesystem;

namespace {

struct Run {
  int code = -1;
  std::string out, err;
};

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

Run cli_run(const std::string& args, const std::string& env = "") {
  auto dir = temp_dir("batch_run");
  Run r;
  r.out = run(env + " " + q(build_dir() / "sdkscope") + " " + args + " 2>" + q(dir / "err"), &r.code);
  std::ifstream in(dir / "err");
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    INFO(line.substr(0, 200));
    REQUIRE(nlohmann::json::accept(line));
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path demo_apk() { return testdata("apps/demo.apk"); }
fs::path demo_dex() { return testdata("apps/demo/classes.dex"); }

// A directory of inputs: good apps under distinct names, and a file that is not an app.
struct Inputs {
  fs::path dir;
  std::vector<fs::path> good;
  fs::path bad;
};

Inputs make_inputs(const std::string& name, std::size_t good_count) {
  Inputs in;
  in.dir = temp_dir(name);
  for (std::size_t i = 0; i < good_count; ++i) {
    auto p = in.dir / ("app" + std::to_string(i) + (i % 2 ? ".dex" : ".apk"));
    fs::copy_file(i % 2 ? demo_dex() : demo_apk(), p);
    in.good.push_back(p);
  }
  in.bad = in.dir / "notes.apk";
  write_bytes(in.bad, bytes_of("plain text, not an app"));
  return in;
}

std::string path_of(const nlohmann::json& rec) { return rec["input"]["path"].get<std::string>(); }

fs::path write_list(const fs::path& file, const std::vector<std::string>& lines) {
  std::ofstream out(file);
  for (const auto& l : lines) out << l << "\n";
  return file;
}

}  // namespace

TEST_CASE("several inputs: one JSON Lines record per input, in input order, ok or error") {
  auto in = make_inputs("batch_jsonl", 2);
  auto r = cli_run("scan " + q(in.good[0]) + " " + q(in.bad) + " " + q(in.good[1]) + " --jobs 3");
  INFO(r.err);
  CHECK(r.code == 0);
  auto recs = json_lines(r.out);
  REQUIRE(recs.size() == 3);
  CHECK(recs[0]["status"] == "ok");
  CHECK(recs[0]["schema_version"] == 1);
  CHECK(path_of(recs[0]) == in.good[0].string());
  CHECK(recs[0]["input"]["sha256"].get<std::string>().size() == 64);
  CHECK(recs[0]["app"]["id"] == "com.sdkscope.demo");
  CHECK(recs[1]["status"] == "error");
  CHECK(path_of(recs[1]) == in.bad.string());
  CHECK(recs[1]["input"]["sha256"].get<std::string>().size() == 64);
  CHECK(recs[1]["error"].get<std::string>().find('\n') == std::string::npos);
  CHECK_FALSE(recs[1].contains("sdks"));
  CHECK(recs[2]["status"] == "ok");
  CHECK(recs[2]["input"]["format"] == "dex");
  CHECK(r.err.find("notes.apk") != std::string::npos);  // the failure is named on stderr too
  CHECK(r.err.find("3 inputs: 2 scanned, 1 failed") != std::string::npos);
  CHECK(r.err.find('\r') == std::string::npos);  // no progress bar when stderr is not a terminal

  // An ok record is the report plus "status": the same bytes as a single scan, compacted.
  auto single = nlohmann::json::parse(cli_run("scan " + q(in.good[0]) + " --format json").out);
  auto rec = recs[0];
  rec.erase("status");
  CHECK(rec == single);
}

TEST_CASE("unusable inputs in the middle of a batch do not stop it; order holds with many jobs") {
  auto in = make_inputs("batch_middle", 4);
  auto fifo = in.dir / "pipe.apk";
  REQUIRE(run("mkfifo " + q(fifo) + " && echo ok").find("ok") != std::string::npos);
  std::vector<fs::path> order{in.good[0], in.dir / "missing.apk", in.good[1], fifo, in.bad, in.dir, in.good[2], in.good[3]};
  std::string args;
  for (const auto& p : order) args += " " + q(p);
  auto r = cli_run("scan" + args + " --jobs 4 --basename");
  INFO(r.err);
  CHECK(r.code == 0);
  auto recs = json_lines(r.out);
  REQUIRE(recs.size() == order.size());
  std::vector<std::string> expect_status{"ok", "error", "ok", "error", "error", "error", "ok", "ok"};
  for (std::size_t i = 0; i < order.size(); ++i) {
    INFO(i);
    CHECK(recs[i]["status"] == expect_status[i]);
    CHECK(path_of(recs[i]) == order[i].filename().string());
  }
}

TEST_CASE("exit 2 only when no input could be scanned") {
  auto in = make_inputs("batch_allbad", 0);
  auto r = cli_run("scan " + q(in.bad) + " " + q(in.dir / "missing.apk"));
  CHECK(r.code == 2);
  CHECK(json_lines(r.out).size() == 2);
  auto list = write_list(in.dir / "empty.txt", {"# nothing"});
  CHECK(cli_run("scan --from-list " + q(list)).code == 0);  // nothing to do is not a failure
}

TEST_CASE("--from-list: one path a line, comments and blanks skipped, '-' reads stdin; batch is an alias") {
  auto in = make_inputs("batch_list", 2);
  auto list = write_list(in.dir / "apps.txt", {"# the apps", "", "  " + in.good[0].string() + "  ", "\t# indented comment",
                                               in.good[1].string() + "\r"});
  auto r = cli_run("scan --from-list " + q(list) + " --basename");
  INFO(r.err);
  CHECK(r.code == 0);
  auto recs = json_lines(r.out);
  REQUIRE(recs.size() == 2);
  CHECK(path_of(recs[0]) == "app0.apk");
  CHECK(path_of(recs[1]) == "app1.dex");

  // Positional inputs come first, then the list.
  auto both = json_lines(cli_run("scan " + q(in.bad) + " --from-list " + q(list) + " --basename").out);
  REQUIRE(both.size() == 3);
  CHECK(path_of(both[0]) == "notes.apk");

  auto stdin_run = cli_run("scan --from-list - --basename < " + q(list));
  CHECK(json_lines(stdin_run.out).size() == 2);
  auto alias = cli_run("batch " + q(list) + " --basename --jobs 1");
  CHECK(alias.code == 0);
  CHECK(alias.out == r.out);

  // A list of one is still a batch (JSON Lines), so scripts see one shape.
  auto one = write_list(in.dir / "one.txt", {in.good[0].string()});
  auto single = cli_run("scan --from-list " + q(one));
  CHECK(json_lines(single.out).size() == 1);
  CHECK(cli_run("scan --from-list " + q(in.dir / "nope.txt")).code == 2);
}

TEST_CASE("--shard K/N: the shards partition the list exactly, each in list order") {
  auto in = make_inputs("batch_shard", 5);
  std::vector<std::string> lines;
  for (const auto& p : in.good) lines.push_back(p.string());
  lines.push_back(in.bad.string());
  auto list = write_list(in.dir / "apps.txt", lines);  // 6 inputs: indices 0..5
  auto s1 = json_lines(cli_run("scan --from-list " + q(list) + " --shard 1/2").out);
  auto s2 = json_lines(cli_run("scan --from-list " + q(list) + " --shard 2/2").out);
  REQUIRE(s1.size() == 3);
  REQUIRE(s2.size() == 3);
  for (std::size_t j = 0; j < 3; ++j) {
    CHECK(path_of(s1[j]) == lines[2 * j]);
    CHECK(path_of(s2[j]) == lines[2 * j + 1]);
  }
  auto s3 = json_lines(cli_run("scan --from-list " + q(list) + " --shard 3/4").out);
  REQUIRE(s3.size() == 1);
  CHECK(path_of(s3[0]) == lines[2]);
  // More shards than inputs: an empty shard is done, not failed.
  auto empty = cli_run("scan --from-list " + q(list) + " --shard 9/9");
  CHECK(empty.code == 0);
  CHECK(empty.out.empty());
  for (const char* bad : {"0/2", "3/2", "1/0", "x", "1/2/3", "-1/2", "1/"})
    CHECK(cli_run("scan --from-list " + q(list) + " --shard " + bad).code == 2);
}

TEST_CASE("--resume with -o FILE.jsonl: a second run appends nothing; failures are retried") {
  auto in = make_inputs("batch_resume", 3);
  // A bundle directory too: the CLI's digest must equal the engine's input.sha256.
  auto fw = in.dir / "PlistKit.framework";
  fs::create_directories(fw);
  fs::copy_file(testdata("plist/framework_info.bplist"), fw / "Info.plist");
  fs::copy_file(testdata("macho/kit/DemoKit"), fw / "PlistKit");
  auto out = in.dir / "out.jsonl";
  std::string inputs = q(in.good[0]) + " " + q(in.good[1]) + " " + q(fw) + " " + q(in.good[2]);

  auto first = cli_run("scan " + inputs + " -o " + q(out) + " --resume");
  INFO(first.err);
  CHECK(first.code == 0);
  CHECK(first.out.empty());
  auto after_first = read_text(out);
  auto recs = json_lines(after_first);
  REQUIRE(recs.size() == 4);
  for (const auto& rec : recs) CHECK(rec["status"] == "ok");
  CHECK(recs[2]["input"]["format"] == "framework");

  auto second = cli_run("scan " + inputs + " -o " + q(out) + " --resume");
  CHECK(second.code == 0);
  CHECK(read_text(out) == after_first);
  CHECK(second.err.find("0 scanned, 0 failed, 4 already in") != std::string::npos);

  // A new input is appended; a failed one is tried again on the next run.
  auto third = cli_run("scan " + inputs + " " + q(in.bad) + " -o " + q(out) + " --resume");
  CHECK(third.code == 0);
  auto recs3 = json_lines(read_text(out));
  REQUIRE(recs3.size() == 5);
  CHECK(recs3[4]["status"] == "error");
  cli_run("scan " + inputs + " " + q(in.bad) + " -o " + q(out) + " --resume");
  CHECK(json_lines(read_text(out)).size() == 6);

  // A run killed mid-line leaves a partial record: it is dropped, and that input rescanned.
  auto partial = in.dir / "partial.jsonl";
  std::string one_line = after_first.substr(0, after_first.find('\n') + 1);
  {
    std::ofstream f(partial, std::ios::binary);
    f << one_line << after_first.substr(one_line.size(), 100);
  }
  auto resumed = cli_run("scan " + inputs + " -o " + q(partial) + " --resume");
  CHECK(resumed.code == 0);
  CHECK(resumed.err.find("incomplete last line") != std::string::npos);
  auto recs_p = json_lines(read_text(partial));
  // Resume keys on content: app2.apk has app0.apk's bytes, so it counts as done too.
  REQUIRE(recs_p.size() == 3);
  CHECK(path_of(recs_p[0]) == in.good[0].string());
  CHECK(path_of(recs_p[1]) == in.good[1].string());
  CHECK(path_of(recs_p[2]) == fw.string());

  // Without --resume the file is rewritten.
  cli_run("scan " + q(in.good[0]) + " " + q(in.good[1]) + " -o " + q(out));
  CHECK(json_lines(read_text(out)).size() == 2);
  // --resume needs a JSON Lines file.
  CHECK(cli_run("scan " + inputs + " --resume").code == 2);
  CHECK(cli_run("scan " + inputs + " --resume -o " + q(in.dir / "dir")).code == 2);
}

TEST_CASE("-o DIR: one report per input, named after it, duplicates numbered in list order") {
  auto in = make_inputs("batch_dir", 2);
  fs::create_directories(in.dir / "a");
  fs::create_directories(in.dir / "b");
  fs::copy_file(demo_apk(), in.dir / "a" / "demo.apk");
  fs::copy_file(demo_apk(), in.dir / "b" / "demo.apk");
  fs::copy_file(demo_apk(), in.dir / "demo.apk-2");
  auto out = in.dir / "reports";
  std::vector<fs::path> inputs{in.dir / "a/demo.apk", in.bad, in.dir / "b/demo.apk", in.dir / "demo.apk-2", in.good[1]};
  std::string args;
  for (const auto& p : inputs) args += " " + q(p);
  auto r = cli_run("scan" + args + " -o " + q(out));
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.empty());
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(out)) files.insert(e.path().filename().string());
  CHECK(files == std::set<std::string>{"demo.apk.json", "demo.apk-2.json", "demo.apk-2-2.json", "app1.dex.json"});
  auto j = nlohmann::json::parse(read_text(out / "demo.apk-2.json"));
  CHECK(j["input"]["path"] == (in.dir / "b/demo.apk").string());
  CHECK(j["app"]["id"] == "com.sdkscope.demo");

  auto text = cli_run("scan" + args + " -o " + q(in.dir / "text") + " --format text");
  CHECK(text.code == 0);
  auto summary = read_text(in.dir / "text" / "demo.apk.txt");
  CHECK(summary.find("SDKs (") != std::string::npos);
  CHECK(summary.find('\x1b') == std::string::npos);

  // A batch to stdout or FILE.jsonl is JSON; another format needs a directory.
  CHECK(cli_run("scan" + args + " --format text").code == 2);
  // -o naming an existing file that is not .jsonl is refused rather than overwritten.
  CHECK(cli_run("scan" + args + " -o " + q(in.bad)).code == 2);
}

TEST_CASE("diff: exit 0 without change, 1 when a --fail-on condition holds, 2 on error") {
  auto dir = temp_dir("cli_diff");
  auto same = cli_run("diff " + q(demo_apk()) + " " + q(demo_apk()) + " --fail-on new-sdk,new-country,new-endpoint");
  INFO(same.err);
  CHECK(same.code == 0);
  CHECK(same.out.find("no changes") != std::string::npos);

  // A saved report with one SDK and one endpoint taken out plays the old version.
  auto report = nlohmann::json::parse(cli_run("scan " + q(demo_apk()) + " --format json").out);
  REQUIRE(report["sdks"].size() >= 1);
  std::string removed_sdk = report["sdks"][0]["id"];
  report["sdks"].erase(0);
  auto old_report = dir / "old.json";
  std::ofstream(old_report) << report.dump(2);

  auto d = cli_run("diff " + q(old_report) + " " + q(demo_apk()) + " --format json --fail-on new-sdk");
  INFO(d.err);
  CHECK(d.code == 1);
  auto j = nlohmann::json::parse(d.out);
  REQUIRE(j["sdks"]["added"].size() == 1);
  CHECK(j["sdks"]["added"][0]["id"] == removed_sdk);
  CHECK(j["fail_on_met"][0] == "new-sdk");
  CHECK(cli_run("diff " + q(old_report) + " " + q(demo_apk()) + " --fail-on new-permission").code == 0);
  CHECK(cli_run("diff " + q(old_report) + " " + q(demo_apk())).code == 0);  // no --fail-on: report only
  CHECK(cli_run("diff " + q(demo_apk()) + " " + q(old_report) + " --fail-on new-sdk").code == 0);  // a removal
  auto md = cli_run("diff " + q(old_report) + " " + q(demo_apk()) + " --format md");
  CHECK(md.out.rfind("# sdkscope diff", 0) == 0);
  auto to_file = cli_run("diff " + q(old_report) + " " + q(demo_apk()) + " -o " + q(dir / "d.txt") + " --fail-on new-sdk");
  CHECK(to_file.code == 1);
  CHECK(read_text(dir / "d.txt").find(removed_sdk) != std::string::npos);

  // Errors: a missing side, a report of another schema version, an unknown condition.
  CHECK(cli_run("diff " + q(dir / "missing.apk") + " " + q(demo_apk())).code == 2);
  report["schema_version"] = 2;
  std::ofstream(dir / "v2.json") << report.dump();
  auto v2 = cli_run("diff " + q(dir / "v2.json") + " " + q(demo_apk()));
  CHECK(v2.code == 2);
  CHECK(v2.err.find("schema_version") != std::string::npos);
  std::ofstream(dir / "broken.json") << "{\"schema_version\": 1, ";
  CHECK(cli_run("diff " + q(dir / "broken.json") + " " + q(demo_apk())).code == 2);
  CHECK(cli_run("diff " + q(demo_apk()) + " " + q(demo_apk()) + " --fail-on new-everything").code == 2);
  CHECK(cli_run("diff " + q(demo_apk())).code == 2);
}

TEST_CASE("diff of a corpus app against itself: no change, exit 0") {
  auto corpus = corpus_dir();
  if (!corpus || !fs::exists(*corpus / "android/androidproject-2019-09.apk")) {
    MESSAGE("../shared/corpus not present: skipped");
    return;
  }
  auto apk = *corpus / "android/androidproject-2019-09.apk";
  auto r = cli_run("diff " + q(apk) + " " + q(apk) +
                    " --fail-on new-sdk,new-country,new-permission,new-dangerous-permission,new-finding,new-high-finding,new-endpoint"
                    " --format json");
  INFO(r.err);
  CHECK(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["changed"] == false);
  CHECK(j["fail_on_met"].empty());
}

TEST_CASE("colour on a terminal unless NO_COLOR; the progress bar only on a terminal") {
  if (run("command -v script").find("script") == std::string::npos) {
    MESSAGE("script(1) not available: skipped");
    return;
  }
  // script(1) gives the child a pseudo-terminal for stdout and stderr.
  auto on_tty = [](const std::string& args, const std::string& env) {
    std::string cmd = (build_dir() / "sdkscope").string() + " " + args;
    return run(env + " script -qec " + q(cmd) + " /dev/null");
  };
  std::string scan = "scan " + demo_apk().string();
  auto colour = on_tty(scan, "env -u NO_COLOR");
  CHECK(colour.find("SDKs (") != std::string::npos);  // text is the default on a terminal
  CHECK(colour.find("\x1b[") != std::string::npos);
  auto no_colour = on_tty(scan, "NO_COLOR=1");
  CHECK(no_colour.find("SDKs (") != std::string::npos);
  CHECK(no_colour.find("\x1b[") == std::string::npos);
  CHECK(on_tty(scan + " --color never", "env -u NO_COLOR").find("\x1b[") == std::string::npos);
  CHECK(on_tty(scan + " --color always", "NO_COLOR=1").find("\x1b[") != std::string::npos);
  // Empty NO_COLOR does not count (no-color.org).
  CHECK(on_tty(scan, "NO_COLOR=").find("\x1b[") != std::string::npos);
  // Not a terminal: never, unless --color always.
  CHECK(cli_run(scan + " --format text").out.find("\x1b[") == std::string::npos);
  CHECK(cli_run(scan + " --format text --color always").out.find("\x1b[") != std::string::npos);

  auto batch = on_tty("scan " + demo_apk().string() + " " + demo_dex().string() + " -o " +
                          (temp_dir("batch_tty") / "out.jsonl").string(),
                      "");
  CHECK(batch.find("2/2") != std::string::npos);
  CHECK(batch.find('\r') != std::string::npos);
}
