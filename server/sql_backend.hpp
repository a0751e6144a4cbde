// Internal to server/: the one thing the two storage backends differ in, a connection that runs a
// parameterised statement. SQL text is shared: parameters are written $1, $2 ... (PostgreSQL's
// syntax; SQLite binds them by name), values are text, 64-bit integers or NULL.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sdkscope::server::detail {

struct SqlParam {
  enum class Kind { null, text, integer } kind = Kind::null;
  std::string text;
  std::int64_t integer = 0;

  SqlParam() = default;
  SqlParam(std::string s) : kind(Kind::text), text(std::move(s)) {}  // NOLINT: implicit by design
  SqlParam(const char* s) : kind(Kind::text), text(s) {}             // NOLINT
  SqlParam(std::int64_t v) : kind(Kind::integer), integer(v) {}      // NOLINT
  SqlParam(std::optional<std::int64_t> v) {                           // NOLINT
    if (v) {
      kind = Kind::integer;
      integer = *v;
    }
  }
};

using SqlValue = std::optional<std::string>;  ///< a column as text; nullopt = NULL
using SqlRow = std::vector<SqlValue>;

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  /// One statement with $1..$n parameters; the rows it returns (none for DML). Throws StorageError.
  virtual std::vector<SqlRow> query(std::string_view sql, const std::vector<SqlParam>& params = {}) = 0;
  /// Statements without parameters (migrations, BEGIN / COMMIT). Throws StorageError.
  virtual void exec(std::string_view sql) = 0;
  /// False when the connection is known broken (the pool replaces it).
  virtual bool healthy() const { return true; }
};

/// A fixed-size pool of connections created on demand; acquire() waits for a free one.
class ConnectionPool {
 public:
  using Factory = std::function<std::unique_ptr<SqlConnection>()>;
  ConnectionPool(Factory factory, std::size_t max) : factory_(std::move(factory)), max_(max) {}

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<SqlConnection> c) : pool_(pool), conn_(std::move(c)) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), conn_(std::move(o.conn_)) { o.pool_ = nullptr; }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_) pool_->put_back(std::move(conn_));
    }
    SqlConnection* operator->() const { return conn_.get(); }
    SqlConnection& operator*() const { return *conn_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<SqlConnection> conn_;
  };

  Lease acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty() || created_ < max_; });
    if (!free_.empty()) {
      auto c = std::move(free_.back());
      free_.pop_back();
      return Lease(this, std::move(c));
    }
    ++created_;
    lock.unlock();
    try {
      return Lease(this, factory_());
    } catch (...) {
      std::lock_guard relock(mu_);
      --created_;
      cv_.notify_one();
      throw;
    }
  }

 private:
  void put_back(std::unique_ptr<SqlConnection> c) {
    std::lock_guard lock(mu_);
    if (c && c->healthy()) free_.push_back(std::move(c));
    else --created_;  // dropped: the next acquire opens a fresh one
    cv_.notify_one();
  }

  Factory factory_;
  std::size_t max_;
  std::size_t created_ = 0;
  std::vector<std::unique_ptr<SqlConnection>> free_;
  std::mutex mu_;
  std::condition_variable cv_;
};

/// A backend: where writes and reads go. SQLite has one writer connection and a few readers
/// (WAL lets them read while it writes); PostgreSQL one pool for both.
struct SqlBackend {
  std::string name;  ///< "sqlite" / "postgresql"
  std::unique_ptr<ConnectionPool> writer, reader;
  /// Statement that opens a write transaction ("BEGIN IMMEDIATE" takes SQLite's write lock at once).
  std::string begin_write = "BEGIN";
  /// Run first inside the migration transaction (PostgreSQL: an advisory lock, so two servers
  /// starting at once do not both migrate); "" = none.
  std::string migration_lock;
};

SqlBackend open_sqlite_backend(const std::string& path);
SqlBackend open_postgres_backend(const std::string& url);

}  // namespace sdkscope::server::detail
