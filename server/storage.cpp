// The storage layer over either backend: versioned migrations and every query the server runs.
// One SQL text serves both databases (standard SQL, $n parameters, ON CONFLICT, RETURNING).
#include "server/storage.hpp"

#include <chrono>
#include <ctime>
#include <string>

#include <fmt/format.h>

#include "server/sql_backend.hpp"

namespace sdkscope::server {

using detail::SqlBackend;
using detail::SqlParam;
using detail::SqlRow;

namespace {

/// A schema change. Applied once, in a transaction, recorded in schema_migrations. Never edit a
/// released migration: add the next one.
struct Migration {
  int version;
  const char* name;
  std::vector<const char*> statements;
};

const std::vector<Migration>& migration_list() {
  static const std::vector<Migration> kMigrations{
      {1,
       "scans",
       {R"(CREATE TABLE scans (
  id TEXT PRIMARY KEY,
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'error')),
  error TEXT NOT NULL DEFAULT '',
  input_sha256 TEXT NOT NULL,
  file_name TEXT NOT NULL,
  size BIGINT NOT NULL,
  platform TEXT NOT NULL DEFAULT '',
  app_id TEXT NOT NULL DEFAULT '',
  app_name TEXT NOT NULL DEFAULT '',
  version_name TEXT NOT NULL DEFAULT '',
  version_code BIGINT,
  verdict TEXT NOT NULL DEFAULT 'none' CHECK (verdict IN ('passed', 'failed', 'none')),
  sdk_count BIGINT NOT NULL DEFAULT 0,
  permission_count BIGINT NOT NULL DEFAULT 0,
  dangerous_permission_count BIGINT NOT NULL DEFAULT 0,
  endpoint_count BIGINT NOT NULL DEFAULT 0,
  finding_count BIGINT NOT NULL DEFAULT 0,
  policy_violation_count BIGINT NOT NULL DEFAULT 0,
  attempts BIGINT NOT NULL DEFAULT 0,
  upload_kept BIGINT NOT NULL DEFAULT 0,
  report TEXT
))",
        "CREATE INDEX scans_created ON scans (created)",
        "CREATE INDEX scans_app ON scans (platform, app_id, version_code)",
        "CREATE INDEX scans_status ON scans (status)"}},
      {2,
       "uploads",
       {R"(CREATE TABLE uploads (
  sha256 TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  seen BIGINT NOT NULL DEFAULT 1,
  kept BIGINT NOT NULL DEFAULT 0
))",
        "CREATE INDEX scans_sha256 ON scans (input_sha256)"}},
  };
  return kMigrations;
}

constexpr const char* kScanColumns =
    "id, created, updated, status, error, input_sha256, file_name, size, platform, app_id, app_name, version_name, "
    "version_code, verdict, sdk_count, permission_count, dangerous_permission_count, endpoint_count, finding_count, "
    "policy_violation_count, attempts, upload_kept";

std::int64_t to_int(const std::optional<std::string>& v) {
  if (!v || v->empty()) return 0;
  try {
    return std::stoll(*v);
  } catch (...) {
    return 0;
  }
}

std::string text(const std::optional<std::string>& v) { return v.value_or(""); }

ScanRecord to_record(const SqlRow& row) {
  if (row.size() < 22) throw StorageError("unexpected row shape");
  ScanRecord r;
  r.id = text(row[0]);
  r.created = text(row[1]);
  r.updated = text(row[2]);
  r.status = parse_scan_status(text(row[3])).value_or(ScanStatus::error);
  r.error = text(row[4]);
  r.input_sha256 = text(row[5]);
  r.file_name = text(row[6]);
  r.size = static_cast<std::uint64_t>(to_int(row[7]));
  r.platform = text(row[8]);
  r.app_id = text(row[9]);
  r.app_name = text(row[10]);
  r.version_name = text(row[11]);
  if (row[12]) r.version_code = to_int(row[12]);
  r.verdict = text(row[13]);
  r.counts.sdks = to_int(row[14]);
  r.counts.permissions = to_int(row[15]);
  r.counts.dangerous_permissions = to_int(row[16]);
  r.counts.endpoints = to_int(row[17]);
  r.counts.findings = to_int(row[18]);
  r.counts.policy_violations = to_int(row[19]);
  r.attempts = to_int(row[20]);
  r.upload_kept = to_int(row[21]) != 0;
  return r;
}

std::vector<ScanRecord> to_records(const std::vector<SqlRow>& rows) {
  std::vector<ScanRecord> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(to_record(row));
  return out;
}

