#include "server/review_server.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <openssl/rand.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "reports/cyclonedx_report.hpp"
#include "reports/diff.hpp"
#include "reports/html_report.hpp"
#include "reports/json_read.hpp"
#include "reports/json_report.hpp"
#include "reports/markdown_report.hpp"
#include "reports/report_views.hpp"
#include "reports/sarif_report.hpp"
#include "scanner/engine/scanner.hpp"
#include "server/scan_queue.hpp"
#include "server/upload.hpp"
#include "server/web_pages.hpp"

namespace sdkscope::server {

namespace {

using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

constexpr const char* kUploadPath = "/api/v1/scans";
/// Multipart framing around the file (boundaries, part headers, a few small fields).
constexpr std::uint64_t kMultipartSlack = 64 * 1024;
constexpr std::size_t kMaxMultipartParts = 8;
constexpr std::size_t kMaxRecentScans = 500;

// ---- small helpers ---------------------------------------------------------------------------

std::string new_scan_id() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("no randomness for a scan id");
  static const char* kHex = "0123456789abcdef";
  std::string id;
  for (unsigned char c : b) {
    id += kHex[c >> 4];
    id += kHex[c & 15];
  }
  return id;
}

bool is_scan_id(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

/// A request line made safe for a one-line log: no control bytes, bounded.
std::string log_safe(std::string_view s, std::size_t cap = 300) {
  std::string out;
  for (unsigned char c : s.substr(0, cap)) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  if (s.size() > cap) out += "...";
  return out;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
}

json counts_json(const ScanCounts& c) {
  return json{{"sdks", c.sdks},
              {"permissions", c.permissions},
              {"dangerous_permissions", c.dangerous_permissions},
              {"endpoints", c.endpoints},
              {"findings", c.findings},
              {"policy_violations", c.policy_violations}};
}

json scan_json(const ScanRecord& s) {
  json j;
  j["id"] = s.id;
  j["status"] = std::string(to_string(s.status));
  j["created"] = s.created;
  j["updated"] = s.updated;
  j["file_name"] = s.file_name;
  j["size"] = s.size;
  j["sha256"] = s.input_sha256;
  if (s.status == ScanStatus::error) j["error"] = s.error;
  if (s.status == ScanStatus::done) {
    j["app"] = json{{"platform", s.platform},
                    {"id", s.app_id},
                    {"name", s.app_name},
                    {"version_name", s.version_name},
                    {"version_code", s.version_code ? json(*s.version_code) : json(nullptr)}};
    j["verdict"] = s.verdict;
    j["counts"] = counts_json(s.counts);
    std::string base = std::string("/api/v1/scans/") + s.id;
    j["links"] = json{{"html", "/scans/" + s.id},
                      {"json", base + "/report.json"},
                      {"sarif", base + "/report.sarif"},
                      {"md", base + "/report.md"},
                      {"cyclonedx", base + "/report.cdx.json"}};
    if (!s.app_id.empty()) j["links"]["app"] = "/api/v1/apps/" + url_encode_segment(s.platform) + "/" + url_encode_segment(s.app_id);
  }
  return j;
}

ScanSummary summarise(const ScanResult& r) {
  ScanSummary s;
  s.platform = r.app.platform;
  s.app_id = r.app.id;
  s.app_name = r.app.name;
  s.version_name = r.app.version_name;
  s.version_code = r.app.version_code;
  s.verdict = r.policy.evaluated ? (r.policy.passed ? "passed" : "failed") : "none";
  s.counts.sdks = static_cast<std::int64_t>(r.sdks.size());
  s.counts.permissions = static_cast<std::int64_t>(r.permissions.size());
  for (const auto& p : r.permissions) s.counts.dangerous_permissions += is_dangerous_permission(p.protection);
  s.counts.endpoints = static_cast<std::int64_t>(r.endpoints.size());
  for (const auto& f : r.findings) s.counts.findings += !f.waived;
  s.counts.policy_violations = static_cast<std::int64_t>(r.policy.violations);
  return s;
}

/// Content-Length as a number (0 when absent, the maximum when malformed).
std::uint64_t declared_length(const httplib::Request& req) {
  if (!req.has_header("Content-Length")) return 0;
  try {
    return std::stoull(req.get_header_value("Content-Length"));
  } catch (...) {
    return UINT64_MAX;
  }
}

bool is_api(const httplib::Request& req) { return req.path.rfind("/api/", 0) == 0; }

bool has_body(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) return true;
  return req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0";
}

/// Sets the body; with `close_connection` the connection ends after this response. That is for
/// requests whose body was not (fully) read: httplib 0.11 keeps a connection alive whatever the
/// response says, and would parse the left-over body bytes as the next requests. The body goes
/// through a content provider that reports failure once it has written everything, which makes
/// httplib close the socket after the response; "Connection: close" tells the client.
void set_body(httplib::Response& res, std::string body, const std::string& type, bool close_connection) {
  if (!close_connection || body.empty()) {
    res.set_content(body, type);
    return;
  }
  res.set_header("Connection", "close");
  auto shared = std::make_shared<std::string>(std::move(body));
  res.set_content_provider(shared->size(), type, [shared](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
    sink.write(shared->data() + offset, std::min(length, shared->size() - offset));
    return false;
  });
}

void send_json(httplib::Response& res, int status, const json& j) {
  res.status = status;
  res.set_content(dump(j) + "\n", "application/json");
}

void send_error(const httplib::Request& req, httplib::Response& res, int status, const std::string& message,
                bool close_connection = false) {
  res.status = status;
  if (is_api(req)) set_body(res, dump(json{{"error", message}}) + "\n", "application/json", close_connection);
  else set_body(res, render_error_page(status, message), "text/html; charset=utf-8", close_connection);
}

/// Reads and discards a request body of at most `cap` bytes, so the connection can carry the next
/// request. False (some of it perhaps read) when it is larger or unreadable.
bool drain(const httplib::Request& req, const httplib::ContentReader& reader, std::uint64_t cap) {
  if (cap == 0 || declared_length(req) > cap) return false;
  std::uint64_t n = 0;
  auto sink = [&](const char*, std::size_t len) { return (n += len) <= cap; };
  bool ok = req.is_multipart_form_data() ? reader([](const httplib::MultipartFormData&) { return true; }, sink) : reader(sink);
  return ok && n <= cap;
}

// One request's start time: set by the pre-routing handler, read by the logger, on the thread
// that serves the request (httplib serves a request start to end on one thread).
thread_local std::optional<Clock::time_point> t_request_start;

/// httplib's connection queue, bounded: when `max_pending` accepted connections already wait for
/// a thread, accept() waits too (the kernel backlog then holds further clients).
class BoundedTaskQueue final : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(std::size_t threads, std::size_t max_pending) : max_pending_(std::max<std::size_t>(max_pending, 1)) {
    for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) threads_.emplace_back([this] { work(); });
  }
  ~BoundedTaskQueue() override { shutdown(); }
  BoundedTaskQueue(const BoundedTaskQueue&) = delete;
  BoundedTaskQueue& operator=(const BoundedTaskQueue&) = delete;

  void enqueue(std::function<void()> fn) override {
    std::unique_lock lock(mu_);
    space_.wait(lock, [&] { return jobs_.size() < max_pending_ || shutdown_; });
    jobs_.push_back(std::move(fn));
    lock.unlock();
    ready_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mu_);
      if (shutdown_ && threads_.empty()) return;
      shutdown_ = true;
    }
    ready_.notify_all();
    space_.notify_all();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    threads_.clear();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return !jobs_.empty() || shutdown_; });
        if (jobs_.empty()) return;  // shutdown and nothing left: queued connections are served first
        fn = std::move(jobs_.front());
        jobs_.pop_front();
      }
      space_.notify_one();
      fn();
    }
  }

  std::size_t max_pending_;
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  bool shutdown_ = false;
};

