// The CLI's subcommands. Two stages (after ripgrep): CLI11 parses raw arguments into these
// option structs; each command resolves them into ScanOptions and runs.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sdkscope::cli {

struct CommonArgs {
  std::string signatures_dir;               ///< --signatures; "" = default
  std::vector<std::string> extra_signatures;  ///< --extra-signatures DIR (user records beside ours)
};

/// Options of `scan` and `batch`. Everything that shapes a ScanResult is registered by
/// add_engine_options, everything about output and batching by add_scan_options: a new scan
/// flag is one field here plus one line there (scan_command.cpp).
struct ScanArgs {
  CommonArgs common;
  std::vector<std::string> inputs;  ///< positional APP...
  std::string format;  ///< a report_formats() name; "" = text on a terminal, else json
  std::string output;  ///< -o: FILE (one input), DIR or FILE.jsonl (batch); "" = stdout
  std::string color = "auto";            ///< --color auto|always|never (text format)
  bool basename = false;
  std::string home_jurisdiction = "EU";  ///< --home-jurisdiction
  bool show_filtered = false;            ///< --show-filtered
  std::string geoip;                     ///< --geoip FILE.mmdb
  std::string policy;                    ///< --policy FILE (docs/policy.md)
  std::string policy_date;               ///< --policy-date YYYY-MM-DD: the day allowlist expiry is judged on ("" = today, UTC)
  // Batch.
  std::string from_list;   ///< --from-list FILE ("-" = stdin); batch's positional
  unsigned jobs = 0;       ///< --jobs; 0 = hardware concurrency
  bool resume = false;     ///< --resume (with -o FILE.jsonl)
  std::string shard;       ///< --shard K/N
};

/// `diff OLD NEW`: each side an app (scanned with the engine options) or a saved JSON report.
struct DiffArgs {
  ScanArgs scan;  ///< engine options only (signatures, home jurisdiction, geoip, basename)
  std::string old_path, new_path;
  std::string format = "text";  ///< text | json | md
  std::string output;           ///< -o FILE; "" = stdout
  std::string color = "auto";
  std::vector<std::string> fail_on;  ///< --fail-on conditions (reports/diff.hpp names)
};

/// `checks list`: the check catalogue and the policy rules.
struct ChecksArgs {
  CommonArgs common;
  std::string format = "text";  ///< text | json
  std::string platform;         ///< "", "android", "ios": filter
};

struct SignaturesArgs {
  CommonArgs common;
  std::string action;  ///< list | show | validate | stats | import-exodus
  std::string id;      ///< show ID, the directory for validate, the export file for import-exodus
  std::string output;  ///< import-exodus: the signature directory to write
};

/// `serve`: the review service (docs/serve.md). Engine options as for scan (signatures, --policy ...).
struct ServeArgs {
  ScanArgs scan;                        ///< engine options only
  std::string listen = "127.0.0.1:8080";  ///< --listen HOST:PORT (port 0 = any free port)
  std::string db = "sqlite:./sdkscope.db";  ///< --db sqlite:PATH | postgresql://...
  std::string token_file;               ///< --token-file: bearer tokens, one per line
  std::string keep_uploads;             ///< --keep-uploads DIR: keep uploads as DIR/<sha256>
  unsigned long long max_upload_bytes = 1ull << 30;  ///< --max-upload-bytes
  std::size_t queue = 32;               ///< --queue: uploads waiting for a worker (then 429)
  unsigned http_threads = 16;           ///< --http-threads: connections served at once
};

/// Registers the options that shape a scan's result (signature database, jurisdiction, GeoIP ...).
void add_engine_options(CLI::App& cmd, ScanArgs& args);
/// Registers every scan option: add_engine_options plus output, format and batch options.
void add_scan_options(CLI::App& cmd, ScanArgs& args);

int run_scan(const ScanArgs& args);
int run_checks_list(const ChecksArgs& args);
int run_diff(const DiffArgs& args);
int run_signatures(const SignaturesArgs& args);
int run_serve(const ServeArgs& args);

/// Resolves the signature directory: --signatures, $SDKSCOPE_SIGNATURES, the build's source
/// tree, then share/sdkscope/signatures next to the executable.
std::string resolve_signatures_dir(const std::string& flag);

}  // namespace sdkscope::cli
