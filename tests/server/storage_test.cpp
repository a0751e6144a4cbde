// The storage contract, run against SQLite (always, in a temp dir) and PostgreSQL (when
// SDKSCOPE_TEST_PG holds a libpq URL; each run in a schema of its own, dropped afterwards).
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <cstdlib>

#include "server/storage.hpp"
#include "server_fixture.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope::server;
using sdkscope::test::pg_url;
using sdkscope::test::PgSchema;

namespace {

ScanRecord record(const std::string& id, const std::string& created, const std::string& sha = std::string(64, 'a')) {
  ScanRecord r;
  r.id = id;
  r.created = r.updated = created;
  r.input_sha256 = sha;
  r.file_name = "app.apk";
  r.size = 1234;
  return r;
}

ScanSummary summary(const std::string& app, std::optional<std::int64_t> code, const std::string& version) {
  ScanSummary s;
  s.platform = "android";
  s.app_id = app;
  s.app_name = "App";
  s.version_name = version;
  s.version_code = code;
  s.verdict = "failed";
  s.counts = {3, 10, 2, 40, 5, 1};
  return s;
}

/// Everything the server relies on, against one backend.
void storage_contract(const std::string& url) {
  auto st = open_storage(url);
  REQUIRE(st);

  // Migrations: every version once, in order.
  auto applied = st->migrations();
  REQUIRE(applied.size() == static_cast<std::size_t>(latest_schema_version()));
  for (std::size_t i = 0; i < applied.size(); ++i) CHECK(applied[i].version == static_cast<int>(i + 1));

  // A life: queued -> running -> done.
  std::string id1(32, '1'), id2(32, '2'), id3(32, '3'), id4(32, '4');
  st->insert_scan(record(id1, "2026-01-01T00:00:01.000000Z"));
  auto got = st->get_scan(id1);
  REQUIRE(got);
  CHECK(got->status == ScanStatus::queued);
  CHECK(got->file_name == "app.apk");
  CHECK(got->size == 1234);
  CHECK(got->attempts == 0);
  CHECK(st->start_scan(id1));
  CHECK_FALSE(st->start_scan(id1));  // only a queued scan starts
  CHECK(st->get_scan(id1)->status == ScanStatus::running);
  CHECK(st->get_scan(id1)->attempts == 1);
  CHECK_FALSE(st->get_report(id1));
  st->finish_scan(id1, summary("com.x", 10, "1.0"), R"({"schema_version":1})");
  got = st->get_scan(id1);
  CHECK(got->status == ScanStatus::done);
  CHECK(got->app_id == "com.x");
  CHECK(got->version_code == 10);
  CHECK(got->verdict == "failed");
  CHECK(got->counts == ScanCounts{3, 10, 2, 40, 5, 1});
  CHECK(st->get_report(id1) == std::optional<std::string>(R"({"schema_version":1})"));

  // Versions newest first by version code, then upload time; a scan without a code last.
  st->insert_scan(record(id2, "2026-01-01T00:00:02.000000Z"));
  st->start_scan(id2);
  st->finish_scan(id2, summary("com.x", 12, "1.2"), "{}");
  st->insert_scan(record(id3, "2026-01-01T00:00:03.000000Z"));
  st->start_scan(id3);
  st->finish_scan(id3, summary("com.x", 11, "1.1"), "{}");
  st->insert_scan(record(id4, "2026-01-01T00:00:04.000000Z"));
  st->start_scan(id4);
  st->finish_scan(id4, summary("com.x", std::nullopt, "dev"), "{}");
  auto versions = st->app_versions("android", "com.x", 10);
  REQUIRE(versions.size() == 4);
  CHECK(versions[0].id == id2);
  CHECK(versions[1].id == id3);
  CHECK(versions[2].id == id1);
  CHECK(versions[3].id == id4);
  CHECK(st->app_versions("android", "com.x", 2).size() == 2);
  CHECK(st->app_versions("ios", "com.x", 10).empty());

  // Errors, recent list, unfinished scans.
  std::string id5(32, '5'), id6(32, '6');
  st->insert_scan(record(id5, "2026-01-01T00:00:05.000000Z"));
  st->fail_scan(id5, "x.apk: unrecognised format");
  CHECK(st->get_scan(id5)->status == ScanStatus::error);
  CHECK(st->get_scan(id5)->error == "x.apk: unrecognised format");
  st->insert_scan(record(id6, "2026-01-01T00:00:06.000000Z"));
  auto recent = st->recent_scans(3);
  REQUIRE(recent.size() == 3);
  CHECK(recent[0].id == id6);
  CHECK(recent[1].id == id5);
  auto open = st->unfinished_scans();
  REQUIRE(open.size() == 1);
  CHECK(open[0].id == id6);
  st->start_scan(id6);
  st->requeue_scan(id6);
  CHECK(st->get_scan(id6)->status == ScanStatus::queued);

  // Hostile text is data, never SQL.
  std::string id7(32, '7');
  ScanRecord evil = record(id7, "2026-01-01T00:00:07.000000Z");
  evil.file_name = "x'); DROP TABLE scans; --\"$1 ?";
  st->insert_scan(evil);
  ScanSummary es = summary("com.evil'--", 1, "1' OR '1'='1");
  es.app_name = "<script>alert(1)</script>";
  st->start_scan(id7);
  st->finish_scan(id7, es, "{\"a\":\"'; DROP TABLE uploads; --\"}");
  CHECK(st->get_scan(id7)->file_name == evil.file_name);
  CHECK(st->get_scan(id7)->app_name == es.app_name);
  CHECK(st->app_versions("android", "com.evil'--", 5).size() == 1);
  CHECK(st->recent_scans(100).size() == 7);

  // Uploads: counted by hash.
  std::string sha(64, 'b');
  CHECK(st->upload_count(sha) == 0);
  st->record_upload(sha, 99, false);
  st->record_upload(sha, 99, true);
  CHECK(st->upload_count(sha) == 2);

  // Unknown ids.
  CHECK_FALSE(st->get_scan(std::string(32, 'f')));
  CHECK_FALSE(st->get_report(std::string(32, 'f')));

  // Re-opening is a no-op for the schema and keeps the data.
  auto before = st->migrations();
  st.reset();
  auto again = open_storage(url);
  auto after = again->migrations();
  REQUIRE(after.size() == before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    CHECK(after[i].version == before[i].version);
    CHECK(after[i].applied == before[i].applied);  // not applied a second time
  }
  CHECK(again->get_scan(id1)->status == ScanStatus::done);
  CHECK(again->recent_scans(100).size() == 7);
}

}  // namespace

