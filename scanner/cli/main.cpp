// sdkscope's entry point: parse arguments, dispatch to a command, map failures to exit codes.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "reports/diff.hpp"
#include "scanner/cli/commands.hpp"
#include "scanner/cli/exit_codes.hpp"

int main(int argc, char** argv) {
  using namespace sdkscope::cli;
  CLI::App app{"sdkscope: offline static scanner for third-party SDKs, permissions and endpoints in mobile apps"};
  app.set_version_flag("--version", SDKSCOPE_VERSION);
  app.require_subcommand(1);

  // scan and batch share one ScanArgs: only one subcommand parses.
  ScanArgs scan;
  auto* scan_cmd = app.add_subcommand("scan", "Scan apps (APK, split set, AAB, IPA, .app) or SDK artifacts (JAR, AAR, DEX, .so ...)");
  scan_cmd->add_option("inputs", scan.inputs, "App or artifact files; several make a batch (JSON Lines or -o DIR)");
  scan_cmd->add_option("--from-list", scan.from_list, "Read more inputs from FILE, one path a line ('-' = stdin; # comments)");
  add_scan_options(*scan_cmd, scan);

  auto* batch_cmd = app.add_subcommand("batch", "Scan every input listed in LIST (scan --from-list LIST)");
  batch_cmd->add_option("list", scan.from_list, "File of input paths, one a line ('-' = stdin; # comments)")->required();
  add_scan_options(*batch_cmd, scan);

  DiffArgs diff;
  auto* diff_cmd = app.add_subcommand("diff", "Compare two versions of an app: each side an app to scan or a saved JSON report");
  diff_cmd->add_option("old", diff.old_path, "Old app or JSON report")->required();
  diff_cmd->add_option("new", diff.new_path, "New app or JSON report")->required();
  diff_cmd->add_option("-f,--format", diff.format, "Output format: text (default), json, md")
      ->check(CLI::IsMember({"text", "json", "md"}));
  diff_cmd->add_option("-o,--output", diff.output, "Write the diff to FILE instead of stdout");
  diff_cmd->add_option("--color", diff.color, "Colour in text output: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  diff_cmd->add_option("--fail-on", diff.fail_on, "Exit 1 when any of these holds (comma-separated): new-sdk, new-country, "
                                                  "new-permission, new-dangerous-permission, new-finding, new-high-finding, new-endpoint")
      ->delimiter(',')
      ->check(CLI::IsMember(sdkscope::diff_condition_names()));
  add_engine_options(*diff_cmd, diff.scan);

  ServeArgs serve;
  auto* serve_cmd = app.add_subcommand("serve", "Run the review service: upload apps over HTTP, get reports, verdicts and version diffs");
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on (default 127.0.0.1:8080; non-loopback needs --token-file)");
  serve_cmd->add_option("--db", serve.db, "sqlite:PATH (default sqlite:./sdkscope.db) or postgresql://...");
  serve_cmd->add_option("--token-file", serve.token_file, "Bearer tokens, one per line: every request must carry one");
  serve_cmd->add_option("--keep-uploads", serve.keep_uploads, "Keep uploaded files in DIR, named by SHA-256 (default: never stored)");
  serve_cmd->add_option("--max-upload-bytes", serve.max_upload_bytes, "Largest upload accepted (default 1073741824)");
  serve_cmd->add_option("--queue", serve.queue, "Uploads waiting for a scan worker before 429 (default 32)");
  serve_cmd->add_option("--http-threads", serve.http_threads, "Connections served at once (default 16)");
  serve_cmd->add_option("-j,--jobs", serve.scan.jobs, "Scans run in parallel (default: the number of CPU threads)");
  add_engine_options(*serve_cmd, serve.scan);

  ChecksArgs checks;
  auto* checks_cmd = app.add_subcommand("checks", "The privacy and security checks sdkscope runs");
  checks_cmd->require_subcommand(1);
  auto* checks_list = checks_cmd->add_subcommand("list", "Print the check catalogue and policy rules (ids, severities)");
  checks_list->add_option("--signatures", checks.common.signatures_dir, "Signature database directory");
  checks_list->add_option("-f,--format", checks.format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  checks_list->add_option("--platform", checks.platform, "Only checks for android or ios (and both)")
      ->check(CLI::IsMember({"android", "ios"}));

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
  if (scan_cmd->parsed() || batch_cmd->parsed()) return run_scan(scan);
  if (diff_cmd->parsed()) return run_diff(diff);
  if (serve_cmd->parsed()) return run_serve(serve);
  if (sig_cmd->parsed()) return run_signatures(sig);
  if (checks_cmd->parsed()) return run_checks_list(checks);
  return kExitError;
}