struct ReportFormat {
  std::string_view ext, content_type;
};
constexpr ReportFormat kReportFormats[] = {{"json", "application/json"},
                                           {"html", "text/html; charset=utf-8"},
                                           {"sarif", "application/sarif+json"},
                                           {"md", "text/markdown; charset=utf-8"},
                                           {"cdx.json", "application/vnd.cyclonedx+json"}};

}  // namespace

std::string sanitize_file_name(std::string_view raw) {
  auto slash = raw.find_last_of("/\\");
  if (slash != std::string_view::npos) raw.remove_prefix(slash + 1);
  std::string s = views::display_text(raw);  // invalid UTF-8 and C0 controls -> U+FFFD, bidi overrides visible
  std::string out;
  for (unsigned char c : s) out += (c < 0x20 || c == 0x7f) ? '_' : static_cast<char>(c);
  if (out.size() > 200) {
    std::size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // whole UTF-8 sequences only
    out.resize(cut);
  }
  if (out.empty() || out == "." || out == "..") return "upload";
  return out;
}

struct ReviewServer::Impl {
  ServerConfig cfg;
  Storage& storage;
  ScanFunction scan;
  httplib::Server http;
  std::unique_ptr<PrivateTempDir> temp;
  std::unique_ptr<ScanQueue> queue;
  unsigned scan_threads = 1;  ///< threads per scan: the hardware threads shared by the workers
  int bound_port = -1;
  std::atomic<bool> stopping{false}, in_run{false};
  std::mutex log_mu;

