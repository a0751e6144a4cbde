// Where `sdkscope serve` keeps its scans: one record per upload (indexed columns + the JSON report
// text) and the uploads' hashes. Two backends behind one interface, the same schema and the same
// versioned migrations: SQLite (default, WAL, one writer) and PostgreSQL (libpq). Every query is
// parameterised; nothing from a request is ever pasted into SQL text.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sdkscope::server {

/// Any storage failure (cannot open, a query failed, the connection dropped). Callers map it to
/// HTTP 500 or a one-line startup error; the message never contains a password.
class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ScanStatus { queued, running, done, error };
std::string_view to_string(ScanStatus s);
std::optional<ScanStatus> parse_scan_status(std::string_view s);

/// The counts shown beside a version (unwaived findings only).
struct ScanCounts {
  std::int64_t sdks = 0, permissions = 0, dangerous_permissions = 0, endpoints = 0, findings = 0,
               policy_violations = 0;
  friend bool operator==(const ScanCounts&, const ScanCounts&) = default;
};

/// One scan: what was uploaded, where it is in its life, and (once done) what it found.
struct ScanRecord {
  std::string id;       ///< 32 lowercase hex digits (random)
  std::string created;  ///< ISO 8601 UTC with microseconds: sorts as text
  std::string updated;
  ScanStatus status = ScanStatus::queued;
  std::string error;  ///< one line, when status is error
  std::string input_sha256;
  std::string file_name;  ///< display name only (sanitised); never used as a path
  std::uint64_t size = 0;
  // Set when done.
  std::string platform, app_id, app_name, version_name;
  std::optional<std::int64_t> version_code;
  std::string verdict = "none";  ///< policy: "passed", "failed" or "none" (no policy)
  ScanCounts counts;
  std::int64_t attempts = 0;  ///< times a worker started it (a crash-looping input is not retried forever)
  bool upload_kept = false;   ///< the upload is in --keep-uploads DIR under its sha256
};

/// What a finished scan adds to its record.
struct ScanSummary {
  std::string platform, app_id, app_name, version_name;
  std::optional<std::int64_t> version_code;
  std::string verdict = "none";
  ScanCounts counts;
};

/// One applied migration (schema_migrations row).
struct AppliedMigration {
  int version = 0;
  std::string name, applied;
};

class Storage {
 public:
  virtual ~Storage() = default;
  /// "sqlite" or "postgresql".
  virtual std::string_view backend() const = 0;
  /// The migrations recorded in schema_migrations, oldest first.
  virtual std::vector<AppliedMigration> migrations() = 0;

  /// A new record (status queued).
  virtual void insert_scan(const ScanRecord& r) = 0;
  /// queued -> running, attempts + 1. False when the scan is not queued (or unknown).
  virtual bool start_scan(const std::string& id) = 0;
  virtual void finish_scan(const std::string& id, const ScanSummary& s, const std::string& report_json) = 0;
  virtual void fail_scan(const std::string& id, const std::string& error) = 0;
  /// running/queued -> queued (restart recovery).
  virtual void requeue_scan(const std::string& id) = 0;

  virtual std::optional<ScanRecord> get_scan(const std::string& id) = 0;
  /// The JSON report of a done scan.
  virtual std::optional<std::string> get_report(const std::string& id) = 0;
  /// Newest first.
  virtual std::vector<ScanRecord> recent_scans(std::size_t limit) = 0;
  /// Done scans of one app, newest version first (version code, then upload time).
  virtual std::vector<ScanRecord> app_versions(const std::string& platform, const std::string& app_id,
                                               std::size_t limit) = 0;
  /// Scans left queued or running (by a stop or a crash), oldest first.
  virtual std::vector<ScanRecord> unfinished_scans() = 0;
  /// Counts one more upload of this content.
  virtual void record_upload(const std::string& sha256, std::uint64_t size, bool kept) = 0;
  /// How many uploads of this content were received (0 when never).
  virtual std::int64_t upload_count(const std::string& sha256) = 0;
};

/// Opens (creating when needed) and migrates the database at `url`:
///   "sqlite:PATH"                      SQLite file (WAL mode)
///   "postgresql://..." / "postgres://..."  PostgreSQL (a libpq connection URI)
/// Throws StorageError.
std::unique_ptr<Storage> open_storage(const std::string& url);

/// `url` with any password removed, for messages and logs.
std::string redact_url(const std::string& url);

/// The schema version this build migrates to.
int latest_schema_version();

/// Now, as stored in `created` / `updated`: "2026-01-31T12:34:56.123456Z".
std::string now_timestamp();

}  // namespace sdkscope::server
