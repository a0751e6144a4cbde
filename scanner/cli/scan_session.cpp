#include "scanner/cli/scan_session.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "reports/cyclonedx_report.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/markdown_report.hpp"
#include "reports/sarif_report.hpp"
#include "reports/text_report.hpp"

namespace sdkscope::cli {

namespace {

ScanOptions engine_options(const ScanArgs& args, std::shared_ptr<const policy::Policy> policy) {
  ScanOptions opts = ScanOptions::standard();
  opts.policy = std::move(policy);
  opts.today = args.policy_date;
  opts.path_basename_only = args.basename;
  opts.home_jurisdiction = args.home_jurisdiction;
  opts.show_filtered = args.show_filtered;
  opts.geoip_path = args.geoip;
  return opts;
}

}  // namespace

std::optional<SignatureDb> load_db(const CommonArgs& common) {
  std::string dir = resolve_signatures_dir(common.signatures_dir);
  std::vector<std::string> errors;
  auto db = SignatureDb::load(dir, errors);
  if (db) {
    for (const auto& extra : common.extra_signatures)
      if (!db->add_directory(extra, errors)) {
        db.reset();
        break;
      }
  }
  if (!db) {
    // One line on stderr for the first problem; the rest follow for whoever fixes the file.
    std::fprintf(stderr, "sdkscope: invalid signature database %s: %s\n", dir.c_str(),
                 errors.empty() ? "unknown error" : errors.front().c_str());
    for (std::size_t i = 1; i < errors.size() && i < 20; ++i) std::fprintf(stderr, "  %s\n", errors[i].c_str());
    return std::nullopt;
  }
  return db;
}

ScanSession::ScanSession(SignatureDb db, const ScanArgs& args, std::shared_ptr<const policy::Policy> policy)
    : db_(std::move(db)), scanner_(db_, engine_options(args, std::move(policy))) {}

std::unique_ptr<ScanSession> ScanSession::open(const ScanArgs& args) {
  std::shared_ptr<const policy::Policy> gate;
  if (!args.policy.empty()) {
    std::vector<std::string> errors;
    auto p = policy::load_policy(args.policy, errors);
    if (!p) {
      std::fprintf(stderr, "sdkscope: invalid policy: %s\n", errors.empty() ? args.policy.c_str() : errors.front().c_str());
      for (std::size_t i = 1; i < errors.size() && i < 20; ++i) std::fprintf(stderr, "  %s\n", errors[i].c_str());
      return nullptr;
    }
    gate = std::make_shared<const policy::Policy>(std::move(*p));
  }
  if (!args.policy_date.empty()) {
    std::vector<std::string> errors;
    std::string probe = R"({"schema": "sdkscope-policy/1", "name": "d", "allow": [{"sdk": "x", "justification": "x", "expires": ")" +
                        args.policy_date + R"("}]})";
    if (!policy::parse_policy(probe, "--policy-date", errors)) {
      std::fprintf(stderr, "sdkscope: --policy-date %s is not YYYY-MM-DD\n", args.policy_date.c_str());
      return nullptr;
    }
  }
  auto db = load_db(args.common);
  if (!db) return nullptr;
  auto session = std::make_unique<ScanSession>(std::move(*db), args, std::move(gate));
  if (!session->scanner_.geoip_error().empty()) {
    std::fprintf(stderr, "sdkscope: --geoip %s: %s\n", args.geoip.c_str(), session->scanner_.geoip_error().c_str());
    return nullptr;
  }
  if (!session->scanner_.checks_error().empty()) {
    std::fprintf(stderr, "sdkscope: invalid check catalogue: %s\n", session->scanner_.checks_error().c_str());
    return nullptr;
  }
  if (!session->scanner_.knows_home(args.home_jurisdiction)) {
    std::fprintf(stderr, "sdkscope: unknown --home-jurisdiction '%s' (use EU, EEA or an ISO 3166-1 alpha-2 code)\n",
                 args.home_jurisdiction.c_str());
    return nullptr;
  }
  return session;
}

ScanOutcome ScanSession::scan(const std::string& path) const {
  ScanOutcome outcome = scanner_.scan(path);
  if (outcome.result) outcome.result->scanner.version = SDKSCOPE_VERSION;
  return outcome;
}

const std::vector<ReportFormat>& report_formats() {
  static const std::vector<ReportFormat> kFormats{{"json", "json"},   {"text", "txt"},        {"sarif", "sarif"},
                                                  {"html", "html"},   {"md", "md"},           {"cyclonedx", "cdx.json"}};
  return kFormats;
}

std::vector<std::string> report_format_names() {
  std::vector<std::string> names;
  for (const auto& f : report_formats()) names.emplace_back(f.name);
  return names;
}

const ReportFormat* find_report_format(std::string_view name) {
  for (const auto& f : report_formats())
    if (f.name == name) return &f;
  return nullptr;
}

std::string render_report(const ScanResult& r, std::string_view format, bool color) {
  if (format == "text") return write_text_report(r, TextOptions{color});
  if (format == "sarif") return write_sarif_report(r);
  if (format == "html") return write_html_report(r, HtmlOptions{r.app.icon_png});
  if (format == "md") return write_markdown_report(r);
  if (format == "cyclonedx") return write_cyclonedx_report(r);
  return write_json_report(r);
}

bool is_terminal(int fd) { return fd >= 0 && ::isatty(fd) == 1; }

bool color_for(const std::string& color_flag, int fd) {
  auto mode = parse_color_mode(color_flag).value_or(ColorMode::automatic);
  return use_color(mode, is_terminal(fd), std::getenv("NO_COLOR"));
}

bool write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0 && !std::ferror(stdout);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  return static_cast<bool>(out);
}

}  // namespace sdkscope::cli
