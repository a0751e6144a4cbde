// PostgreSQL connections for the storage layer (libpq): PQexecParams with text parameters, a
// small pool shared by reads and writes, a broken connection dropped and reopened.
#include <libpq-fe.h>

#include <string>

#include <fmt/format.h>

#include "server/sql_backend.hpp"
#include "server/storage.hpp"

namespace sdkscope::server::detail {

namespace {

std::string one_line(const char* s) {
  std::string out = s ? s : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

class PgConnection final : public SqlConnection {
 public:
  explicit PgConnection(const std::string& url) : shown_(redact_url(url)) {
    conn_ = PQconnectdb(url.c_str());
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = conn_ ? one_line(PQerrorMessage(conn_)) : "out of memory";
      PQfinish(conn_);
      conn_ = nullptr;
      throw StorageError(fmt::format("{}: cannot connect: {}", shown_, msg));
    }
    // "relation already exists, skipping" and friends are not worth a line on stderr.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    exec("SET client_min_messages = warning");
  }
  ~PgConnection() override { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  bool healthy() const override { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

  std::vector<SqlRow> query(std::string_view sql, const std::vector<SqlParam>& params) override {
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (params[i].kind == SqlParam::Kind::null) continue;
      text[i] = params[i].kind == SqlParam::Kind::integer ? std::to_string(params[i].integer) : params[i].text;
      values[i] = text[i].c_str();
    }
    std::string s(sql);
    PGresult* res = PQexecParams(conn_, s.c_str(), static_cast<int>(params.size()), nullptr, values.data(), nullptr,
                                 nullptr, 0);
    struct Clear {
      PGresult* r;
      ~Clear() { PQclear(r); }
    } guard{res};
    auto status = PQresultStatus(res);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
      throw StorageError(fmt::format("{}: {}", shown_, one_line(res ? PQresultErrorMessage(res) : PQerrorMessage(conn_))));
    std::vector<SqlRow> rows;
    int n = PQntuples(res), cols = PQnfields(res);
    rows.reserve(static_cast<std::size_t>(n));
    for (int r = 0; r < n; ++r) {
      SqlRow row;
      row.reserve(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(res, r, c)) row.emplace_back(std::nullopt);
        else row.emplace_back(std::string(PQgetvalue(res, r, c), static_cast<std::size_t>(PQgetlength(res, r, c))));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  void exec(std::string_view sql) override {
    std::string s(sql);
    PGresult* res = PQexec(conn_, s.c_str());
    auto status = PQresultStatus(res);
    std::string msg = (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
                          ? ""
                          : one_line(res ? PQresultErrorMessage(res) : PQerrorMessage(conn_));
    PQclear(res);
    if (!msg.empty() || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK))
      throw StorageError(fmt::format("{}: {}", shown_, msg.empty() ? "command failed" : msg));
  }

 private:
  std::string shown_;
  PGconn* conn_ = nullptr;
};

}  // namespace

SqlBackend open_postgres_backend(const std::string& url) {
  SqlBackend b;
  b.name = "postgresql";
  b.begin_write = "BEGIN";
  b.migration_lock = "SELECT pg_advisory_xact_lock(7370616769)";  // any constant: sdkscope's migrations
  // Writes and reads get their own few connections: PostgreSQL runs concurrent writers itself.
  b.writer = std::make_unique<ConnectionPool>([url] { return std::make_unique<PgConnection>(url); }, 4);
  b.reader = std::make_unique<ConnectionPool>([url] { return std::make_unique<PgConnection>(url); }, 4);
  { auto lease = b.writer->acquire(); }  // fail now, with the reason, when the server is unreachable
  return b;
}

}  // namespace sdkscope::server::detail