  Impl(ServerConfig c, Storage& s, ScanFunction f) : cfg(std::move(c)), storage(s), scan(std::move(f)) {}

  template <typename... Args>
  void log(fmt::format_string<Args...> f, Args&&... args) {
    if (!cfg.log) return;
    std::string line = fmt::format(f, std::forward<Args>(args)...) + "\n";
    std::lock_guard lock(log_mu);
    std::fputs(line.c_str(), cfg.log);
    std::fflush(cfg.log);
  }

  // ---- scans --------------------------------------------------------------------------------

  void run_job(ScanJob& job) {
    auto t0 = Clock::now();
    // `scan_threads` per scan, so that the workers together use the cores once, not jobs x cores.
    ScopedScanThreads cap(scan_threads);
    try {
      if (!storage.start_scan(job.id)) return;  // no longer queued
      ScanOutcome outcome;
      try {
        outcome = scan(job.path);
      } catch (const std::exception& e) {
        outcome.error = fmt::format("{}: internal error: {}", job.path, e.what());
      }
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
      if (outcome.result) {
        ScanResult& r = *outcome.result;
        r.input.path = job.display_name;  // never the /proc path the scanner read from
        storage.finish_scan(job.id, summarise(r), write_json_report(r));
        log("scan {} done in {} ms", job.id, ms);
      } else {
        std::string err = outcome.error.empty() ? "scan failed" : outcome.error;
        replace_all(err, job.path, job.display_name);
        storage.fail_scan(job.id, err);
        log("scan {} error in {} ms: {}", job.id, ms, log_safe(err));
      }
    } catch (const std::exception& e) {
      log("scan {}: {}", job.id, log_safe(e.what()));
      try {
        storage.fail_scan(job.id, "internal error: storage failed");
      } catch (...) {
      }
    }
    job.upload.reset();  // the anonymous file goes with its descriptor
  }

  /// What a previous run left queued or running: run again when the upload was kept (at most
  /// twice in all, so an input that kills the process cannot loop), else error "interrupted".
  void recover() {
    for (auto& rec : storage.unfinished_scans()) {
      std::string kept = kept_upload_path(cfg.keep_uploads_dir, rec.input_sha256);
      std::error_code ec;
      bool have = rec.upload_kept && !kept.empty() && std::filesystem::is_regular_file(kept, ec);
      if (have && rec.attempts < 2) {
        storage.requeue_scan(rec.id);
        queue->submit_unreserved(ScanJob{rec.id, rec.file_name, std::nullopt, kept, true});
        log("scan {} re-queued (left {} by the previous run)", rec.id, to_string(rec.status));
      } else {
        storage.fail_scan(rec.id, have ? "interrupted (twice; not retried)" : "interrupted");
        log("scan {} marked interrupted", rec.id);
      }
    }
  }

  // ---- request plumbing -----------------------------------------------------------------------

  bool authorized(const httplib::Request& req) const {
    return cfg.tokens.empty() || cfg.tokens.accepts(req.get_header_value("Authorization"));
  }

  void unauthorized(const httplib::Request& req, httplib::Response& res, bool close_connection) {
    res.set_header("WWW-Authenticate", "Bearer realm=\"sdkscope\"");
    send_error(req, res, 401, "missing or invalid bearer token", close_connection);
  }

