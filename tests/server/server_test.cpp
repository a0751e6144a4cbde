// The review service's HTTP contract, in-process on an ephemeral loopback port with a real
// scanner and a SQLite database in a temp dir.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "reports/json_read.hpp"
#include "server/upload.hpp"
#include "server_fixture.hpp"

using namespace sdkscope;
using namespace sdkscope::test;
using nlohmann::json;

namespace {

std::string demo_bytes() { return file_text(testdata("apps/demo.apk")); }

std::unique_ptr<server::Storage> sqlite_in(const std::filesystem::path& dir) {
  return server::open_storage("sqlite:" + (dir / "serve.db").string());
}

server::ServerConfig quiet_config() {
  server::ServerConfig cfg;
  cfg.log = nullptr;
  cfg.jobs = 2;
  return cfg;
}

/// A temp file the server's request log goes to; read back with text().
struct LogFile {
  std::FILE* f = std::tmpfile();
  ~LogFile() {
    if (f) std::fclose(f);
  }
  LogFile() = default;
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;
  std::string text() const {
    std::fflush(f);
    std::rewind(f);
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fseek(f, 0, SEEK_END);
    return out;
  }
};

std::string upload_id(const httplib::Result& r) {
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->status == 202);
  auto j = parse_json(r->body);
  CHECK(j["status"] == "queued");
  return j["id"].get<std::string>();
}

}  // namespace

