// `scan` (and `batch`): the one place scan options are declared, and the single-input path.
#include <unistd.h>

#include <cstdio>

#include <CLI/CLI.hpp>

#include "scanner/cli/batch.hpp"
#include "scanner/cli/commands.hpp"
#include "scanner/cli/exit_codes.hpp"
#include "scanner/cli/scan_session.hpp"

namespace sdkscope::cli {

void add_engine_options(CLI::App& cmd, ScanArgs& a) {
  cmd.add_option("--signatures", a.common.signatures_dir, "Signature database directory");
  cmd.add_option("--extra-signatures", a.common.extra_signatures,
                 "Additional signature directory loaded beside ours, e.g. from import-exodus (repeatable)");
  cmd.add_flag("--basename", a.basename, "Report only the input's file name, not its path (reproducible output)");
  cmd.add_option("--geoip", a.geoip, "MaxMind DB (.mmdb) to place IP literals found in the app; nothing is resolved or fetched");
  cmd.add_flag("--show-filtered", a.show_filtered,
               "List the address-like strings the endpoint noise filters dropped, with the reason");
  cmd.add_option("--home-jurisdiction", a.home_jurisdiction,
                 "Jurisdiction data_flows measure transfers against: EU (default), EEA, or an ISO country code");
  cmd.add_option("--policy", a.policy,
                 "Policy file (JSON, docs/policy.md): violations become findings and make the exit code 1");
  cmd.add_option("--policy-date", a.policy_date, "Judge allowlist expiry dates as of YYYY-MM-DD (default: today, UTC)");
}

void add_scan_options(CLI::App& cmd, ScanArgs& a) {
  add_engine_options(cmd, a);
  cmd.add_option("-f,--format", a.format, "Report format (default: text on a terminal, else json; a batch writes JSON Lines)")
      ->check(CLI::IsMember(report_format_names()));
  cmd.add_option("-o,--output", a.output,
                 "One input: write the report to FILE. Several: a DIR gets one report per input, FILE.jsonl gets JSON Lines");
  cmd.add_option("--color", a.color, "Colour in text output: auto (a terminal without NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd.add_option("-j,--jobs", a.jobs, "Inputs scanned in parallel (default: the number of CPU threads)");
  cmd.add_flag("--resume", a.resume, "With -o FILE.jsonl: append, skipping inputs whose sha256 already has an ok line");
  cmd.add_option("--shard", a.shard, "Scan only shard K of N: inputs whose 0-based list index i has i % N == K-1");
}

int run_scan(const ScanArgs& args) {
  if (args.inputs.empty() && args.from_list.empty()) {
    std::fprintf(stderr, "sdkscope: no input (give APP... or --from-list FILE)\n");
    return kExitError;
  }
  if (is_batch(args)) return run_batch(args);

  auto session = ScanSession::open(args);
  if (!session) return kExitError;
  ScanOutcome outcome = session->scan(args.inputs.front());
  if (!outcome.result) {
    std::fprintf(stderr, "sdkscope: %s\n", outcome.error.c_str());
    return kExitError;
  }
  const ScanResult& r = *outcome.result;
  bool to_stdout = args.output.empty() || args.output == "-";
  std::string format = args.format;
  if (format.empty()) format = to_stdout && is_terminal(STDOUT_FILENO) ? "text" : "json";
  std::string text = render_report(r, format, color_for(args.color, to_stdout ? STDOUT_FILENO : -1));
  if (!write_output(args.output, text)) {
    std::fprintf(stderr, "sdkscope: cannot write %s\n", to_stdout ? "stdout" : args.output.c_str());
    return kExitError;
  }
  return violates_policy(r) ? kExitViolation : kExitOk;
}

}  // namespace sdkscope::cli