  httplib::Server::HandlerResponse pre_route(const httplib::Request& req, httplib::Response& res) {
    t_request_start = Clock::now();
    using HR = httplib::Server::HandlerResponse;
    auto reject = [&](int status, const std::string& msg) {
      send_error(req, res, status, msg, has_body(req));
      return HR::Handled;
    };
    if (req.path.size() > cfg.max_path_bytes) return reject(414, "path too long");
    if (req.params.size() > cfg.max_query_params) return reject(400, "too many query parameters");
    if (req.headers.size() > cfg.max_headers) return reject(431, "too many header fields");
    // Only the upload route reads a body (it checks the token itself, and may drain a small
    // body to keep the connection); any other body is never read.
    bool upload = req.method == "POST" && req.path == kUploadPath;
    if (!upload && !authorized(req)) {
      unauthorized(req, res, has_body(req));
      return HR::Handled;
    }
    if (!upload && req.method != "GET" && req.method != "HEAD")
      return reject(req.method == "POST" ? 404 : 405, "no such route for " + req.method);
    return HR::Unhandled;
  }

  int expect_continue(const httplib::Request& req, httplib::Response& res) {
    // A final status instead of "100 Continue": the client does not send the body.
    if (!authorized(req)) {
      unauthorized(req, res, false);
      return 401;
    }
    if (req.method == "POST" && req.path == kUploadPath) {
      if (stopping) return send_error(req, res, 503, "shutting down"), 503;
      if (declared_length(req) > cfg.max_upload_bytes + kMultipartSlack)
        return send_error(req, res, 413, fmt::format("upload larger than {} bytes", cfg.max_upload_bytes)), 413;
      if (queue->full()) {
        res.set_header("Retry-After", "5");
        return send_error(req, res, 429, "scan queue full; retry later"), 429;
      }
    }
    return 100;
  }