TEST_CASE("storage: SQLite contract, migrations applied once, reopen is a no-op") {
  auto dir = sdkscope::test::temp_dir("server_storage_sqlite");
  storage_contract("sqlite:" + (dir / "s.db").string());
  // WAL mode is a property of the file.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((dir / "s.db").c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_CASE("storage: SQLite refuses a database from a newer build, and bad URLs") {
  auto dir = sdkscope::test::temp_dir("server_storage_newer");
  std::string path = (dir / "n.db").string();
  { open_storage("sqlite:" + path); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (999, 'future', 'x')", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  CHECK_THROWS_AS(open_storage("sqlite:" + path), StorageError);
  CHECK_THROWS_AS(open_storage("mysql://x"), StorageError);
  CHECK_THROWS_AS(open_storage("sqlite:"), StorageError);
  CHECK_THROWS_AS(open_storage("sqlite:" + (dir / "missing-dir" / "x.db").string()), StorageError);
}

TEST_CASE("storage: a failed migration leaves nothing half-applied") {
  // A database where migration 2's table already exists (made by hand): migration 2 fails, and
  // neither its index nor its schema_migrations row may remain.
  auto dir = sdkscope::test::temp_dir("server_storage_failed_migration");
  std::string path = (dir / "f.db").string();
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "CREATE TABLE uploads (x TEXT)", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  CHECK_THROWS_AS(open_storage("sqlite:" + path), StorageError);
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  auto count = [&](const char* sql) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
    int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    return n;
  };
  CHECK(count("SELECT COUNT(*) FROM schema_migrations") == 1);  // migration 1 committed, 2 rolled back
  CHECK(count("SELECT COUNT(*) FROM sqlite_master WHERE name = 'scans_sha256'") == 0);
  sqlite3_close(db);
}

TEST_CASE("storage: PostgreSQL contract (SDKSCOPE_TEST_PG)") {
  if (pg_url().empty()) {
    MESSAGE("SDKSCOPE_TEST_PG not set: PostgreSQL storage not tested (scripts/with-postgres.sh sets it)");
    return;
  }
  PgSchema schema;
  storage_contract(schema.url());
}

TEST_CASE("storage: PostgreSQL refuses an unreachable server with one line, no password") {
  try {
    open_storage("postgresql://u:hunter2@127.0.0.1:1/db?connect_timeout=2");
    FAIL("connected to port 1");
  } catch (const StorageError& e) {
    std::string msg = e.what();
    CHECK(msg.find("hunter2") == std::string::npos);
    CHECK(msg.find('\n') == std::string::npos);
  }
  CHECK(redact_url("postgresql://u:pw@h:5432/db") == "postgresql://u@h:5432/db");
  CHECK(redact_url("postgresql://h/db?password=pw&x=1") == "postgresql://h/db?password=***&x=1");
}