TEST_CASE("serve: upload, poll until done, every report format, scan list") {
  auto dir = temp_dir("server_formats");
  auto storage = sqlite_in(dir);
  TestServer srv(quiet_config(), *storage, real_scan());
  REQUIRE_MESSAGE(srv.started(), srv.error());
  auto c = srv.client();

  // Raw body with ?filename=.
  auto r = upload_raw(c, demo_bytes(), "demo.apk");
  REQUIRE(r);
  CHECK(r->get_header_value("Location").rfind("/api/v1/scans/", 0) == 0);
  std::string id = upload_id(r);
  CHECK(id.size() == 32);
  auto done = wait_scan(c, id);
  REQUIRE(done["status"] == "done");
  CHECK(done["file_name"] == "demo.apk");
  CHECK(done["app"]["id"] == "com.sdkscope.demo");
  CHECK(done["app"]["platform"] == "android");
  CHECK(done["app"]["version_code"] == 3);
  CHECK(done["verdict"] == "none");
  CHECK(done["counts"]["sdks"].get<int>() > 0);
  REQUIRE(done.contains("report"));
  CHECK(done["report"]["schema_version"] == 1);
  CHECK(done["report"]["input"]["path"] == "demo.apk");  // never the /proc path the scanner read
  CHECK(done["report"]["input"]["sha256"] == done["sha256"]);
  CHECK(done["report"]["app"]["id"] == "com.sdkscope.demo");

  // Each format.
  auto get = [&](const std::string& path) {
    auto res = c.Get(path.c_str());
    REQUIRE(res);
    INFO(path << " -> " << res->status << " " << res->body.substr(0, 200));
    REQUIRE(res->status == 200);
    return res;
  };
  auto j = get("/api/v1/scans/" + id + "/report.json");
  CHECK(j->get_header_value("Content-Type") == "application/json");
  std::string err;
  auto parsed = read_json_report(j->body, err);
  REQUIRE_MESSAGE(parsed, err);
  CHECK(parsed->app.id == "com.sdkscope.demo");
  auto html = get("/api/v1/scans/" + id + "/report.html");
  CHECK(html->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(html->body.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html->body.find("com.sdkscope.demo") != std::string::npos);
  auto sarif = parse_json(get("/api/v1/scans/" + id + "/report.sarif")->body);
  CHECK(sarif["version"] == "2.1.0");
  CHECK(sarif["runs"].is_array());
  auto md = get("/api/v1/scans/" + id + "/report.md");
  CHECK(md->get_header_value("Content-Type") == "text/markdown; charset=utf-8");
  CHECK(md->body.find("com.sdkscope.demo") != std::string::npos);
  auto cdx = parse_json(get("/api/v1/scans/" + id + "/report.cdx.json")->body);
  CHECK(cdx["bomFormat"] == "CycloneDX");
  auto page = get("/scans/" + id);
  CHECK(page->body.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(page->get_header_value("Content-Security-Policy").find("default-src 'none'") != std::string::npos);

  // Multipart field "file", a check fixture.
  auto m = upload_multipart(c, file_text(testdata("checks/android/positive.apk")), "positive.apk");
  std::string id2 = upload_id(m);
  auto done2 = wait_scan(c, id2);
  REQUIRE(done2["status"] == "done");
  CHECK(done2["file_name"] == "positive.apk");
  CHECK(done2["app"]["id"] == "com.fixture.checks");
  CHECK(done2["counts"]["findings"].get<int>() > 0);

  // The list, newest first, and the index page.
  auto list = parse_json(get("/api/v1/scans?limit=10")->body);
  REQUIRE(list["scans"].size() == 2);
  CHECK(list["scans"][0]["id"] == id2);
  CHECK(list["scans"][1]["id"] == id);
  auto index = get("/");
  CHECK(index->body.find("demo.apk") != std::string::npos);
  CHECK(index->body.find("positive.apk") != std::string::npos);
  CHECK(index->body.find("/apps/android/com.sdkscope.demo") != std::string::npos);
  CHECK(index->body.find("<script") == std::string::npos);

  // Unknown things.
  CHECK(c.Get(("/api/v1/scans/" + std::string(32, 'f')).c_str())->status == 404);
  CHECK(c.Get(("/api/v1/scans/" + id + "/report.exe").c_str())->status == 404);
  CHECK(c.Get("/api/v1/scans/not-an-id")->status == 404);
  CHECK(c.Get("/nothing-here")->status == 404);
  CHECK(c.Get("/api/v1/apps/android/com.unknown.app")->status == 404);
  auto bad_limit = c.Get("/api/v1/scans?limit=abc");
  CHECK(bad_limit->status == 400);
  CHECK(parse_json(bad_limit->body).contains("error"));
}

TEST_CASE("serve: an app's version history and the diff between versions") {
  auto dir = temp_dir("server_history");
  auto v1 = make_ios_version(dir, "fixture-1.0.ipa", {"1.0", "1", "", false, ""});
  auto v2 = make_ios_version(dir, "fixture-1.1.ipa", {"1.1", "2", "Bugly", true, ""});
  auto storage = sqlite_in(dir);
  TestServer srv(quiet_config(), *storage, real_scan());
  REQUIRE(srv.started());
  auto c = srv.client();

  std::string id1 = upload_id(upload_raw(c, file_text(v1), "fixture-1.0.ipa"));
  REQUIRE(wait_scan(c, id1)["status"] == "done");
  std::string id2 = upload_id(upload_multipart(c, file_text(v2), "fixture-1.1.ipa"));
  auto s2 = wait_scan(c, id2);
  REQUIRE(s2["status"] == "done");
  std::string app = s2["app"]["id"];
  CHECK(app == "net.sdkscope.checks.negative");
  CHECK(s2["app"]["platform"] == "ios");

  auto h = c.Get(("/api/v1/apps/ios/" + app).c_str());
  REQUIRE(h);
  REQUIRE(h->status == 200);
  auto hist = parse_json(h->body);
  REQUIRE(hist["versions"].size() == 2);
  CHECK(hist["versions"][0]["scan_id"] == id2);  // newest first
  CHECK(hist["versions"][0]["version_name"] == "1.1");
  CHECK(hist["versions"][0]["version_code"] == 2);
  CHECK(hist["versions"][1]["scan_id"] == id1);
  CHECK(hist["versions"][1]["verdict"] == "none");
  CHECK(hist["versions"][0]["sha256"].get<std::string>().size() == 64);
  CHECK(hist["versions"][0]["counts"]["sdks"].get<int>() > hist["versions"][1]["counts"]["sdks"].get<int>());

  // Default diff: the two newest, old -> new.
  auto d = c.Get(("/api/v1/apps/ios/" + app + "/diff").c_str());
  REQUIRE(d);
  REQUIRE(d->status == 200);
  auto diff = parse_json(d->body);
  CHECK(diff["diff_version"] == 1);
  CHECK(diff["old"]["version_name"] == "1.0");
  CHECK(diff["new"]["version_name"] == "1.1");
  std::set<std::string> added_sdks, added_perms;
  for (const auto& s : diff["sdks"]["added"]) added_sdks.insert(s["id"].get<std::string>());
  for (const auto& p : diff["permissions"]["added"]) added_perms.insert(p["name"].get<std::string>());
  CHECK(added_sdks == std::set<std::string>{"tencent.bugly"});
  CHECK(diff["vendor_countries"]["added"] == json::array({"CN"}));
  CHECK(added_perms.count("NSCameraUsageDescription") == 1);
  CHECK(diff["changed"] == true);

  // Explicit and reversed.
  auto rev = c.Get(("/api/v1/apps/ios/" + app + "/diff?from=" + id2 + "&to=" + id1).c_str());
  REQUIRE(rev->status == 200);
  auto rd = parse_json(rev->body);
  CHECK(rd["sdks"]["removed"].size() == added_sdks.size());
  CHECK(rd["permissions"]["removed"].size() >= 1);
  auto md = c.Get(("/api/v1/apps/ios/" + app + "/diff?format=md").c_str());
  REQUIRE(md->status == 200);
  CHECK(md->get_header_value("Content-Type") == "text/markdown; charset=utf-8");
  CHECK(md->body.find("NSCameraUsageDescription") != std::string::npos);
  auto text = c.Get(("/api/v1/apps/ios/" + app + "/diff?format=text").c_str());
  REQUIRE(text->status == 200);
  CHECK(text->body.find("NSCameraUsageDescription") != std::string::npos);

  // Bad diff requests.
  CHECK(c.Get(("/api/v1/apps/ios/" + app + "/diff?from=" + id1).c_str())->status == 400);
  CHECK(c.Get(("/api/v1/apps/ios/" + app + "/diff?from=x&to=y").c_str())->status == 400);
  CHECK(c.Get(("/api/v1/apps/ios/" + app + "/diff?format=pdf").c_str())->status == 400);
  CHECK(c.Get(("/api/v1/apps/ios/" + app + "/diff?from=" + id1 + "&to=" + std::string(32, 'e')).c_str())->status == 404);
  CHECK(c.Get("/api/v1/apps/ios/com.other/diff")->status == 404);
  std::string other = upload_id(upload_raw(c, demo_bytes(), "demo.apk"));
  REQUIRE(wait_scan(c, other)["status"] == "done");
  CHECK(c.Get(("/api/v1/apps/ios/" + app + "/diff?from=" + id1 + "&to=" + other).c_str())->status == 400);

  // The app's web page: versions newest first, what changed, links to each report.
  auto page = c.Get(("/apps/ios/" + app).c_str());
  REQUIRE(page->status == 200);
  const std::string& b = page->body;
  CHECK(b.find("new SDKs") != std::string::npos);
  CHECK(b.find("new permissions") != std::string::npos);
  CHECK(b.find("NSCameraUsageDescription") != std::string::npos);
  CHECK(b.find("new countries") != std::string::npos);
  CHECK(b.find("Bugly") != std::string::npos);
  CHECK(b.find("/scans/" + id1) != std::string::npos);
  CHECK(b.find("/scans/" + id2) != std::string::npos);
  CHECK(b.find("/scans/" + id2) < b.find("/scans/" + id1 + "\""));
  CHECK(b.find("oldest version listed") != std::string::npos);
}

TEST_CASE("serve: hostile app names and file names are escaped everywhere") {
  auto dir = temp_dir("server_hostile_names");
  std::string evil = "<img src=x onerror=alert(1)>\"'&\xE2\x80\xAE";
  auto ipa = make_ios_version(dir, "evil.ipa", {"<b>1</b>", "7", "", false, evil});
  auto storage = sqlite_in(dir);
  TestServer srv(quiet_config(), *storage, real_scan());
  REQUIRE(srv.started());
  auto c = srv.client();
  std::string id = upload_id(upload_raw(c, file_text(ipa), "../../etc/<b onmouseover=alert(1)>\n.ipa"));
  auto s = wait_scan(c, id);
  REQUIRE(s["status"] == "done");
  CHECK(s["file_name"] == "<b onmouseover=alert(1)>_.ipa");  // last path component, control char replaced
  CHECK(s["app"]["name"].get<std::string>().find("<img") != std::string::npos);  // JSON carries the data as is
  for (const std::string& path : {std::string("/"), "/apps/ios/" + s["app"]["id"].get<std::string>(), "/scans/" + id}) {
    auto r = c.Get(path.c_str());
    REQUIRE(r);
    INFO(path);
    CHECK(r->status == 200);
    CHECK(r->body.find("<img") == std::string::npos);
    CHECK(r->body.find("<script") == std::string::npos);
    CHECK(r->body.find("<b onmouseover") == std::string::npos);
    CHECK(r->body.find("\xE2\x80\xAE") == std::string::npos);  // a bidi override never reaches the page
  }
  CHECK(c.Get("/")->body.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
}

TEST_CASE("serve: bearer tokens on every route; the request log never holds them") {
  auto dir = temp_dir("server_auth");
  auto storage = sqlite_in(dir);
  LogFile log;
  auto cfg = quiet_config();
  cfg.log = log.f;
  cfg.tokens = server::TokenSet({"s3cret-token-A", "other-token"});
  TestServer srv(cfg, *storage, real_scan());
  REQUIRE(srv.started());

  auto anon = srv.client();
  for (const char* path : {"/", "/api/v1/health", "/api/v1/scans", "/api/v1/apps/android/x"}) {
    auto r = anon.Get(path);
    REQUIRE(r);
    INFO(path);
    CHECK(r->status == 401);
    CHECK(r->get_header_value("WWW-Authenticate").rfind("Bearer", 0) == 0);
  }
  auto up = upload_raw(anon, demo_bytes(), "demo.apk");
  REQUIRE(up);
  CHECK(up->status == 401);

  auto wrong = srv.client("s3cret-token-B");
  CHECK(wrong.Get("/api/v1/health")->status == 401);
  httplib::Client basic("127.0.0.1", srv.port());
  basic.set_basic_auth("user", "s3cret-token-A");
  CHECK(basic.Get("/api/v1/health")->status == 401);

  auto ok = srv.client("s3cret-token-A");
  auto h = ok.Get("/api/v1/health?token=s3cret-token-A");
  REQUIRE(h);
  CHECK(h->status == 200);
  CHECK(parse_json(h->body)["storage"] == "sqlite");
  CHECK(parse_json(ok.Get("/api/v1/scans")->body)["scans"].empty());  // the 401 upload stored nothing
  std::string id = upload_id(upload_raw(ok, demo_bytes(), "demo.apk"));
  CHECK(wait_scan(ok, id)["status"] == "done");
  CHECK(srv.client("other-token").Get("/")->status == 200);

  srv.stop();
  std::string text = log.text();
  CHECK(text.find("s3cret") == std::string::npos);
  CHECK(text.find("other-token") == std::string::npos);
  CHECK(text.find("Bearer") == std::string::npos);
  CHECK(text.find("GET /api/v1/health 401") != std::string::npos);
  CHECK(text.find("POST /api/v1/scans 401") != std::string::npos);
  CHECK(text.find("POST /api/v1/scans 202") != std::string::npos);
  CHECK(text.find("GET /api/v1/health 200") != std::string::npos);
  CHECK(text.find("?token") == std::string::npos);
  // One line per request: METHOD PATH STATUS BYTES MSms
  std::size_t request_lines = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("GET ", 0) == 0 || line.rfind("POST ", 0) == 0) {
      ++request_lines;
      CHECK(line.size() > 4);
      CHECK(line.substr(line.size() - 2) == "ms");
    }
  CHECK(request_lines >= 10);
}

TEST_CASE("serve: upload limits answer 413, a full queue 429") {
  auto dir = temp_dir("server_limits");
  auto storage = sqlite_in(dir);
  Gate gate;
  auto cfg = quiet_config();
  cfg.max_upload_bytes = 4096;
  cfg.jobs = 1;
  cfg.queue = 1;
  TestServer srv(cfg, *storage, [&gate](const std::string& p) {
    gate.pass();
    return shared_scanner().scan(p);
  });
  REQUIRE(srv.started());
  auto c = srv.client();

  std::string big(10000, 'x');
  auto r = upload_raw(c, big, "big.apk");
  REQUIRE(r);
  CHECK(r->status == 413);
  auto m = upload_multipart(c, big, "big.apk");
  REQUIRE(m);
  CHECK(m->status == 413);
  // Chunked (no Content-Length): counted while it arrives.
  auto chunked = c.Post(
      "/api/v1/scans?filename=big.apk",
      [&](std::size_t offset, httplib::DataSink& sink) {
        if (offset >= big.size()) {
          sink.done();
          return true;
        }
        return sink.write(big.data() + offset, std::min<std::size_t>(1000, big.size() - offset));
      },
      "application/octet-stream");
  if (chunked) CHECK(chunked->status == 413);  // the server may also just drop the connection
  CHECK(parse_json(c.Get("/api/v1/scans")->body)["scans"].empty());

  // The queue: one running (held by the gate), one waiting, the third refused.
  std::string small(1000, 'y');
  std::string a = upload_id(upload_raw(c, small, "a.bin"));
  REQUIRE(gate.wait_entered(1));
  std::string b = upload_id(upload_raw(c, small, "b.bin"));
  auto full = upload_raw(c, small, "c.bin");
  REQUIRE(full);
  CHECK(full->status == 429);
  CHECK(full->get_header_value("Retry-After") == "5");
  auto health = parse_json(c.Get("/api/v1/health")->body);
  CHECK(health["queue"]["running"] == 1);
  CHECK(health["queue"]["waiting"] == 1);
  gate.release();
  CHECK(wait_scan(c, a)["status"] == "error");  // 1000 bytes of 'y' are no app
  CHECK(wait_scan(c, b)["status"] == "error");
  std::string d = upload_id(upload_raw(c, small, "d.bin"));  // room again
  CHECK(wait_scan(c, d)["status"] == "error");
  CHECK(parse_json(c.Get("/api/v1/scans")->body)["scans"].size() == 3);
}

TEST_CASE("serve: hostile uploads end as scan errors; the server stays up") {
  auto dir = temp_dir("server_hostile");
  auto keep = dir / "kept";
  auto storage = sqlite_in(dir);
  auto cfg = quiet_config();
  cfg.keep_uploads_dir = keep.string();
  TestServer srv(cfg, *storage, real_scan());
  REQUIRE(srv.started());
  auto c = srv.client();

  std::mt19937 rng(42);
  std::string noise(200000, '\0');
  for (auto& ch : noise) ch = static_cast<char>(rng());
  std::string id = upload_id(upload_raw(c, noise, "noise.apk"));
  auto s = wait_scan(c, id);
  CHECK(s["status"] == "error");
  std::string error = s["error"];
  CHECK(error.find("noise.apk") != std::string::npos);
  CHECK(error.find("/proc/") == std::string::npos);
  CHECK(c.Get(("/api/v1/scans/" + id + "/report.html").c_str())->status == 409);
  CHECK(c.Get(("/scans/" + id).c_str())->body.find("noise.apk") != std::string::npos);

  // A zip that claims to be an APK but holds garbage, a truncated demo, an empty body.
  auto demo = demo_bytes();
  std::string truncated = demo.substr(0, demo.size() / 2);
  std::string id2 = upload_id(upload_raw(c, truncated, "half.apk"));
  CHECK(wait_scan(c, id2)["status"] == "error");
  auto empty = upload_raw(c, "", "empty.apk");
  REQUIRE(empty);
  CHECK(empty->status == 400);

  // Multipart without a file field, or with two.
  httplib::MultipartFormDataItems none{{"other", "abc", "", "text/plain"}};
  CHECK(c.Post("/api/v1/scans", none)->status == 400);
  httplib::MultipartFormDataItems two{{"file", "abc", "a.apk", ""}, {"file", "def", "b.apk", ""}};
  CHECK(c.Post("/api/v1/scans", two)->status == 400);
  // Bodies to other routes are never read; unknown methods refused.
  auto other = c.Post("/api/v1/apps/android/x", std::string(5000, 'z'), "application/octet-stream");
  REQUIRE(other);
  CHECK(other->status == 404);
  auto del = c.Delete(("/api/v1/scans/" + id).c_str());
  REQUIRE(del);
  CHECK(del->status == 405);
  CHECK(c.Get(std::string("/api/v1/apps/android/" + std::string(3000, 'a')).c_str())->status == 414);

  // Only sha256-named files in the keep directory, whatever the upload was called.
  std::size_t kept = 0;
  for (const auto& e : std::filesystem::directory_iterator(keep)) {
    ++kept;
    CHECK(server::is_sha256_hex(e.path().filename().string()));
  }
  CHECK(kept == 2);
  CHECK(std::filesystem::exists(keep / s["sha256"].get<std::string>()));

  auto h = c.Get("/api/v1/health");
  REQUIRE(h);
  CHECK(h->status == 200);
}

TEST_CASE("serve: a policy verdict per scan") {
  auto dir = temp_dir("server_policy");
  std::vector<std::string> errors;
  auto policy = policy::parse_policy(
      R"({"schema": "sdkscope-policy/1", "name": "no dangerous permissions", "rules": {"max_dangerous_permissions": 0}})",
      "inline", errors);
  REQUIRE(policy);
  ScanOptions opts = ScanOptions::standard();
  opts.policy = std::make_shared<const policy::Policy>(*policy);
  Scanner gated(shipped_db(), opts);
  auto storage = sqlite_in(dir);
  TestServer srv(quiet_config(), *storage, [&gated](const std::string& p) { return gated.scan(p); });
  REQUIRE(srv.started());
  auto c = srv.client();
  std::string id = upload_id(upload_raw(c, demo_bytes(), "demo.apk"));
  auto s = wait_scan(c, id);
  REQUIRE(s["status"] == "done");
  if (s["counts"]["dangerous_permissions"].get<int>() > 0) {
    CHECK(s["verdict"] == "failed");
    CHECK(s["counts"]["policy_violations"].get<int>() > 0);
  } else {
    CHECK(s["verdict"] == "passed");
  }
  std::string iid = upload_id(upload_raw(c, file_text(make_ios_version(dir, "v.ipa", {"1", "1", "", false, ""})), "v.ipa"));
  auto si = wait_scan(c, iid);
  REQUIRE(si["status"] == "done");
  CHECK(si["verdict"] == "passed");
  auto hist = parse_json(c.Get(("/api/v1/apps/android/" + s["app"]["id"].get<std::string>()).c_str())->body);
  CHECK(hist["versions"][0]["verdict"] == s["verdict"]);
  CHECK(c.Get("/")->body.find("badge failed") != std::string::npos);
}

TEST_CASE("serve: results survive a restart; unfinished scans are settled at start") {
  auto dir = temp_dir("server_restart");
  auto keep = dir / "kept";
  std::string id;
  {
    auto storage = sqlite_in(dir);
    auto cfg = quiet_config();
    cfg.keep_uploads_dir = keep.string();
    TestServer srv(cfg, *storage, real_scan());
    REQUIRE(srv.started());
    auto c = srv.client();
    id = upload_id(upload_raw(c, demo_bytes(), "demo.apk"));
    REQUIRE(wait_scan(c, id)["status"] == "done");
  }
  // What a killed run leaves: one scan running with its upload kept, one queued without.
  std::string kept_id(32, 'a'), lost_id(32, 'b'), looping_id(32, 'c');
  {
    auto storage = sqlite_in(dir);
    auto first = storage->get_scan(id);
    REQUIRE(first);
    server::ScanRecord running;
    running.id = kept_id;
    running.created = running.updated = server::now_timestamp();
    running.input_sha256 = first->input_sha256;  // its bytes are in the keep directory
    running.file_name = "again.apk";
    running.size = first->size;
    running.upload_kept = true;
    storage->insert_scan(running);
    storage->start_scan(kept_id);
    server::ScanRecord queued = running;
    queued.id = lost_id;
    queued.upload_kept = false;
    queued.input_sha256 = std::string(64, '0');
    storage->insert_scan(queued);
    server::ScanRecord looping = running;  // started twice already: not run a third time
    looping.id = looping_id;
    looping.attempts = 2;
    storage->insert_scan(looping);
  }
  auto storage = sqlite_in(dir);
  auto cfg = quiet_config();
  cfg.keep_uploads_dir = keep.string();
  TestServer srv(cfg, *storage, real_scan());
  REQUIRE(srv.started());
  auto c = srv.client();
  auto old = wait_scan(c, id);
  CHECK(old["status"] == "done");
  CHECK(old["app"]["id"] == "com.sdkscope.demo");
  auto rerun = wait_scan(c, kept_id);
  CHECK(rerun["status"] == "done");
  CHECK(rerun["report"]["input"]["path"] == "again.apk");
  auto lost = wait_scan(c, lost_id);
  CHECK(lost["status"] == "error");
  CHECK(lost["error"] == "interrupted");
  auto looped = wait_scan(c, looping_id);
  CHECK(looped["status"] == "error");
  CHECK(looped["error"].get<std::string>().rfind("interrupted", 0) == 0);
}

TEST_CASE("serve: stop finishes the running scan; waiting ones are interrupted or kept for the restart") {
  auto dir = temp_dir("server_shutdown");
  auto keep = dir / "kept";
  std::string running, waiting_kept;
  for (bool with_keep : {false, true}) {
    auto storage = sqlite_in(dir);
    Gate gate;
    auto cfg = quiet_config();
    cfg.jobs = 1;
    cfg.queue = 4;
    if (with_keep) cfg.keep_uploads_dir = keep.string();
    TestServer srv(cfg, *storage, [&gate](const std::string& p) {
      gate.pass();
      return shared_scanner().scan(p);
    });
    REQUIRE(srv.started());
    auto c = srv.client();
    std::string a = upload_id(upload_raw(c, demo_bytes(), "a.apk"));
    REQUIRE(gate.wait_entered(1));
    std::string b = upload_id(upload_raw(c, demo_bytes(), "b.apk"));
    std::thread stopper([&] { srv.stop(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    gate.release();
    stopper.join();
    auto sa = storage->get_scan(a);
    auto sb = storage->get_scan(b);
    REQUIRE(sa);
    REQUIRE(sb);
    CHECK(sa->status == server::ScanStatus::done);  // the running scan finished
    if (with_keep) {
      CHECK(sb->status == server::ScanStatus::queued);  // left for the next start
      waiting_kept = b;
    } else {
      CHECK(sb->status == server::ScanStatus::error);
      CHECK(sb->error == "interrupted");
    }
  }
  // The next start runs the kept one.
  auto storage = sqlite_in(dir);
  auto cfg = quiet_config();
  cfg.keep_uploads_dir = keep.string();
  TestServer srv(cfg, *storage, real_scan());
  REQUIRE(srv.started());
  auto c = srv.client();
  auto s = wait_scan(c, waiting_kept);
  CHECK(s["status"] == "done");
  CHECK(s["file_name"] == "b.apk");
}

TEST_CASE("serve: no tokens means loopback only; listen addresses parse") {
  auto dir = temp_dir("server_listen");
  auto storage = sqlite_in(dir);
  for (const char* host : {"0.0.0.0", "::", "192.0.2.1"}) {
    auto cfg = quiet_config();
    cfg.host = host;
    cfg.port = 0;
    server::ReviewServer s(cfg, *storage, real_scan());
    std::string err;
    CHECK_FALSE(s.start(err));
    CHECK(err.find("--token-file") != std::string::npos);
  }
  CHECK(server::is_loopback_host("127.0.0.1"));
  CHECK(server::is_loopback_host("127.8.9.10"));
  CHECK(server::is_loopback_host("::1"));
  CHECK(server::is_loopback_host("localhost"));
  CHECK_FALSE(server::is_loopback_host("0.0.0.0"));
  CHECK_FALSE(server::is_loopback_host("10.1.2.3"));
  auto a = server::parse_listen("127.0.0.1:8080");
  REQUIRE(a);
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 8080);
  auto b = server::parse_listen("[::1]:0");
  REQUIRE(b);
  CHECK(b->host == "::1");
  CHECK(b->port == 0);
  auto p = server::parse_listen(":9000");
  REQUIRE(p);
  CHECK(p->host == "127.0.0.1");
  CHECK_FALSE(server::parse_listen("::1:80"));
  CHECK_FALSE(server::parse_listen("host:99999"));
  CHECK_FALSE(server::parse_listen("host:"));
  CHECK(server::sanitize_file_name("C:\\Users\\x\\app.apk") == "app.apk");
  CHECK(server::sanitize_file_name("..") == "upload");
  CHECK(server::sanitize_file_name("") == "upload");
  CHECK(server::sanitize_file_name(std::string(500, 'a')).size() == 200);
}

TEST_CASE("serve: the web page in headless Chromium") {
  int rc = -1;
  std::string which = run("command -v chromium 2>/dev/null", &rc);
  if (rc != 0 || which.empty()) {
    MESSAGE("chromium not installed: headless page check skipped");
    return;
  }
  auto dir = temp_dir("server_chromium");
  auto storage = sqlite_in(dir);
  TestServer srv(quiet_config(), *storage, real_scan());
  REQUIRE(srv.started());
  auto c = srv.client();
  std::string id = upload_id(upload_raw(c, demo_bytes(), "chromium-demo.apk"));
  REQUIRE(wait_scan(c, id)["status"] == "done");
  std::string url = "http://127.0.0.1:" + std::to_string(srv.port());
  auto dom = run("timeout 90 chromium --headless --no-sandbox --disable-gpu --user-data-dir='" + (dir / "profile").string() +
                     "' --dump-dom " + url + "/ 2>/dev/null",
                 &rc);
  INFO(dom.substr(0, 500));
  CHECK(rc == 0);
  CHECK(dom.find("chromium-demo.apk") != std::string::npos);
  CHECK(dom.find("Recent scans") != std::string::npos);
  auto app = run("timeout 90 chromium --headless --no-sandbox --disable-gpu --user-data-dir='" + (dir / "profile").string() +
                     "' --dump-dom " + url + "/apps/android/com.sdkscope.demo 2>/dev/null",
                 &rc);
  CHECK(app.find("/scans/" + id) != std::string::npos);
}

TEST_CASE("serve: the same contract on PostgreSQL (SDKSCOPE_TEST_PG)") {
  if (pg_url().empty()) {
    MESSAGE("SDKSCOPE_TEST_PG not set: server on PostgreSQL not tested (scripts/with-postgres.sh sets it)");
    return;
  }
  PgSchema schema;
  auto dir = temp_dir("server_pg");
  auto v1 = make_ios_version(dir, "pg-1.0.ipa", {"1.0", "1", "", false, ""});
  auto v2 = make_ios_version(dir, "pg-1.1.ipa", {"1.1", "2", "Bugly", true, ""});
  std::string id1, id2;
  {
    auto storage = server::open_storage(schema.url());
    CHECK(storage->backend() == "postgresql");
    TestServer srv(quiet_config(), *storage, real_scan());
    REQUIRE(srv.started());
    auto c = srv.client();
    id1 = upload_id(upload_raw(c, file_text(v1), "pg-1.0.ipa"));
    id2 = upload_id(upload_multipart(c, file_text(v2), "pg-1.1.ipa"));
    CHECK(wait_scan(c, id1)["status"] == "done");
    CHECK(wait_scan(c, id2)["status"] == "done");
    std::string bad = upload_id(upload_raw(c, std::string(3000, '\x01'), "junk.bin"));
    CHECK(wait_scan(c, bad)["status"] == "error");
  }
  // A restart on the same database keeps everything.
  auto storage = server::open_storage(schema.url());
  TestServer srv(quiet_config(), *storage, real_scan());
  REQUIRE(srv.started());
  auto c = srv.client();
  auto hist = parse_json(c.Get("/api/v1/apps/ios/net.sdkscope.checks.negative")->body);
  REQUIRE(hist["versions"].size() == 2);
  CHECK(hist["versions"][0]["scan_id"] == id2);
  auto d = parse_json(c.Get("/api/v1/apps/ios/net.sdkscope.checks.negative/diff")->body);
  CHECK(d["sdks"]["added"].size() == 1);
  CHECK(c.Get(("/api/v1/scans/" + id1 + "/report.sarif").c_str())->status == 200);
  CHECK(c.Get("/")->body.find("pg-1.1.ipa") != std::string::npos);
  CHECK(parse_json(c.Get("/api/v1/health")->body)["storage"] == "postgresql");
}
