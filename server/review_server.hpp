// `sdkscope serve`: the review service a pre-approval pipeline uploads apps to. HTTP (cpp-httplib)
// in front of a bounded scan queue and a Storage; docs/serve.md is the contract (routes, status
// codes, limits, schema, shutdown and restart behaviour).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "scanner/engine/scanner.hpp"
#include "server/auth.hpp"
#include "server/storage.hpp"

namespace sdkscope::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  ///< 0 = any free port (port() tells which)
  unsigned jobs = 0;  ///< scan workers; 0 = the number of hardware threads
  std::size_t queue = 32;  ///< uploads waiting for a worker (reservations included); more -> 429
  unsigned http_threads = 16;  ///< connections served at once
  std::size_t max_pending_connections = 64;  ///< accepted connections waiting for an HTTP thread (then accept waits)
  std::uint64_t max_upload_bytes = 1ull << 30;  ///< one upload; more -> 413
  unsigned upload_deadline_seconds = 600;  ///< one upload's whole body must arrive within this (slow senders -> 408)
  unsigned read_timeout_seconds = 30, write_timeout_seconds = 30;  ///< per socket read / write
  unsigned keep_alive_timeout_seconds = 5;
  std::size_t keep_alive_max_requests = 100;
  std::size_t max_query_params = 16, max_headers = 64, max_path_bytes = 2048;
  TokenSet tokens;  ///< empty = no authentication (then only loopback addresses are allowed)
  std::string keep_uploads_dir;  ///< "" = uploads are never stored
  std::string temp_parent;       ///< where the private upload directory goes ("" = $TMPDIR or /tmp)
  std::size_t api_history_limit = 200;  ///< versions listed by GET /api/v1/apps/...
  std::size_t page_history_limit = 25;  ///< versions (and diffs) on an app's web page
  std::FILE* log = stderr;  ///< request log and server messages; nullptr = silent
};

/// Scans the file at `path` (a /proc/self/fd path or a kept upload). Must be callable from many
/// threads at once (cli::ScanSession::scan is).
using ScanFunction = std::function<ScanOutcome(const std::string& path)>;

class ReviewServer {
 public:
  ReviewServer(ServerConfig config, Storage& storage, ScanFunction scan);
  ~ReviewServer();
  ReviewServer(const ReviewServer&) = delete;
  ReviewServer& operator=(const ReviewServer&) = delete;

  /// Checks the configuration (no tokens -> loopback only), prepares the upload directories,
  /// settles what a previous run left unfinished (re-queued when its upload was kept, else
  /// error "interrupted"), starts the scan workers and binds the socket. False and `error`
  /// set (one line) when it cannot.
  bool start(std::string& error);
  /// The bound port (after start()).
  int port() const;
  /// Serves until stop(); then waits for the running scans to finish. Scans still waiting stay
  /// queued when their upload is kept (the next start runs them), else become error "interrupted".
  void run();
  /// Stops accepting connections and uploads; run() returns once in-flight requests and running
  /// scans are done. Thread-safe, idempotent; not for signal handlers (use a sigwait thread).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The display name stored for an upload's file name: its last path component, control
/// characters and invalid UTF-8 replaced, at most 200 bytes; "upload" when nothing is left.
std::string sanitize_file_name(std::string_view raw);

}  // namespace sdkscope::server