  void log_request(const httplib::Request& req, const httplib::Response& res) {
    long long ms = 0;
    if (t_request_start) ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - *t_request_start).count();
    t_request_start.reset();
    std::size_t bytes = res.body.size() ? res.body.size() : res.content_length_;
    // The path only: the query string and every header (Authorization included) stay out.
    log("{} {} {} {} {}ms", log_safe(req.method, 16), log_safe(req.path), res.status, bytes, ms);
  }

  // ---- handlers -------------------------------------------------------------------------------

  void handle_upload(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    // Refusals before the body is read: a small body (or any, for an authenticated client told
    // to retry) is drained so the connection stays usable; otherwise the connection is closed.
    constexpr std::uint64_t kDrainSmall = 1 << 20;
    if (!authorized(req)) return unauthorized(req, res, !drain(req, reader, kDrainSmall));
    if (stopping) return send_error(req, res, 503, "shutting down", !drain(req, reader, kDrainSmall));
    bool multipart = req.is_multipart_form_data();
    std::uint64_t limit = cfg.max_upload_bytes;
    if (declared_length(req) == UINT64_MAX) return send_error(req, res, 400, "bad Content-Length", true);
    if (declared_length(req) > limit + (multipart ? kMultipartSlack : 0))
      return send_error(req, res, 413, fmt::format("upload larger than {} bytes", limit), true);
    if (!queue->reserve()) {
      res.set_header("Retry-After", "5");
      return send_error(req, res, 429, "scan queue full; retry later", !drain(req, reader, cfg.max_upload_bytes));
    }
    struct Reservation {
      ScanQueue* q;
      bool used = false;
      ~Reservation() {
        if (!used) q->release();
      }
    } reservation{queue.get()};

    std::string err;
    auto upload = TempUpload::create(temp->path(), err);
    if (!upload) {
      log("upload: {}", err);
      return send_error(req, res, 500, "cannot store the upload", true);
    }
    std::string file_name = req.get_param_value("filename");
    std::uint64_t received = 0;
    bool too_big = false, write_failed = false, late = false, bad_form = false;
    auto deadline = Clock::now() + std::chrono::seconds(cfg.upload_deadline_seconds);
    auto take = [&](const char* data, std::size_t n, bool keep) {
      received += n;
      if (received > limit) return too_big = true, false;
      if (Clock::now() > deadline) return late = true, false;
      if (keep && !upload->write(data, n)) return write_failed = true, false;
      return true;
    };
    bool ok;
    std::size_t file_parts = 0;
    if (multipart) {
      std::size_t parts = 0;
      bool in_file = false;
      ok = reader(
          [&](const httplib::MultipartFormData& part) {
            if (++parts > kMaxMultipartParts) return bad_form = true, false;
            in_file = part.name == "file";
            if (in_file) {
              if (++file_parts > 1) return bad_form = true, false;
              if (!part.filename.empty()) file_name = part.filename;
            }
            return true;
          },
          [&](const char* data, std::size_t n) { return take(data, n, in_file); });
    } else {
      ok = reader([&](const char* data, std::size_t n) { return take(data, n, true); });
    }
    // A body left half-read: the connection closes after the answer.
    if (too_big || res.status == 413) return send_error(req, res, 413, fmt::format("upload larger than {} bytes", limit), true);
    if (late) return send_error(req, res, 408, "upload too slow", true);
    if (write_failed) return send_error(req, res, 507, "cannot store the upload (disk full?)", true);
    if (bad_form) return send_error(req, res, 400, "multipart upload: one field named 'file' (and few others) expected", true);
    if (res.status == 415) return send_error(req, res, 415, "unsupported Content-Encoding", true);
    if (!ok) return send_error(req, res, 400, "the upload could not be read", true);
    if (multipart && file_parts == 0) return send_error(req, res, 400, "multipart upload without a field named 'file'");
    if (upload->size() == 0) return send_error(req, res, 400, "empty upload");

    ScanRecord rec;
    rec.id = new_scan_id();
    rec.created = rec.updated = now_timestamp();
    rec.status = ScanStatus::queued;
    rec.input_sha256 = upload->finish();
    rec.file_name = sanitize_file_name(file_name);
    rec.size = upload->size();
    if (!cfg.keep_uploads_dir.empty()) {
      if (!keep_upload(*upload, cfg.keep_uploads_dir, rec.input_sha256, err)) {
        log("upload: {}", log_safe(err));
        return send_error(req, res, 500, "cannot keep the upload");
      }
      rec.upload_kept = true;
    }
    storage.insert_scan(rec);
    storage.record_upload(rec.input_sha256, rec.size, rec.upload_kept);
    std::string path = upload->path();
    reservation.used = true;
    if (!queue->submit(ScanJob{rec.id, rec.file_name, std::move(*upload), path, rec.upload_kept})) {
      if (!rec.upload_kept) storage.fail_scan(rec.id, "interrupted");
      return send_error(req, res, 503, "shutting down");
    }
    res.set_header("Location", std::string("/api/v1/scans/") + rec.id);
    send_json(res, 202,
              json{{"id", rec.id},
                   {"status", "queued"},
                   {"sha256", rec.input_sha256},
                   {"size", rec.size},
                   {"file_name", rec.file_name},
                   {"links", json{{"self", std::string("/api/v1/scans/") + rec.id}, {"html", "/scans/" + rec.id}}}});
  }

  void handle_get_scan(const httplib::Request& req, httplib::Response& res) {
    std::string id = req.matches[1];
    auto rec = storage.get_scan(id);
    if (!rec) return send_error(req, res, 404, "no such scan");
    std::string body = dump(scan_json(*rec));
    if (rec->status == ScanStatus::done) {
      if (auto report = storage.get_report(id)) {
        // The stored report is already JSON from our writer: spliced in, not parsed again.
        while (!report->empty() && (report->back() == '\n' || report->back() == ' ')) report->pop_back();
        body.pop_back();  // '}'
        body += ",\"report\":" + *report + "}";
      }
    }
    res.status = 200;
    res.set_content(body + "\n", "application/json");
  }

  /// The stored report parsed back, or an error response sent.
  std::optional<ScanResult> load_result(const httplib::Request& req, httplib::Response& res, const std::string& id) {
    auto rec = storage.get_scan(id);
    if (!rec) return send_error(req, res, 404, "no such scan"), std::nullopt;
    if (rec->status != ScanStatus::done) {
      if (!is_api(req)) {
        res.status = 200;
        res.set_content(render_scan_status_page(*rec), "text/html; charset=utf-8");
        return std::nullopt;
      }
      res.status = 409;
      json j = scan_json(*rec);
      j["error"] = rec->status == ScanStatus::error ? rec->error : "the scan is not done yet";
      res.set_content(dump(j) + "\n", "application/json");
      return std::nullopt;
    }
    auto text = storage.get_report(id);
    std::string err;
    std::optional<ScanResult> r;
    if (text) r = read_json_report(*text, err);
    if (!r) {
      log("scan {}: stored report unreadable: {}", id, log_safe(err));
      return send_error(req, res, 500, "the stored report cannot be read"), std::nullopt;
    }
    return r;
  }

  void handle_report(const httplib::Request& req, httplib::Response& res) {
    std::string id = req.matches[1], ext = req.matches[2];
    const ReportFormat* fmt = nullptr;
    for (const auto& f : kReportFormats)
      if (f.ext == ext) fmt = &f;
    if (!fmt) return send_error(req, res, 404, "unknown report format");
    if (ext == "json") {
      auto rec = storage.get_scan(id);
      if (!rec) return send_error(req, res, 404, "no such scan");
      if (rec->status == ScanStatus::done)
        if (auto text = storage.get_report(id)) {
          res.status = 200;
          return res.set_content(*text, std::string(fmt->content_type));
        }
    }
    auto r = load_result(req, res, id);
    if (!r) return;
    std::string body = ext == "html"    ? write_html_report(*r)
                       : ext == "sarif" ? write_sarif_report(*r)
                       : ext == "md"    ? write_markdown_report(*r)
                       : ext == "json"  ? write_json_report(*r)
                                        : write_cyclonedx_report(*r);
    res.status = 200;
    if (ext != "html") res.set_header("Content-Disposition", fmt::format("inline; filename=\"scan-{}.{}\"", id, ext));
    res.set_content(body, std::string(fmt->content_type));
  }

  void handle_scan_page(const httplib::Request& req, httplib::Response& res) {
    auto r = load_result(req, res, req.matches[1]);
    if (!r) return;
    res.status = 200;
    res.set_content(write_html_report(*r), "text/html; charset=utf-8");
  }

  void handle_recent(const httplib::Request& req, httplib::Response& res) {
    std::size_t limit = 50;
    if (req.has_param("limit")) {
      try {
        limit = std::min<std::size_t>(std::stoul(req.get_param_value("limit")), kMaxRecentScans);
      } catch (...) {
        return send_error(req, res, 400, "limit: a number");
      }
    }
    json list = json::array();
    for (const auto& s : storage.recent_scans(limit)) list.push_back(scan_json(s));
    send_json(res, 200, json{{"scans", list}});
  }

  void handle_app(const httplib::Request& req, httplib::Response& res) {
    std::string platform = req.matches[1], app_id = req.matches[2];
    auto versions = storage.app_versions(platform, app_id, cfg.api_history_limit + 1);
    bool truncated = versions.size() > cfg.api_history_limit;
    if (truncated) versions.resize(cfg.api_history_limit);
    if (versions.empty()) return send_error(req, res, 404, "no completed scan of this app");
    json list = json::array();
    for (const auto& v : versions)
      list.push_back(json{{"scan_id", v.id},
                          {"created", v.created},
                          {"version_name", v.version_name},
                          {"version_code", v.version_code ? json(*v.version_code) : json(nullptr)},
                          {"sha256", v.input_sha256},
                          {"file_name", v.file_name},
                          {"size", v.size},
                          {"verdict", v.verdict},
                          {"counts", counts_json(v.counts)}});
    send_json(res, 200,
              json{{"platform", platform},
                   {"app_id", app_id},
                   {"name", versions.front().app_name},
                   {"versions", list},
                   {"truncated", truncated}});
  }

  void handle_diff(const httplib::Request& req, httplib::Response& res) {
    std::string platform = req.matches[1], app_id = req.matches[2];
    std::string from = req.get_param_value("from"), to = req.get_param_value("to");
    std::string format = req.has_param("format") ? req.get_param_value("format") : "json";
    if (format != "json" && format != "md" && format != "text") return send_error(req, res, 400, "format: json, md or text");
    if (from.empty() != to.empty()) return send_error(req, res, 400, "give both from and to, or neither");
    if (from.empty()) {
      auto versions = storage.app_versions(platform, app_id, 2);
      if (versions.size() < 2) return send_error(req, res, 404, "fewer than two completed scans of this app");
      from = versions[1].id;
      to = versions[0].id;
    }
    if (!is_scan_id(from) || !is_scan_id(to)) return send_error(req, res, 400, "from and to are scan ids");
    for (const auto* id : {&from, &to}) {
      auto rec = storage.get_scan(*id);
      if (!rec) return send_error(req, res, 404, "no such scan: " + *id);
      if (rec->platform != platform || rec->app_id != app_id)
        return send_error(req, res, 400, "scan " + *id + " is not of this app");
    }
    auto old_r = load_result(req, res, from);
    if (!old_r) return;
    auto new_r = load_result(req, res, to);
    if (!new_r) return;
    ScanDiff d = diff_results(*old_r, *new_r);
    res.status = 200;
    if (format == "md") res.set_content(write_diff_markdown(d), "text/markdown; charset=utf-8");
    else if (format == "text") res.set_content(write_diff_text(d), "text/plain; charset=utf-8");
    else res.set_content(write_diff_json(d), "application/json");
  }

  void handle_index(const httplib::Request&, httplib::Response& res) {
    auto st = queue->stats();
    res.status = 200;
    res.set_content(render_index_page(storage.recent_scans(100), QueueView{st.waiting, st.running, st.capacity, st.workers}),
                    "text/html; charset=utf-8");
  }

  void handle_app_page(const httplib::Request& req, httplib::Response& res) {
    std::string platform = req.matches[1], app_id = req.matches[2];
    auto records = storage.app_versions(platform, app_id, cfg.page_history_limit + 1);
    bool truncated = records.size() > cfg.page_history_limit;
    // One more than shown, so the oldest shown version still has its predecessor to compare with.
    std::vector<std::optional<ScanResult>> results;
    for (const auto& rec : records) {
      std::string err;
      auto text = storage.get_report(rec.id);
      results.push_back(text ? read_json_report(*text, err) : std::nullopt);
    }
    std::vector<VersionView> views;
    for (std::size_t i = 0; i < records.size() && i < cfg.page_history_limit; ++i) {
      VersionView v{records[i], std::nullopt, ""};
      if (i + 1 < records.size()) {
        v.previous_id = records[i + 1].id;
        if (results[i] && results[i + 1]) v.since_previous = diff_results(*results[i + 1], *results[i]);
      }
      views.push_back(std::move(v));
    }
    if (views.empty()) return send_error(req, res, 404, "no completed scan of this app");
    res.status = 200;
    res.set_content(render_app_page(platform, app_id, views, truncated), "text/html; charset=utf-8");
  }

  void handle_health(const httplib::Request&, httplib::Response& res) {
    auto st = queue->stats();
    send_json(res, 200,
              json{{"status", stopping ? "stopping" : "ok"},
                   {"storage", std::string(storage.backend())},
                   {"queue", json{{"waiting", st.waiting},
                                  {"reserved", st.reserved},
                                  {"running", st.running},
                                  {"capacity", st.capacity},
                                  {"workers", st.workers}}}});
  }

  void routes() {
    using Req = const httplib::Request&;
    using Res = httplib::Response&;
    auto wrap = [this](void (Impl::*h)(Req, Res)) { return [this, h](Req req, Res res) { (this->*h)(req, res); }; };
    http.Post(kUploadPath, [this](Req req, Res res, const httplib::ContentReader& reader) { handle_upload(req, res, reader); });
    http.Get("/api/v1/health", wrap(&Impl::handle_health));
    http.Get("/api/v1/scans", wrap(&Impl::handle_recent));
    http.Get(R"(/api/v1/scans/([0-9a-f]{32}))", wrap(&Impl::handle_get_scan));
    http.Get(R"(/api/v1/scans/([0-9a-f]{32})/report\.(json|html|sarif|md|cdx\.json))", wrap(&Impl::handle_report));
    http.Get(R"(/api/v1/apps/([A-Za-z0-9_-]+)/([^/]+(?:/[^/]+)*)/diff)", wrap(&Impl::handle_diff));
    http.Get(R"(/api/v1/apps/([A-Za-z0-9_-]+)/([^/]+(?:/[^/]+)*))", wrap(&Impl::handle_app));
    http.Get("/", wrap(&Impl::handle_index));
    http.Get(R"(/apps/([A-Za-z0-9_-]+)/([^/]+(?:/[^/]+)*))", wrap(&Impl::handle_app_page));
    http.Get(R"(/scans/([0-9a-f]{32}))", wrap(&Impl::handle_scan_page));
  }

  void configure_http() {
    http.new_task_queue = [this] { return new BoundedTaskQueue(cfg.http_threads, cfg.max_pending_connections); };
    // httplib's default sets SO_REUSEPORT, which lets a second server bind the same port
    // silently; only SO_REUSEADDR here (restart without waiting out TIME_WAIT).
    http.set_socket_options([](socket_t sock) {
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    http.set_payload_max_length(static_cast<std::size_t>(cfg.max_upload_bytes + kMultipartSlack));
    http.set_read_timeout(static_cast<time_t>(cfg.read_timeout_seconds), 0);
    http.set_write_timeout(static_cast<time_t>(cfg.write_timeout_seconds), 0);
    http.set_keep_alive_timeout(static_cast<time_t>(cfg.keep_alive_timeout_seconds));
    http.set_keep_alive_max_count(cfg.keep_alive_max_requests);
    http.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                              {"Referrer-Policy", "no-referrer"},
                              {"X-Frame-Options", "DENY"},
                              {"Cache-Control", "no-store"},
                              {"Content-Security-Policy",
                               "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'"}});
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) { return pre_route(req, res); });
    http.set_expect_100_continue_handler([this](const httplib::Request& req, httplib::Response& res) {
      return expect_continue(req, res);
    });
    http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty() || res.content_provider_) return httplib::Server::HandlerResponse::Unhandled;
      if (req.method.empty()) {  // not an HTTP request at all: a short answer
        res.set_content("bad request\n", "text/plain");
        return httplib::Server::HandlerResponse::Handled;
      }
      send_error(req, res, res.status, res.status == 404 ? "not found" : "request failed");
      return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "unknown exception";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      log("{} {}: {}", log_safe(req.method, 16), log_safe(req.path), log_safe(what));
      send_error(req, res, 500, "internal error");
    });
    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) { log_request(req, res); });
    routes();
  }
};

