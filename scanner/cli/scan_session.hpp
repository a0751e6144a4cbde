// What every scanning command shares: the signature database and one Scanner built from
// ScanArgs, the report formats, output helpers, and the exit-code rules for results.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/cli/commands.hpp"
#include "scanner/engine/scanner.hpp"

namespace sdkscope::cli {

/// Loads the database (--signatures, --extra-signatures); prints one line and returns nullopt when
/// it does not validate.
std::optional<SignatureDb> load_db(const CommonArgs& common);

/// The database and the Scanner over it, resolved once from ScanArgs. Never moves (the Scanner
/// holds a reference to the database), hence the unique_ptr. scan() is safe from many threads.
class ScanSession {
 public:
  /// nullptr after one line on stderr when the database or an engine option is unusable.
  static std::unique_ptr<ScanSession> open(const ScanArgs& args);

  /// Scans one input and stamps the result with this build's version. Thread-safe.
  ScanOutcome scan(const std::string& path) const;

  ScanSession(SignatureDb db, const ScanArgs& args, std::shared_ptr<const policy::Policy> policy = nullptr);
  ScanSession(const ScanSession&) = delete;
  ScanSession& operator=(const ScanSession&) = delete;

 private:
  SignatureDb db_;
  Scanner scanner_;
};

/// The policy-gate hook: a result whose policy was evaluated and not passed makes the command
/// exit 1 (kExitViolation). Batch mode applies it to every scanned input.
inline bool violates_policy(const ScanResult& r) { return r.policy.evaluated && !r.policy.passed; }

/// One report format of `scan --format`: its name and the file extension batch -o DIR uses.
/// Adding a format is one row in report_formats() and one case in render_report().
struct ReportFormat {
  std::string_view name, extension;
};
const std::vector<ReportFormat>& report_formats();
std::vector<std::string> report_format_names();
const ReportFormat* find_report_format(std::string_view name);
/// The report in `format`; `color` applies to text only.
std::string render_report(const ScanResult& r, std::string_view format, bool color);

/// True when the file descriptor is a terminal.
bool is_terminal(int fd);
/// Colour for a text report written to `fd` (-1 = a file): --color, the terminal, and NO_COLOR.
bool color_for(const std::string& color_flag, int fd);

/// Writes text to `path` ("" or "-" = stdout). False when it cannot.
bool write_output(const std::string& path, const std::string& text);

}  // namespace sdkscope::cli
