// Shared by the server tests: a ReviewServer running in-process on an ephemeral loopback port,
// an HTTP client for it, a gate to hold scans, and two versions of one iOS app built from the
// check fixtures (same bundle id, different version, one more SDK and one more permission).
#pragma once

#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <plist/plist.h>
#include <zip.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "scanner/engine/scanner.hpp"
#include "server/review_server.hpp"
#include "server/storage.hpp"
#include "server/web_pages.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

namespace sdkscope::test {

/// One Scanner over the shipped database for every server test (thread-safe).
inline const Scanner& shared_scanner() {
  static Scanner scanner(shipped_db(), ScanOptions::standard());
  return scanner;
}

inline server::ScanFunction real_scan() {
  return [](const std::string& path) { return shared_scanner().scan(path); };
}

/// Holds scans until opened: lets a test fill the queue deterministically.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  int entered = 0;

  void pass() {
    std::unique_lock lock(mu);
    ++entered;
    cv.notify_all();
    cv.wait(lock, [&] { return open; });
  }
  void release() {
    std::lock_guard lock(mu);
    open = true;
    cv.notify_all();
  }
  bool wait_entered(int n, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, [&] { return entered >= n; });
  }
};

/// A ReviewServer on 127.0.0.1:<free port>, served by a background thread.
class TestServer {
 public:
  TestServer(server::ServerConfig cfg, server::Storage& storage, server::ScanFunction scan) {
    cfg.host = "127.0.0.1";
    cfg.port = 0;
    server_ = std::make_unique<server::ReviewServer>(std::move(cfg), storage, std::move(scan));
    std::string err;
    started_ = server_->start(err);
    error_ = err;
    if (started_) thread_ = std::thread([this] { server_->run(); });
  }
  ~TestServer() { stop(); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  bool started() const { return started_; }
  const std::string& error() const { return error_; }
  int port() const { return server_->port(); }
  void stop() {
    if (thread_.joinable()) {
      server_->stop();
      thread_.join();
    }
  }
  httplib::Client client(const std::string& token = "") const {
    httplib::Client c("127.0.0.1", port());
    c.set_connection_timeout(5);
    c.set_read_timeout(60);
    c.set_write_timeout(60);
    if (!token.empty()) c.set_bearer_token_auth(token);
    return c;
  }

 private:
  std::unique_ptr<server::ReviewServer> server_;
  std::thread thread_;
  bool started_ = false;
  std::string error_;
};

inline std::string file_text(const std::filesystem::path& p) {
  auto b = read_file(p);
  return std::string(b.begin(), b.end());
}

inline nlohmann::json parse_json(const std::string& s) {
  auto j = nlohmann::json::parse(s, nullptr, false);
  REQUIRE_MESSAGE(!j.is_discarded(), "not JSON: " << s.substr(0, 300));
  return j;
}

/// POST the bytes as application/octet-stream; returns the response (status, body).
inline httplib::Result upload_raw(httplib::Client& c, const std::string& bytes, const std::string& filename) {
  return c.Post(("/api/v1/scans?filename=" + server::url_encode_segment(filename)).c_str(), bytes,
                "application/octet-stream");
}

inline httplib::Result upload_multipart(httplib::Client& c, const std::string& bytes, const std::string& filename) {
  httplib::MultipartFormDataItems items{{"file", bytes, filename, "application/octet-stream"}};
  return c.Post("/api/v1/scans", items);
}

/// Polls GET /api/v1/scans/ID until done or error (or the timeout); the last JSON seen.
inline nlohmann::json wait_scan(httplib::Client& c, const std::string& id, std::chrono::seconds timeout = std::chrono::seconds(120)) {
  auto until = std::chrono::steady_clock::now() + timeout;
  nlohmann::json last;
  while (std::chrono::steady_clock::now() < until) {
    auto r = c.Get(("/api/v1/scans/" + id).c_str());
    REQUIRE(r);
    REQUIRE(r->status == 200);
    last = parse_json(r->body);
    std::string st = last.value("status", "");
    if (st == "done" || st == "error") return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  FAIL("scan " << id << " did not finish: " << last.dump());
  return last;
}

// ---- PostgreSQL --------------------------------------------------------------------------------

/// SDKSCOPE_TEST_PG (a libpq URL), "" when unset: PostgreSQL cases skip.
inline std::string pg_url() {
  const char* v = std::getenv("SDKSCOPE_TEST_PG");
  return v && *v ? v : "";
}

/// A PostgreSQL schema of its own for one test, and the URL that uses it.
class PgSchema {
 public:
  PgSchema() {
    std::random_device rd;
    name_ = "sdkscope_test_" + std::to_string(rd()) + std::to_string(rd() % 100000);
    exec("CREATE SCHEMA " + name_);
    std::string base = pg_url();
    url_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + name_;
  }
  ~PgSchema() {
    try {
      exec("DROP SCHEMA " + name_ + " CASCADE");
    } catch (...) {
    }
  }
  PgSchema(const PgSchema&) = delete;
  PgSchema& operator=(const PgSchema&) = delete;
  const std::string& url() const { return url_; }
  void exec(const std::string& sql) const {
    PGconn* c = PQconnectdb(pg_url().c_str());
    REQUIRE_MESSAGE(PQstatus(c) == CONNECTION_OK, PQerrorMessage(c));
    PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
    PGresult* r = PQexec(c, sql.c_str());
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    std::string err = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    if (!ok) throw std::runtime_error(err);
  }

 private:
  std::string name_, url_;
};

// ---- fixtures: two versions of one iOS app ------------------------------------------------------

inline std::vector<ZipEntrySpec> read_zip(const std::filesystem::path& path) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  REQUIRE(z);
  std::vector<ZipEntrySpec> out;
  zip_int64_t n = zip_get_num_entries(z, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st);
    std::string name = st.name;
    if (name.empty() || name.back() == '/') continue;
    std::vector<std::uint8_t> data(st.size);
    zip_file_t* f = zip_fopen_index(z, static_cast<zip_uint64_t>(i), 0);
    REQUIRE(f);
    REQUIRE(zip_fread(f, data.data(), st.size) == static_cast<zip_int64_t>(st.size));
    zip_fclose(f);
    out.push_back({name, std::move(data)});
  }
  zip_close(z);
  return out;
}

