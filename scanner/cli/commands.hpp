// The CLI's subcommands. Two stages (after ripgrep): CLI11 parses raw arguments into these
// option structs; each command resolves them into ScanOptions and runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sdkscope::cli {

struct CommonArgs {
  std::string signatures_dir;               ///< --signatures; "" = default
  std::vector<std::string> extra_signatures;  ///< --extra-signatures DIR (user records beside ours)
};

struct ScanArgs {
  CommonArgs common;
  std::string input;
  std::string format;  ///< "json" | "text" | "" (text on a terminal, else json)
  std::string output;  ///< -o FILE; "" = stdout
  bool basename = false;
  std::string home_jurisdiction = "EU";  ///< --home-jurisdiction
  bool show_filtered = false;            ///< --show-filtered
  std::string geoip;                     ///< --geoip FILE.mmdb
};

struct SignaturesArgs {
  CommonArgs common;
  std::string action;  ///< list | show | validate | stats | import-exodus
  std::string id;      ///< show ID, the directory for validate, the export file for import-exodus
  std::string output;  ///< import-exodus: the signature directory to write
};

int run_scan(const ScanArgs& args);
int run_signatures(const SignaturesArgs& args);

/// Resolves the signature directory: --signatures, $SDKSCOPE_SIGNATURES, the build's source
/// tree, then share/sdkscope/signatures next to the executable.
std::string resolve_signatures_dir(const std::string& flag);

}  // namespace sdkscope::cli