ReviewServer::ReviewServer(ServerConfig config, Storage& storage, ScanFunction scan)
    : impl_(std::make_unique<Impl>(std::move(config), storage, std::move(scan))) {}

ReviewServer::~ReviewServer() {
  stop();
  if (impl_->queue) impl_->queue->stop();
}

bool ReviewServer::start(std::string& error) {
  auto& d = *impl_;
  if (d.cfg.tokens.empty() && !is_loopback_host(d.cfg.host)) {
    error = fmt::format("refusing to listen on {} without --token-file (only loopback addresses are served without tokens)",
                        d.cfg.host);
    return false;
  }
  try {
    if (!d.cfg.keep_uploads_dir.empty()) {
      std::filesystem::create_directories(d.cfg.keep_uploads_dir);
      ::chmod(d.cfg.keep_uploads_dir.c_str(), 0700);
    }
    d.temp = std::make_unique<PrivateTempDir>(d.cfg.temp_parent);
    unsigned jobs = d.cfg.jobs ? d.cfg.jobs : std::max(1u, std::thread::hardware_concurrency());
    d.scan_threads = ScopedScanThreads::share_of_cores(jobs);
    d.queue = std::make_unique<ScanQueue>(jobs, d.cfg.queue, [&d](ScanJob& job) { d.run_job(job); });
    d.recover();
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
  d.configure_http();
  d.bound_port = d.cfg.port == 0 ? d.http.bind_to_any_port(d.cfg.host) : (d.http.bind_to_port(d.cfg.host, d.cfg.port) ? d.cfg.port : -1);
  if (d.bound_port <= 0) {
    error = fmt::format("cannot listen on {}:{}", d.cfg.host, d.cfg.port);
    return false;
  }
  return true;
}

int ReviewServer::port() const { return impl_->bound_port; }

void ReviewServer::run() {
  auto& d = *impl_;
  if (!d.queue || d.bound_port <= 0) return;
  d.in_run = true;
  if (!d.stopping) d.http.listen_after_bind();
  d.in_run = false;
  d.stopping = true;
  // In-flight requests are done (httplib joined its threads); now the running scans.
  auto left = d.queue->stop();
  for (auto& job : left) {
    try {
      if (!job.kept) d.storage.fail_scan(job.id, "interrupted");  // its bytes go with this process
      d.log("scan {} {} at shutdown", job.id, job.kept ? "left queued (upload kept)" : "interrupted");
    } catch (const std::exception& e) {
      d.log("scan {}: {}", job.id, log_safe(e.what()));
    }
  }
}

void ReviewServer::stop() {
  auto& d = *impl_;
  d.stopping = true;
  // httplib ignores stop() before listen() has started: wait for it while run() is on its way.
  for (int i = 0; i < 500; ++i) {
    if (d.http.is_running()) {
      d.http.stop();
      return;
    }
    if (!d.in_run) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace sdkscope::server