/// A binary plist with string keys set (or added).
inline std::vector<std::uint8_t> patch_plist(const std::vector<std::uint8_t>& bin, const std::map<std::string, std::string>& set) {
  plist_t root = nullptr;
  plist_from_bin(reinterpret_cast<const char*>(bin.data()), static_cast<std::uint32_t>(bin.size()), &root);
  REQUIRE(root);
  for (const auto& [k, v] : set) plist_dict_set_item(root, k.c_str(), plist_new_string(v.c_str()));
  char* out = nullptr;
  std::uint32_t len = 0;
  plist_to_bin(root, &out, &len);
  std::vector<std::uint8_t> result(out, out + len);
  plist_to_bin_free(out);
  plist_free(root);
  return result;
}

struct IosVersion {
  std::string version, build;
  std::string extra_framework;  ///< "Bugly": OpenSSL.framework copied under that name (detected as Tencent Bugly, CN)
  bool camera = false;
  std::string display_name;  ///< CFBundleDisplayName / CFBundleName when set
};

/// testdata/checks/ios/negative.ipa (bundle id net.sdkscope.checks.negative) re-zipped with
/// another version, optionally one more framework (a new SDK) and a camera usage key.
inline std::filesystem::path make_ios_version(const std::filesystem::path& dir, const std::string& name, const IosVersion& v) {
  auto entries = read_zip(testdata("checks/ios/negative.ipa"));
  std::vector<ZipEntrySpec> out;
  const std::string openssl = "Payload/Fixture.app/Frameworks/OpenSSL.framework/";
  for (auto& e : entries) {
    if (!v.extra_framework.empty() && e.name.rfind(openssl, 0) == 0) {
      std::string rest = e.name.substr(openssl.size());
      if (rest == "OpenSSL") rest = v.extra_framework;
      out.push_back({"Payload/Fixture.app/Frameworks/" + v.extra_framework + ".framework/" + rest, e.data});
    }
    if (e.name == "Payload/Fixture.app/Info.plist") {
      std::map<std::string, std::string> set{{"CFBundleShortVersionString", v.version}, {"CFBundleVersion", v.build}};
      if (v.camera) set["NSCameraUsageDescription"] = "Scan receipts";
      if (!v.display_name.empty()) {
        set["CFBundleDisplayName"] = v.display_name;
        set["CFBundleName"] = v.display_name;
      }
      e.data = patch_plist(e.data, set);
    }
    out.push_back(std::move(e));
  }
  auto path = dir / name;
  write_zip(path, out);
  return path;
}

}  // namespace sdkscope::test
