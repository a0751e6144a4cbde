// The server's own HTML pages: recent scans, an app's version history with what changed between
// consecutive versions, a scan's status while it is not done. Server-rendered, inline CSS, no
// scripts, nothing loaded from anywhere; every value from an app or a request is escaped.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/diff.hpp"
#include "server/storage.hpp"

namespace sdkscope::server {

/// The queue line on the index page.
struct QueueView {
  std::size_t waiting = 0, running = 0, capacity = 0;
  unsigned workers = 0;
};

std::string render_index_page(const std::vector<ScanRecord>& scans, const QueueView& queue);

/// One version of an app and what changed since the version listed after it (the next older).
struct VersionView {
  ScanRecord scan;
  std::optional<ScanDiff> since_previous;  ///< nullopt for the oldest listed (or when unreadable)
  std::string previous_id;                 ///< the scan it is compared with
};
std::string render_app_page(const std::string& platform, const std::string& app_id,
                            const std::vector<VersionView>& versions, bool truncated);

/// A scan that is not done (queued, running, error).
std::string render_scan_status_page(const ScanRecord& scan);
std::string render_error_page(int status, std::string_view message);

/// HTML text and attribute escaping (& < > " '), after making hostile text displayable.
std::string html_escape(std::string_view s);
/// Percent-encodes one path segment (everything but unreserved characters).
std::string url_encode_segment(std::string_view s);
/// The web page of an app: /apps/<platform>/<app id, percent-encoded>.
std::string app_page_href(std::string_view platform, std::string_view app_id);

}  // namespace sdkscope::server
