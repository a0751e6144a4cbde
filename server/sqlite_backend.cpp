// SQLite connections for the storage layer: WAL mode, one writer connection, a few readers,
// parameters bound by name ($1 ...), busy timeout instead of SQLITE_BUSY errors.
#include <sqlite3.h>

#include <string>

#include <fmt/format.h>

#include "server/sql_backend.hpp"
#include "server/storage.hpp"

namespace sdkscope::server::detail {

namespace {

constexpr int kBusyTimeoutMs = 10'000;

class SqliteConnection final : public SqlConnection {
 public:
  SqliteConnection(const std::string& path, bool writer) : path_(path) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw StorageError(fmt::format("sqlite:{}: cannot open: {}", path, msg));
    }
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    sqlite3_extended_result_codes(db_, 1);
    if (writer) {
      // WAL: readers never block the writer nor it them; it is a property of the file, kept.
      auto rows = query("PRAGMA journal_mode=WAL", {});
      if (rows.empty() || !rows[0][0] || *rows[0][0] != "wal")
        throw StorageError(fmt::format("sqlite:{}: cannot switch to WAL mode", path));
      exec("PRAGMA synchronous=NORMAL");
    } else {
      exec("PRAGMA query_only=ON");
    }
    exec("PRAGMA foreign_keys=ON");
  }
  ~SqliteConnection() override { sqlite3_close_v2(db_); }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  std::vector<SqlRow> query(std::string_view sql, const std::vector<SqlParam>& params) override {
    sqlite3_stmt* st = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, &tail) != SQLITE_OK) fail("prepare");
    struct Finalize {
      sqlite3_stmt* s;
      ~Finalize() { sqlite3_finalize(s); }
    } guard{st};
    if (!st) return {};  // empty statement
    for (std::size_t i = 0; i < params.size(); ++i) {
      std::string name = "$" + std::to_string(i + 1);
      int idx = sqlite3_bind_parameter_index(st, name.c_str());
      if (idx == 0) continue;  // the statement does not use this parameter
      const SqlParam& p = params[i];
      int rc = p.kind == SqlParam::Kind::null      ? sqlite3_bind_null(st, idx)
               : p.kind == SqlParam::Kind::integer ? sqlite3_bind_int64(st, idx, p.integer)
                                                   : sqlite3_bind_text64(st, idx, p.text.data(), p.text.size(),
                                                                         SQLITE_TRANSIENT, SQLITE_UTF8);
      if (rc != SQLITE_OK) fail("bind");
    }
    std::vector<SqlRow> rows;
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) fail("step");
      int n = sqlite3_column_count(st);
      SqlRow row;
      row.reserve(static_cast<std::size_t>(n));
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(st, c) == SQLITE_NULL) {
          row.emplace_back(std::nullopt);
          continue;
        }
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        int len = sqlite3_column_bytes(st, c);
        row.emplace_back(std::string(text ? text : "", static_cast<std::size_t>(len)));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  void exec(std::string_view sql) override {
    std::string s(sql);
    char* err = nullptr;
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw StorageError(fmt::format("sqlite:{}: {}", path_, msg));
    }
  }

 private:
  [[noreturn]] void fail(const char* what) {
    throw StorageError(fmt::format("sqlite:{}: {} failed: {}", path_, what, sqlite3_errmsg(db_)));
  }

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace

SqlBackend open_sqlite_backend(const std::string& path) {
  if (path.empty()) throw StorageError("sqlite: no path (use sqlite:PATH)");
  if (path == ":memory:" || path.rfind("file:", 0) == 0)
    throw StorageError("sqlite: give a file path (an in-memory database is not shared between connections)");
  SqlBackend b;
  b.name = "sqlite";
  b.begin_write = "BEGIN IMMEDIATE";
  // One writer: SQLite serialises writers anyway; one connection makes that explicit and keeps
  // busy waits inside this process rare. Readers run beside it (WAL).
  b.writer = std::make_unique<ConnectionPool>([path] { return std::make_unique<SqliteConnection>(path, true); }, 1);
  // Create the file (and switch it to WAL) before any reader opens it.
  { auto lease = b.writer->acquire(); }
  b.reader = std::make_unique<ConnectionPool>([path] { return std::make_unique<SqliteConnection>(path, false); }, 4);
  return b;
}

}  // namespace sdkscope::server::detail
