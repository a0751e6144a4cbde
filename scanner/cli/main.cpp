// sdkscope's entry point: parse arguments, dispatch to a command, map failures to exit codes.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "scanner/cli/commands.hpp"
#include "scanner/cli/exit_codes.hpp"

int main(int argc, char** argv) {
  using namespace sdkscope::cli;
  CLI::App app{"sdkscope: offline static scanner for third-party SDKs, permissions and endpoints in mobile apps"};
  app.set_version_flag("--version", SDKSCOPE_VERSION);
  app.require_subcommand(1);

  ScanArgs scan;
  auto* scan_cmd = app.add_subcommand("scan", "Scan an app (APK, split set, AAB) or an SDK artifact (DEX, .so)");
  scan_cmd->add_option("input", scan.input, "App or artifact file")->required();
  scan_cmd->add_option("-f,--format", scan.format, "Report format: json or text (default: text on a terminal, else json)")
      ->check(CLI::IsMember({"json", "text"}));
  scan_cmd->add_option("-o,--output", scan.output, "Write the report to FILE instead of stdout");
  scan_cmd->add_option("--signatures", scan.common.signatures_dir, "Signature database directory");
  scan_cmd->add_option("--extra-signatures", scan.common.extra_signatures,
                       "Additional signature directory loaded beside ours, e.g. from import-exodus (repeatable)");
  scan_cmd->add_flag("--basename", scan.basename, "Report only the input's file name, not its path (reproducible output)");
  scan_cmd->add_option("--geoip", scan.geoip,
                       "MaxMind DB (.mmdb) to place IP literals found in the app; nothing is resolved or fetched");
  scan_cmd->add_flag("--show-filtered", scan.show_filtered,
                     "List the address-like strings the endpoint noise filters dropped, with the reason");
  scan_cmd->add_option("--home-jurisdiction", scan.home_jurisdiction,
                       "Jurisdiction data_flows measure transfers against: EU (default), EEA, or an ISO country code");

  SignaturesArgs sig;
  auto* sig_cmd = app.add_subcommand("signatures", "Inspect or validate the signature database");
  sig_cmd->require_subcommand(1);
  for (const char* action : {"list", "stats", "validate", "show", "import-exodus"}) {
    auto* sub = sig_cmd->add_subcommand(action, std::string("signatures ") + action);
    sub->add_option("--signatures", sig.common.signatures_dir, "Signature database directory");
    std::string a = action;
    if (a == "show") sub->add_option("id", sig.id, "SDK record id")->required();
    if (a == "validate") sub->add_option("dir", sig.id, "Directory to validate (default: the database)");
    if (a == "import-exodus") {
      sub->description("Convert an Exodus tracker export into a signature directory for --extra-signatures");
      sub->add_option("file", sig.id, "Exodus export (JSON: {\"trackers\": {...}})")->required();
      sub->add_option("-o,--output", sig.output, "Directory to write (created)")->required();
    }
    sub->callback([&sig, action] { sig.action = action; });
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitError;
  }
  if (scan_cmd->parsed()) return run_scan(scan);
  if (sig_cmd->parsed()) return run_signatures(sig);
  return kExitError;
}