std::int64_t clamp_limit(std::size_t n) { return static_cast<std::int64_t>(std::min<std::size_t>(n, 100'000)); }

class SqlStorage final : public Storage {
 public:
  explicit SqlStorage(SqlBackend b) : b_(std::move(b)) { migrate(); }

  std::string_view backend() const override { return b_.name; }

  std::vector<AppliedMigration> migrations() override {
    auto c = b_.reader->acquire();
    std::vector<AppliedMigration> out;
    for (const auto& row : c->query("SELECT version, name, applied FROM schema_migrations ORDER BY version"))
      out.push_back({static_cast<int>(to_int(row[0])), text(row[1]), text(row[2])});
    return out;
  }

  void insert_scan(const ScanRecord& r) override {
    auto c = b_.writer->acquire();
    c->query("INSERT INTO scans (id, created, updated, status, error, input_sha256, file_name, size, attempts, upload_kept) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
             {r.id, r.created, r.updated.empty() ? r.created : r.updated, std::string(to_string(r.status)), r.error,
              r.input_sha256, r.file_name, static_cast<std::int64_t>(r.size), r.attempts,
              static_cast<std::int64_t>(r.upload_kept ? 1 : 0)});
  }

  bool start_scan(const std::string& id) override {
    auto c = b_.writer->acquire();
    auto rows = c->query(
        "UPDATE scans SET status = 'running', attempts = attempts + 1, updated = $2 WHERE id = $1 AND status = 'queued' "
        "RETURNING id",
        {id, now_timestamp()});
    return !rows.empty();
  }

  void finish_scan(const std::string& id, const ScanSummary& s, const std::string& report_json) override {
    auto c = b_.writer->acquire();
    c->query("UPDATE scans SET status = 'done', error = '', updated = $2, platform = $3, app_id = $4, app_name = $5, "
             "version_name = $6, version_code = $7, verdict = $8, sdk_count = $9, permission_count = $10, "
             "dangerous_permission_count = $11, endpoint_count = $12, finding_count = $13, policy_violation_count = $14, "
             "report = $15 WHERE id = $1",
             {id, now_timestamp(), s.platform, s.app_id, s.app_name, s.version_name, s.version_code, s.verdict,
              s.counts.sdks, s.counts.permissions, s.counts.dangerous_permissions, s.counts.endpoints, s.counts.findings,
              s.counts.policy_violations, report_json});
  }

  void fail_scan(const std::string& id, const std::string& error) override {
    auto c = b_.writer->acquire();
    c->query("UPDATE scans SET status = 'error', error = $2, updated = $3, report = NULL WHERE id = $1",
             {id, error, now_timestamp()});
  }

  void requeue_scan(const std::string& id) override {
    auto c = b_.writer->acquire();
    c->query("UPDATE scans SET status = 'queued', updated = $2 WHERE id = $1 AND status IN ('queued', 'running')",
             {id, now_timestamp()});
  }

  std::optional<ScanRecord> get_scan(const std::string& id) override {
    auto c = b_.reader->acquire();
    auto rows = c->query(fmt::format("SELECT {} FROM scans WHERE id = $1", kScanColumns), {id});
    if (rows.empty()) return std::nullopt;
    return to_record(rows.front());
  }

  std::optional<std::string> get_report(const std::string& id) override {
    auto c = b_.reader->acquire();
    auto rows = c->query("SELECT report FROM scans WHERE id = $1 AND status = 'done'", {id});
    if (rows.empty() || !rows.front()[0]) return std::nullopt;
    return std::move(*rows.front()[0]);
  }

  std::vector<ScanRecord> recent_scans(std::size_t limit) override {
    auto c = b_.reader->acquire();
    return to_records(c->query(fmt::format("SELECT {} FROM scans ORDER BY created DESC, id DESC LIMIT $1", kScanColumns),
                               {clamp_limit(limit)}));
  }

  std::vector<ScanRecord> app_versions(const std::string& platform, const std::string& app_id,
                                       std::size_t limit) override {
    auto c = b_.reader->acquire();
    return to_records(c->query(
        fmt::format("SELECT {} FROM scans WHERE platform = $1 AND app_id = $2 AND status = 'done' "
                    "ORDER BY version_code IS NULL, version_code DESC, created DESC, id DESC LIMIT $3",
                    kScanColumns),
        {platform, app_id, clamp_limit(limit)}));
  }

  std::vector<ScanRecord> unfinished_scans() override {
    auto c = b_.reader->acquire();
    return to_records(c->query(
        fmt::format("SELECT {} FROM scans WHERE status IN ('queued', 'running') ORDER BY created, id", kScanColumns)));
  }

  void record_upload(const std::string& sha256, std::uint64_t size, bool kept) override {
    auto c = b_.writer->acquire();
    std::string now = now_timestamp();
    c->query("INSERT INTO uploads (sha256, size, first_seen, last_seen, seen, kept) VALUES ($1, $2, $3, $3, 1, $4) "
             "ON CONFLICT (sha256) DO UPDATE SET last_seen = excluded.last_seen, seen = uploads.seen + 1, "
             "kept = CASE WHEN excluded.kept = 1 THEN 1 ELSE uploads.kept END",
             {sha256, static_cast<std::int64_t>(size), now, static_cast<std::int64_t>(kept ? 1 : 0)});
  }

  std::int64_t upload_count(const std::string& sha256) override {
    auto c = b_.reader->acquire();
    auto rows = c->query("SELECT seen FROM uploads WHERE sha256 = $1", {sha256});
    return rows.empty() ? 0 : to_int(rows.front()[0]);
  }

 private:
  // Each migration in its own write transaction: the check that it is not applied yet, its
  // statements and its schema_migrations row commit together or not at all.
  void migrate() {
    auto c = b_.writer->acquire();
    auto in_transaction = [&](auto&& body) {
      c->exec(b_.begin_write);
      try {
        if (!b_.migration_lock.empty()) c->query(b_.migration_lock);
        body();
        c->exec("COMMIT");
      } catch (...) {
        try {
          c->exec("ROLLBACK");
        } catch (...) {
        }
        throw;
      }
    };
    in_transaction([&] {
      c->exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
              "applied TEXT NOT NULL)");
    });
    {
      auto rows = c->query("SELECT MAX(version) FROM schema_migrations");
      std::int64_t have = rows.empty() ? 0 : to_int(rows.front()[0]);
      if (have > latest_schema_version())
        throw StorageError(fmt::format("the database is at schema version {}, newer than this build's {}", have,
                                       latest_schema_version()));
    }
    for (const auto& m : migration_list()) {
      in_transaction([&] {
        if (!c->query("SELECT version FROM schema_migrations WHERE version = $1", {std::int64_t{m.version}}).empty())
          return;
        for (const char* stmt : m.statements) c->exec(stmt);
        c->query("INSERT INTO schema_migrations (version, name, applied) VALUES ($1, $2, $3)",
                 {std::int64_t{m.version}, m.name, now_timestamp()});
      });
    }
  }

  SqlBackend b_;
};

}  // namespace

std::string_view to_string(ScanStatus s) {
  switch (s) {
    case ScanStatus::queued: return "queued";
    case ScanStatus::running: return "running";
    case ScanStatus::done: return "done";
    case ScanStatus::error: return "error";
  }
  return "error";
}

std::optional<ScanStatus> parse_scan_status(std::string_view s) {
  if (s == "queued") return ScanStatus::queued;
  if (s == "running") return ScanStatus::running;
  if (s == "done") return ScanStatus::done;
  if (s == "error") return ScanStatus::error;
  return std::nullopt;
}

int latest_schema_version() { return migration_list().back().version; }

std::string now_timestamp() {
  auto now = std::chrono::system_clock::now();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(us % 1'000'000));
}

std::string redact_url(const std::string& url) {
  // scheme://user:password@host/...  ->  scheme://user@host/...
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  auto auth_end = url.find('@', scheme + 3);
  auto path_start = url.find('/', scheme + 3);
  std::string out = url;
  if (auth_end != std::string::npos && (path_start == std::string::npos || auth_end < path_start)) {
    auto colon = url.find(':', scheme + 3);
    if (colon != std::string::npos && colon < auth_end) out = url.substr(0, colon) + url.substr(auth_end);
  }
  // password=... in the query string
  auto q = out.find("password=");
  if (q != std::string::npos) {
    auto end = out.find('&', q);
    out = out.substr(0, q) + "password=***" + (end == std::string::npos ? "" : out.substr(end));
  }
  return out;
}

std::unique_ptr<Storage> open_storage(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) return std::make_unique<SqlStorage>(detail::open_sqlite_backend(url.substr(7)));
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
    return std::make_unique<SqlStorage>(detail::open_postgres_backend(url));
  throw StorageError(fmt::format("unknown database URL '{}' (use sqlite:PATH or postgresql://...)", redact_url(url)));
}

}  // namespace sdkscope::server
